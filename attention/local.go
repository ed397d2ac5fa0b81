package attention

import (
	"math"

	"github.com/attnmt/nmt/attention/linalg"
)

// MinLocalWidth is the smallest width sigma_t local attention predicts:
// sigma_t = MinLocalWidth + softplus(w_s . s_t + b_s), so the window
// p_t +- 2 sigma_t always holds at least one whole position.
const MinLocalWidth = 0.5

// LocalWidthBias is the initial b_s of a new Local: softplus(2) + 0.5 is a
// width of about 2.6 positions, a window of about 11.
const LocalWidthBias = 2

// Local is attention by predicted location and width (Luong et al.'s
// local-p with a learned width, the one-dimensional form of DRAW's
// attention). For a decoder query s_t and a source of n positions it
// predicts a centre and a width,
//
//	p_t     = (n-1) * sigmoid(v_p . tanh(W_p s_t))
//	sigma_t = MinLocalWidth + softplus(w_s . s_t + b_s)
//
// scores with Content only the positions j with |j - p_t| <= 2 sigma_t,
// softmaxes those scores inside the window into a_j, and weights them by
// a Gaussian around the centre: w_j = a_j exp(-(j-p_t)^2 / (2 sigma_t^2)).
// Positions outside the window get weight 0 and are never scored. The
// weights do not sum to one (as in Luong et al.). The keys are Content's:
// project them with Content.Project.
//
// Like the scorers, Local holds only weights; the scratch of one step
// (saved, of SavedLen) is the caller's.
type Local struct {
	Content Scorer
	q, a    int
	Wp      *Param // [A, Q] centre projection
	Vp      *Param // [A]    centre vector
	Ws      *Param // [Q]    width vector
	Bs      *Param // [1]    width bias
}

// NewLocal returns local attention over the content scorer sc, with a
// centre network of size a, zero weights and the width bias at
// LocalWidthBias. Weight names start with prefix.
func NewLocal(prefix string, sc Scorer, a int) *Local {
	_, q, _ := sc.Dims()
	l := &Local{Content: sc, q: q, a: a,
		Wp: NewParam(prefix+"centre.w", a, q),
		Vp: NewParam(prefix+"centre.v", a),
		Ws: NewParam(prefix+"width.w", q),
		Bs: NewParam(prefix+"width.b", 1),
	}
	l.Bs.Value[0] = LocalWidthBias
	return l
}

// Params lists the location and width weights (not Content's) in a fixed
// order.
func (l *Local) Params() []*Param { return []*Param{l.Wp, l.Vp, l.Ws, l.Bs} }

// The saved scratch of one query row, for source length S:
//
//	[0, A)               tanh(W_p s_t)
//	A+0 .. A+5           z (centre logit), u (width logit), p_t, sigma_t, first position, window length
//	then a [S], g [S]    content weights and Gaussian over the window
//	then keys [S, K]     the window's keys, gathered
//	then Content's saved scratch for one query against S positions
const localHeader = 6

func (l *Local) rowLen(S int) int {
	_, _, k := l.Content.Dims()
	return l.a + localHeader + 2*S + S*k + l.Content.SavedLen(S, 1)
}

// SavedLen is the length of the scratch Attend fills for AttendBackward,
// for B queries against S positions each.
func (l *Local) SavedLen(S, B int) int { return B * l.rowLen(S) }

// Window returns the centre p_t and width sigma_t that Attend predicted
// for row b, read from its saved scratch.
func (l *Local) Window(saved []float32, S, b int) (centre, width float32) {
	row := saved[b*l.rowLen(S):]
	return row[l.a+2], row[l.a+3]
}

// localRow lays one row's saved scratch out.
type localRow struct {
	h                   []float32 // [A]
	hdr                 []float32 // [localHeader]
	a, g, keys, scSaved []float32
}

func (l *Local) row(saved []float32, S, b int) localRow {
	_, _, k := l.Content.Dims()
	row := saved[b*l.rowLen(S) : (b+1)*l.rowLen(S)]
	A := l.a
	r := localRow{h: row[:A], hdr: row[A : A+localHeader]}
	rest := row[A+localHeader:]
	r.a, r.g, r.keys, r.scSaved = rest[:S], rest[S:2*S], rest[2*S:2*S+S*k], rest[2*S+S*k:]
	return r
}

