package attention

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowsMatchReplicated checks that scoring and reading R rows against
// the memory of B sentences (rows naming the sentences) gives exactly
// what the same computation gives over memory replicated per row.
func TestRowsMatchReplicated(t *testing.T) {
	const S, B, M, Q, A = 4, 2, 5, 3, 6
	r := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		return x
	}
	for _, rows := range [][]int{{0, 1}, {1, 0, 1}, {1}, {0, 0, 0, 1}} {
		R := len(rows)
		sentLens := []int{4, 2}
		keys, mem := fill(S*B*A), fill(S*B*M) // [S*B, A], [S*B, M]
		// The same, one copy per row: [S*R, ...].
		repKeys, repMem := make([]float32, S*R*A), make([]float32, S*R*M)
		lens := make([]int, R)
		for i, b := range rows {
			lens[i] = sentLens[b]
			for p := range S {
				copy(repKeys[(p*R+i)*A:(p*R+i+1)*A], keys[(p*B+b)*A:(p*B+b+1)*A])
				copy(repMem[(p*R+i)*M:(p*R+i+1)*M], mem[(p*B+b)*M:(p*B+b+1)*M])
			}
		}
		add := NewAdditive("a.", M, Q, A)
		copy(add.V.Value, fill(A))
		qp := fill(R * A)
		want, got := make([]float32, R*S), make([]float32, R*S)
		add.ScoreProjected(qp, repKeys, S, R, lens, want, make([]float32, R*S*A))
		add.ScoreProjectedRows(qp, keys, S, B, rows, lens, got)
		if !slices.Equal(got, want) {
			t.Errorf("rows %v: scores %v, replicated %v", rows, got, want)
		}
		Softmax(want, S, R, lens)
		wantCtx, gotCtx := make([]float32, R*M), make([]float32, R*M)
		Context(want, repMem, S, R, M, lens, wantCtx)
		ContextRows(want, mem, S, B, M, rows, lens, gotCtx)
		if !slices.Equal(gotCtx, wantCtx) {
			t.Errorf("rows %v: context %v, replicated %v", rows, gotCtx, wantCtx)
		}
	}
}
