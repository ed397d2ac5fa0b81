package attention

import (
	"fmt"

	"github.com/attnmt/nmt/attention/linalg"
)

// Scorer scores decoder queries against projected memory positions.
// Implementations hold only weights: the per-batch and per-step buffers
// are the caller's, so one Scorer serves concurrent decoders.
type Scorer interface {
	// Dims reports the memory width M, query width Q and key width K.
	Dims() (m, q, k int)
	// Project writes keys [n, K] for the memory rows mem [n, M].
	Project(mem []float32, n int, keys []float32)
	// ProjectBackward adds to dmem [n, M] and to the weight gradients the
	// gradient flowing back from dkeys [n, K].
	ProjectBackward(mem []float32, n int, dkeys, dmem []float32)
	// SavedLen is the length of the scratch that Score fills for
	// ScoreBackward, for B queries against S positions each.
	SavedLen(s, b int) int
	// Score writes e[b*S+s] = score(q[b], keys[s*B+b]) for s < lens[b];
	// q is [B, Q] and keys time-major [S*B, K]. Other entries of e are
	// left as they are. saved, of SavedLen(S, B), may be nil when no
	// backward pass follows.
	Score(q, keys []float32, s, b int, lens []int, e, saved []float32)
	// ScoreBackward adds to dq [B, Q], dkeys [S*B, K] and the weight
	// gradients the gradient flowing back from de [B, S].
	ScoreBackward(q, keys []float32, s, b int, lens []int, saved, de, dq, dkeys []float32)
	// ScoreBackwardInputs is ScoreBackward without the weight gradients:
	// it adds to dq and dkeys alone (explanations need no more).
	ScoreBackwardInputs(q, keys []float32, s, b int, lens []int, saved, de, dq, dkeys []float32)
	// ProjectBackwardInputs is ProjectBackward without the weight
	// gradients: it adds to dmem alone.
	ProjectBackwardInputs(mem []float32, n int, dkeys, dmem []float32)
	// Params lists the learnable weights in a fixed order.
	Params() []*Param
}

// New returns the scorer of the given kind ("additive", "dot" or
// "general") for memory width m, query width q and additive attention size
// a (ignored by dot and general). Weight names start with prefix.
func New(kind, prefix string, m, q, a int) (Scorer, error) {
	switch kind {
	case "additive":
		return NewAdditive(prefix, m, q, a), nil
	case "dot":
		if m != q {
			return nil, fmt.Errorf("dot attention needs equal memory and query widths, got %d and %d", m, q)
		}
		return &Dot{width: m}, nil
	case "general":
		return NewGeneral(prefix, m, q), nil
	}
	return nil, fmt.Errorf("unknown attention %q (want additive, dot or general)", kind)
}

// Additive is Bahdanau's attention: score(q, h) = v . tanh(Wk h + Wq q).
// The key of a memory row is Wk h, projected once per batch.
type Additive struct {
	m, q, a int
	Wk      *Param // [A, M]
	Wq      *Param // [A, Q]
	V       *Param // [A]
}

// NewAdditive returns additive attention with zero weights.
func NewAdditive(prefix string, m, q, a int) *Additive {
	return &Additive{m: m, q: q, a: a,
		Wk: NewParam(prefix+"key", a, m),
		Wq: NewParam(prefix+"query", a, q),
		V:  NewParam(prefix+"v", a),
	}
}

// Dims implements Scorer.
func (s *Additive) Dims() (m, q, k int) { return s.m, s.q, s.a }

// Params implements Scorer.
func (s *Additive) Params() []*Param { return []*Param{s.Wk, s.Wq, s.V} }

// Project implements Scorer.
func (s *Additive) Project(mem []float32, n int, keys []float32) {
	linalg.Gemm(false, true, n, s.a, s.m, 1, mem, s.m, s.Wk.Value, s.m, 0, keys, s.a) // [n, A]
}

// ProjectBackward implements Scorer.
func (s *Additive) ProjectBackward(mem []float32, n int, dkeys, dmem []float32) {
	s.ProjectBackwardInputs(mem, n, dkeys, dmem)
	linalg.Gemm(true, false, s.a, s.m, n, 1, dkeys, s.a, mem, s.m, 1, s.Wk.Grad, s.m) // [A, M]
}

// ProjectBackwardInputs implements Scorer.
func (s *Additive) ProjectBackwardInputs(mem []float32, n int, dkeys, dmem []float32) {
	linalg.Gemm(false, false, n, s.m, s.a, 1, dkeys, s.a, s.Wk.Value, s.m, 1, dmem, s.m) // [n, M]
}

// SavedLen implements Scorer: the projected queries [B, A] and the
// activations tanh(k + q) [B, S, A].
func (s *Additive) SavedLen(S, B int) int { return B*s.a + B*S*s.a }