// softplus is log(1 + e^x), computed without overflow.
func softplus(x float64) float64 {
	if x > 20 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Attend writes the weights w [B, S] (zero outside each window) and the
// contexts ctx [B, M] for the queries q [B, Q] against the keys [S*B, K]
// (projected by Content) and the memory mem [S*B, M], both time-major.
// saved, of SavedLen(S, B), must not be nil: it holds the window of each
// row, for AttendBackward and Window.
func (l *Local) Attend(q, keys, mem []float32, S, B, M int, lens []int, w, ctx, saved []float32) {
	_, _, K := l.Content.Dims()
	Q, A := l.q, l.a
	one := []int{0}
	clear(ctx[:B*M])
	// The centre network's hidden layer of every row at once: row b's h
	// is the start of its saved scratch.
	rl := l.rowLen(S)
	linalg.Gemm(false, true, B, A, Q, 1, q, Q, l.Wp.Value, Q, 0, saved, rl) // [B, A] at stride rl
	// Additive scores project the queries first: that too for all rows at
	// once, into the start of each row's scorer scratch, where Score
	// would put it.
	add, _ := l.Content.(*Additive)
	if add != nil {
		off := A + localHeader + 2*S + S*K
		linalg.Gemm(false, true, B, add.a, Q, 1, q, Q, add.Wq.Value, Q, 0, saved[off:], rl) // [B, A] at stride rl
	}
	for b := range B {
		wr := w[b*S : (b+1)*S]
		clear(wr)
		n := lens[b]
		if n == 0 {
			continue
		}
		qb := q[b*Q : (b+1)*Q]
		r := l.row(saved, S, b)
		linalg.TanhSlice(r.h)
		z := float64(linalg.Dot(l.Vp.Value, r.h))
		u := float64(linalg.Dot(l.Ws.Value, qb)) + float64(l.Bs.Value[0])
		p := float64(n-1) * sigmoid64(z)
		sigma := MinLocalWidth + softplus(u)
		lo := max(0, int(math.Ceil(p-2*sigma)))
		hi := min(n-1, int(math.Floor(p+2*sigma)))
		W := hi - lo + 1
		r.hdr[0], r.hdr[1], r.hdr[2], r.hdr[3], r.hdr[4], r.hdr[5] = float32(z), float32(u), float32(p), float32(sigma), float32(lo), float32(W)
		for i := range W {
			copy(r.keys[i*K:(i+1)*K], keys[((lo+i)*B+b)*K:((lo+i)*B+b+1)*K])
		}
		one[0] = W
		a := r.a[:W]
		if add != nil {
			add.ScoreProjected(r.scSaved[:add.a], r.keys, W, 1, one, a, r.scSaved[add.a:])
		} else {
			l.Content.Score(qb, r.keys, W, 1, one, a, r.scSaved)
		}
		Softmax(a, W, 1, one)
		cb := ctx[b*M : (b+1)*M]
		for i := range W {
			d := float64(lo+i) - p
			g := float32(math.Exp(-d * d / (2 * sigma * sigma)))
			r.g[i] = g
			wr[lo+i] = a[i] * g
			axpy(wr[lo+i], mem[((lo+i)*B+b)*M:((lo+i)*B+b+1)*M], cb)
		}
	}
}

// AttendBackward adds to dq [B, Q], dkeys [S*B, K], dmem [S*B, M] and the
// weight gradients (Local's and Content's) the gradient flowing back from
// dctx [B, M], given the weights w and the saved scratch of Attend. The
// window's bounds are piecewise constant in p_t and sigma_t and carry no
// gradient.
func (l *Local) AttendBackward(q, keys, mem []float32, S, B, M int, lens []int, w, saved, dctx, dq, dkeys, dmem []float32) {
	l.attendBackward(q, keys, mem, S, B, M, lens, w, saved, dctx, dq, dkeys, dmem, true)
}

// AttendBackwardInputs is AttendBackward without the weight gradients
// (Local's and Content's): it adds to dq, dkeys and dmem alone.
func (l *Local) AttendBackwardInputs(q, keys, mem []float32, S, B, M int, lens []int, w, saved, dctx, dq, dkeys, dmem []float32) {
	l.attendBackward(q, keys, mem, S, B, M, lens, w, saved, dctx, dq, dkeys, dmem, false)
}

// attendBackward is AttendBackward, adding the weight gradients only when
// weights is set.
func (l *Local) attendBackward(q, keys, mem []float32, S, B, M int, lens []int, w, saved, dctx, dq, dkeys, dmem []float32, weights bool) {
	_, _, K := l.Content.Dims()
	Q, A := l.q, l.a
	one := []int{0}
	da := make([]float32, S)
	de := make([]float32, S)
	dk := make([]float32, S*K)
	dpre := make([]float32, A)
	for b := range B {
		if lens[b] == 0 {
			continue
		}
		n := lens[b]
		r := l.row(saved, S, b)
		z, u, p, sigma := float64(r.hdr[0]), float64(r.hdr[1]), float64(r.hdr[2]), float64(r.hdr[3])
		lo, W := int(r.hdr[4]), int(r.hdr[5])
		qb, dqb, dcb := q[b*Q:(b+1)*Q], dq[b*Q:(b+1)*Q], dctx[b*M:(b+1)*M]
		var dp, dsigma float64
		for i := range W {
			row := ((lo+i)*B + b) * M
			dw := dot(dcb, mem[row:row+M])
			axpy(w[b*S+lo+i], dcb, dmem[row:row+M])
			da[i] = dw * r.g[i]
			dg := float64(dw) * float64(r.a[i]) * float64(r.g[i])
			d := float64(lo+i) - p
			dp += dg * d / (sigma * sigma)
			dsigma += dg * d * d / (sigma * sigma * sigma)
		}
		one[0] = W
		SoftmaxBackward(r.a[:W], da[:W], W, 1, one, de[:W])
		clear(dk[:W*K])
		if weights {
			l.Content.ScoreBackward(qb, r.keys, W, 1, one, r.scSaved, de[:W], dqb, dk)
		} else {
			l.Content.ScoreBackwardInputs(qb, r.keys, W, 1, one, r.scSaved, de[:W], dqb, dk)
		}
		for i := range W {
			axpy(1, dk[i*K:(i+1)*K], dkeys[((lo+i)*B+b)*K:((lo+i)*B+b+1)*K])
		}
		sg := sigmoid64(z)
		dz := float32(dp * float64(n-1) * sg * (1 - sg))
		for j, h := range r.h {
			dpre[j] = dz * l.Vp.Value[j] * (1 - h*h)
		}
		linalg.Gemm(false, false, 1, Q, A, 1, dpre, A, l.Wp.Value, Q, 1, dqb, Q) // [1, Q]
		du := float32(dsigma * sigmoid64(u))
		axpy(du, l.Ws.Value, dqb)
		if weights {
			axpy(dz, r.h, l.Vp.Grad)
			linalg.Gemm(true, false, A, Q, 1, 1, dpre, A, qb, Q, 1, l.Wp.Grad, Q) // [A, Q]
			axpy(du, qb, l.Ws.Grad)
			l.Bs.Grad[0] += du
		}
	}
}
