// Package searchtest provides small deterministic decoders implementing
// search.Decoder, for testing search and the code built on it without a
// trained model.
//
// Random gives pseudo-random log-probabilities that depend on the source
// sentence, the step and the previous token, so that search results can be
// checked against exhaustive enumeration. Copy translates a sentence into
// its own token ids (optionally reversed), attending to the copied
// position, so that translations and alignments are known in advance.
package searchtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/seq2seq/search"
)

// row is the state of one hypothesis of a fake decoder.
type row struct {
	src  []int
	hash uint64 // of src
	step int    // steps taken
}

// state is the search.State of the fake decoders.
type state struct {
	rows []row
	s    int
}

func newState(src [][]int) *state {
	st := &state{rows: make([]row, len(src))}
	for i, s := range src {
		st.rows[i] = row{src: s, hash: hashInts(s)}
		st.s = max(st.s, len(s)+1)
	}
	return st
}

func (st *state) Rows() int   { return len(st.rows) }
func (st *state) SrcLen() int { return st.s }

func (st *state) Select(rows []int) search.State {
	sel := &state{rows: make([]row, len(rows)), s: st.s}
	for j, r := range rows {
		sel.rows[j] = st.rows[r]
	}
	st.rows = nil // the receiver must not be used again
	return sel
}

// check validates the arguments of a Step call.
func check(st search.State, prev []int, logp, attn []float32, v int) (*state, error) {
	s, ok := st.(*state)
	if !ok {
		return nil, fmt.Errorf("state of type %T is not from this decoder", st)
	}
	if s.rows == nil && len(prev) > 0 {
		return nil, errors.New("state used after Select")
	}
	r := len(s.rows)
	if len(prev) != r || len(logp) != r*v || len(attn) != r*s.s {
		return nil, fmt.Errorf("step with %d rows: got %d prev, %d logp (want %d), %d attn (want %d)",
			r, len(prev), len(logp), r*v, len(attn), r*s.s)
	}
	for i, p := range prev {
		if p < 0 || p >= v || (s.rows[i].step == 0) != (p == search.BOSID) {
			return nil, fmt.Errorf("row %d at step %d: bad previous token %d", i, s.rows[i].step, p)
		}
	}
	return s, nil
}

// Random is a decoder whose log-probabilities are a fixed pseudo-random
// function of the source sentence, the step and the previous token, chosen
// among a table of Tables distributions drawn from Seed. Its attention is a
// pseudo-random distribution over the source positions. Create it with
// NewRandom.
type Random struct {
	v     int
	seed  uint64
	table [][]float32 // Tables distributions of V log-probabilities
}

// NewRandom returns a Random decoder of vocabulary size v with n
// distributions drawn from seed. Larger sharpness makes them peakier.
func NewRandom(v, n int, sharpness float64, seed uint64) *Random {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := &Random{v: v, seed: seed, table: make([][]float32, n)}
	logits := make([]float64, v)
	for i := range d.table {
		for j := range logits {
			logits[j] = sharpness * rng.NormFloat64()
		}
		d.table[i] = logSoftmax(logits)
	}
	return d
}

// VocabSize returns V.
func (d *Random) VocabSize() int { return d.v }

// Begin returns a state with one row per sentence.
func (d *Random) Begin(ctx context.Context, src [][]int) (search.State, error) {
	return newState(src), ctx.Err()
}

// LogProbs returns the log-probabilities of the token after prev at step t
// (0 for the first) for the source sentence src. Do not modify them.
func (d *Random) LogProbs(src []int, t, prev int) []float32 {
	return d.table[mix(hashInts(src), uint64(t), uint64(prev), d.seed)%uint64(len(d.table))]
}

// Step writes the log-probabilities and attention of every row.
func (d *Random) Step(st search.State, prev []int, logp, attn []float32) error {
	s, err := check(st, prev, logp, attn, d.v)
	if err != nil {
		return err
	}
	for r := range s.rows {
		w := &s.rows[r]
		copy(logp[r*d.v:(r+1)*d.v], d.table[mix(w.hash, uint64(w.step), uint64(prev[r]), d.seed)%uint64(len(d.table))])
		a := attn[r*s.s : (r+1)*s.s]
		clear(a)
		sum := float32(0)
		for j := range len(w.src) + 1 {
			a[j] = 1 + float32(mix(w.hash, uint64(w.step), uint64(prev[r]), uint64(j))%1000)
			sum += a[j]
		}
		for j := range len(w.src) + 1 {
			a[j] /= sum
		}
		w.step++
	}
	return nil
}

// Copy is a decoder that translates a sentence into its own token ids,
// reversed if Reverse is set, then </s>. At each step the expected token
// gets probability P (0.9 if zero) and every other token an equal share of
// the rest; attention puts weight P on the source position being copied
// (the </s> position at the end) and spreads the rest evenly.
type Copy struct {
	V       int
	P       float64
	Reverse bool
}

// VocabSize returns V.
func (d *Copy) VocabSize() int { return d.V }

// Begin returns a state with one row per sentence.
func (d *Copy) Begin(ctx context.Context, src [][]int) (search.State, error) {
	for i, s := range src {
		for _, id := range s {
			if id < 0 || id >= d.V {
				return nil, fmt.Errorf("sentence %d: token %d outside the vocabulary of %d", i, id, d.V)
			}
		}
	}
	return newState(src), ctx.Err()
}

// Step writes the log-probabilities and attention of every row.
func (d *Copy) Step(st search.State, prev []int, logp, attn []float32) error {
	s, err := check(st, prev, logp, attn, d.V)
	if err != nil {
		return err
	}
	p := d.P
	if p == 0 {
		p = 0.9
	}
	hi, lo := float32(math.Log(p)), float32(math.Log((1-p)/float64(d.V-1)))
	for r := range s.rows {
		w := &s.rows[r]
		n := len(w.src)
		pos := min(w.step, n) // source position copied; n is </s>
		if d.Reverse && pos < n {
			pos = n - 1 - pos
		}
		want := search.EOSID
		if pos < n {
			want = w.src[pos]
		}
		lp := logp[r*d.V : (r+1)*d.V]
		for j := range lp {
			lp[j] = lo
		}
		lp[want] = hi
		a := attn[r*s.s : (r+1)*s.s]
		clear(a)
		for j := range n + 1 {
			a[j] = float32((1 - p) / float64(max(n, 1)))
		}
		a[pos] = float32(p)
		if n == 0 {
			a[pos] = 1
		}
		w.step++
	}
	return nil
}

// logSoftmax returns log(softmax(x)) as float32.
func logSoftmax(x []float64) []float32 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	sum := 0.0
	for _, v := range x {
		sum += math.Exp(v - m)
	}
	lse := m + math.Log(sum)
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v - lse)
	}
	return out
}

// hashInts hashes a token sequence.
func hashInts(s []int) uint64 {
	h := uint64(len(s))
	for _, v := range s {
		h = mix(h, uint64(v), 0, 0)
	}
	return h
}

// mix hashes four numbers (splitmix64 finaliser over their combination).
func mix(a, b, c, d uint64) uint64 {
	x := a*0x9e3779b97f4a7c15 ^ b*0xbf58476d1ce4e5b9 ^ c*0x94d049bb133111eb ^ d*0x2545f4914f6cdd1d
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