// Score implements Scorer.
func (s *Additive) Score(q, keys []float32, S, B int, lens []int, e, saved []float32) {
	A := s.a
	if saved == nil {
		saved = make([]float32, s.SavedLen(S, B))
	}
	qp, act := saved[:B*A], saved[B*A:]
	linalg.Gemm(false, true, B, A, s.q, 1, q, s.q, s.Wq.Value, s.q, 0, qp, A) // [B, A]
	s.ScoreProjected(qp, keys, S, B, lens, e, act)
}

// ScoreProjected is Score for queries already projected by Wq: qp is
// [B, A], act of B*S*A receives tanh(k + Wq q). Decoders that compute the
// projection their own way (in int8, say) call it directly.
func (s *Additive) ScoreProjected(qp, keys []float32, S, B int, lens []int, e, act []float32) {
	s.scoreRows(qp, keys, S, B, nil, lens, e, act)
}

// ScoreProjectedRows is ScoreProjected for R = len(rows) queries over
// the keys of B sentences, keys [S*B, A] time-major: query r (qp [R, A])
// scores sentence rows[r] into e [R, S], lens [R]. It keeps no
// activations, so that beam search needs neither a copy of the keys per
// hypothesis nor R*S*A of scratch; the scores are the ones
// ScoreProjected gives.
func (s *Additive) ScoreProjectedRows(qp, keys []float32, S, B int, rows, lens []int, e []float32) {
	s.scoreRows(qp, keys, S, B, rows, lens, e, nil)
}

// scoreRows scores query r against sentence rows[r] (r itself when rows
// is nil), keeping the activations in act unless it is nil.
func (s *Additive) scoreRows(qp, keys []float32, S, B int, rows, lens []int, e, act []float32) {
	A := s.a
	v := s.V.Value
	R := numRows(rows, B)
	linalg.Parallel(R, S*A, func(lo, hi int) {
		var tmp []float32
		if act == nil {
			tmp = make([]float32, A)
		}
		for r := lo; r < hi; r++ {
			b := sentenceOf(rows, r)
			qr := qp[r*A : r*A+A]
			for p := range lens[r] {
				t := tmp
				if act != nil {
					t = act[(r*S+p)*A : (r*S+p)*A+A]
				}
				linalg.AddTanh(t, keys[(p*B+b)*A:(p*B+b)*A+A], qr)
				e[r*S+p] = linalg.Dot(t, v)
			}
		}
	})
}

// ScoreBackward implements Scorer.
func (s *Additive) ScoreBackward(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	s.scoreBackward(q, keys, S, B, lens, saved, de, dq, dkeys, true)
}

// ScoreBackwardInputs implements Scorer.
func (s *Additive) ScoreBackwardInputs(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	s.scoreBackward(q, keys, S, B, lens, saved, de, dq, dkeys, false)
}

// scoreBackward is ScoreBackward, adding the weight gradients only when
// weights is set.
func (s *Additive) scoreBackward(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32, weights bool) {
	A := s.a
	act := saved[B*A:]
	dqp := make([]float32, B*A)
	v := s.V.Value
	// Each range of rows sums its share of dv separately; the shares are
	// added in row order afterwards, so the result does not depend on
	// which goroutine finishes first.
	dvParts := make([][]float32, B)
	linalg.Parallel(B, S*A, func(lo, hi int) {
		var dv []float32
		if weights {
			dv = make([]float32, A)
			dvParts[lo] = dv
		}
		for b := lo; b < hi; b++ {
			dqb := dqp[b*A : b*A+A]
			for p := range lens[b] {
				g := de[b*S+p]
				if g == 0 {
					continue
				}
				t := act[(b*S+p)*A : (b*S+p)*A+A]
				dk := dkeys[(p*B+b)*A : (p*B+b)*A+A]
				if weights {
					linalg.Axpy(g, t, dv)
				}
				for i, x := range t {
					d := g * v[i] * (1 - x*x)
					dk[i] += d
					dqb[i] += d
				}
			}
		}
	})
	for _, dv := range dvParts {
		if dv != nil {
			axpy(1, dv, s.V.Grad)
		}
	}
	linalg.Gemm(false, false, B, s.q, A, 1, dqp, A, s.Wq.Value, s.q, 1, dq, s.q) // [B, Q]
	if weights {
		linalg.Gemm(true, false, A, s.q, B, 1, dqp, A, q, s.q, 1, s.Wq.Grad, s.q) // [A, Q]
	}
}

// Dot is Luong's dot attention: score(q, h) = q . h. It has no weights;
// the keys are the memory itself.
type Dot struct{ width int }

// Dims implements Scorer.
func (s *Dot) Dims() (m, q, k int) { return s.width, s.width, s.width }

// Params implements Scorer.
func (s *Dot) Params() []*Param { return nil }

