package attention

import "github.com/attnmt/nmt/attention/linalg"

// Softmax turns the scores e [B, S] into weights in place: row b becomes
// a probability distribution over its first lens[b] positions, and every
// position at or past lens[b] gets exactly 0. A row with length 0 is all
// zeros.
func Softmax(e []float32, S, B int, lens []int) {
	for b := range B {
		row := e[b*S : b*S+S]
		n := lens[b]
		if n == 0 {
			clear(row)
			continue
		}
		mx := row[0]
		for _, x := range row[1:n] {
			mx = max(mx, x)
		}
		var sum float32
		for i := range n {
			row[i] = linalg.Exp(row[i] - mx)
			sum += row[i]
		}
		inv := 1 / sum
		for i := range n {
			row[i] *= inv
		}
		clear(row[n:])
	}
}

// SoftmaxBackward writes into de [B, S] the gradient with respect to the
// scores, given the weights w and the gradient dw with respect to them.
func SoftmaxBackward(w, dw []float32, S, B int, lens []int, de []float32) {
	for b := range B {
		wr, dwr, der := w[b*S:b*S+S], dw[b*S:b*S+S], de[b*S:b*S+S]
		n := lens[b]
		var s float32
		for i := range n {
			s += wr[i] * dwr[i]
		}
		for i := range n {
			der[i] = wr[i] * (dwr[i] - s)
		}
		clear(der[n:])
	}
}

// Context writes ctx[b] = sum_s w[b, s] * mem[s*B+b] for the weights w
// [B, S] and the time-major memory mem [S*B, M]; ctx is [B, M].
func Context(w, mem []float32, S, B, M int, lens []int, ctx []float32) {
	ContextRows(w, mem, S, B, M, nil, lens, ctx)
}

// ContextRows is Context for R = len(rows) rows over the memory of B
// sentences: ctx[r] = sum_s w[r, s] * mem[s*B+rows[r]], with w [R, S],
// lens [R] and ctx [R, M]; nil rows means row r reads sentence r. Beam
// search calls it so that its hypotheses share their sentence's memory.
func ContextRows(w, mem []float32, S, B, M int, rows, lens []int, ctx []float32) {
	R := numRows(rows, B)
	clear(ctx[:R*M])
	linalg.Parallel(R, S*M, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b := sentenceOf(rows, r)
			cr := ctx[r*M : r*M+M]
			for p := range lens[r] {
				if g := w[r*S+p]; g != 0 {
					axpy(g, mem[(p*B+b)*M:(p*B+b)*M+M], cr)
				}
			}
		}
	})
}

// ContextBackward writes dw [B, S] and adds to dmem [S*B, M] the gradients
// flowing back from dctx [B, M].
func ContextBackward(w, mem []float32, S, B, M int, lens []int, dctx, dw, dmem []float32) {
	linalg.Parallel(B, S*M, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			dcb := dctx[b*M : b*M+M]
			for p := range S {
				if p >= lens[b] {
					dw[b*S+p] = 0
					continue
				}
				row := (p*B + b) * M
				dw[b*S+p] = dot(dcb, mem[row:row+M])
				axpy(w[b*S+p], dcb, dmem[row:row+M])
			}
		}
	})
}