// Project implements Scorer by copying the memory.
func (s *Dot) Project(mem []float32, n int, keys []float32) { copy(keys[:n*s.width], mem) }

// ProjectBackward implements Scorer.
func (s *Dot) ProjectBackward(mem []float32, n int, dkeys, dmem []float32) {
	for i, g := range dkeys[:n*s.width] {
		dmem[i] += g
	}
}

// ProjectBackwardInputs implements Scorer: Dot has no weights.
func (s *Dot) ProjectBackwardInputs(mem []float32, n int, dkeys, dmem []float32) {
	s.ProjectBackward(mem, n, dkeys, dmem)
}

// SavedLen implements Scorer: dot scores need nothing saved.
func (s *Dot) SavedLen(S, B int) int { return 0 }

// Score implements Scorer.
func (s *Dot) Score(q, keys []float32, S, B int, lens []int, e, saved []float32) {
	dotScores(q, keys, s.width, S, B, lens, e)
}

// ScoreBackward implements Scorer.
func (s *Dot) ScoreBackward(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	dotScoresBackward(q, keys, s.width, S, B, lens, de, dq, dkeys)
}

// ScoreBackwardInputs implements Scorer: the scores have no weights.
func (s *Dot) ScoreBackwardInputs(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	dotScoresBackward(q, keys, s.width, S, B, lens, de, dq, dkeys)
}

// General is Luong's general attention: score(q, h) = q . (W h). The key
// of a memory row is W h, projected once per batch.
type General struct {
	m, q int
	W    *Param // [Q, M]
}

// NewGeneral returns general attention with zero weights.
func NewGeneral(prefix string, m, q int) *General {
	return &General{m: m, q: q, W: NewParam(prefix+"weight", q, m)}
}

// Dims implements Scorer.
func (s *General) Dims() (m, q, k int) { return s.m, s.q, s.q }

// Params implements Scorer.
func (s *General) Params() []*Param { return []*Param{s.W} }

// Project implements Scorer.
func (s *General) Project(mem []float32, n int, keys []float32) {
	linalg.Gemm(false, true, n, s.q, s.m, 1, mem, s.m, s.W.Value, s.m, 0, keys, s.q) // [n, Q]
}

// ProjectBackward implements Scorer.
func (s *General) ProjectBackward(mem []float32, n int, dkeys, dmem []float32) {
	s.ProjectBackwardInputs(mem, n, dkeys, dmem)
	linalg.Gemm(true, false, s.q, s.m, n, 1, dkeys, s.q, mem, s.m, 1, s.W.Grad, s.m) // [Q, M]
}

// ProjectBackwardInputs implements Scorer.
func (s *General) ProjectBackwardInputs(mem []float32, n int, dkeys, dmem []float32) {
	linalg.Gemm(false, false, n, s.m, s.q, 1, dkeys, s.q, s.W.Value, s.m, 1, dmem, s.m) // [n, M]
}

// SavedLen implements Scorer.
func (s *General) SavedLen(S, B int) int { return 0 }

// Score implements Scorer.
func (s *General) Score(q, keys []float32, S, B int, lens []int, e, saved []float32) {
	dotScores(q, keys, s.q, S, B, lens, e)
}

// ScoreBackward implements Scorer.
func (s *General) ScoreBackward(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	dotScoresBackward(q, keys, s.q, S, B, lens, de, dq, dkeys)
}

// ScoreBackwardInputs implements Scorer: the scores have no weights
// (General's are in the keys' projection).
func (s *General) ScoreBackwardInputs(q, keys []float32, S, B int, lens []int, saved, de, dq, dkeys []float32) {
	dotScoresBackward(q, keys, s.q, S, B, lens, de, dq, dkeys)
}

func dotScores(q, keys []float32, k, S, B int, lens []int, e []float32) {
	for b := range B {
		qb := q[b*k : b*k+k]
		for p := range lens[b] {
			e[b*S+p] = dot(qb, keys[(p*B+b)*k:(p*B+b)*k+k])
		}
	}
}

func dotScoresBackward(q, keys []float32, k, S, B int, lens []int, de, dq, dkeys []float32) {
	for b := range B {
		qb, dqb := q[b*k:b*k+k], dq[b*k:b*k+k]
		for p := range lens[b] {
			g := de[b*S+p]
			if g == 0 {
				continue
			}
			kr, dk := keys[(p*B+b)*k:(p*B+b)*k+k], dkeys[(p*B+b)*k:(p*B+b)*k+k]
			axpy(g, kr, dqb)
			axpy(g, qb, dk)
		}
	}
}

func dot(x, y []float32) float32 { return linalg.Dot(x, y) }

// axpy adds alpha*x to y.
func axpy(alpha float32, x, y []float32) { linalg.Axpy(alpha, x, y) }
