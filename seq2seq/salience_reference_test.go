package seq2seq

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/attnmt/nmt/attention/linalg"
)

// The straightforward salience that Model.Salience must reproduce: every
// (sentence, position) row is a batch of its own, with the target prefix
// before that position, whose forward pass runs from the embeddings up
// and whose backward pass is the training one (parameter gradients and
// all), seeded with that one token's log-probability.

// referenceRowBatch is the batch of one row: sentence src, target prefix
// tgt[:k], noise [S, E] (or nil) added to its embeddings.
func referenceRowBatch(t *testing.T, m *Model, src, tgt []int, k int, noise []float32) *batch {
	t.Helper()
	bt, err := newBatch(m.cfg, [][]int{src}, [][]int{tgt[:k]})
	if err != nil {
		t.Fatal(err)
	}
	bt.srcNoise = noise
	return bt
}

// referenceRow returns log p(tgt[k]) (</s> at k == len(tgt)) and adds
// weight times the gradient x input of that row to embed[s] and states[s].
func referenceRow(t *testing.T, m *Model, src, tgt []int, k int, noise []float32, weight float32, embed, states []float32) float32 {
	t.Helper()
	var ar arena
	bt := referenceRowBatch(t, m, src, tgt, k, noise)
	O, V, E := m.cfg.Output, m.cfg.TgtVocab, m.cfg.Embed
	ru := m.encode(&ar, bt, nil, nil, true)
	ru.decode(nil)
	y := EOSID
	if k < len(tgt) {
		y = tgt[k]
	}
	lo := &lossOutput{rows: []int{k}, x: slices.Clone(ru.o[k*O : (k+1)*O]), logits: slices.Clone(m.projB.Value),
		nll: make([]float32, bt.T)} // hard attention's rewards: unused when it reads the argmax
	linalg.Gemm(false, true, 1, V, O, 1, lo.x, O, m.projW.Value, O, 1, lo.logits, V)
	nll, _ := crossEntropyRow(lo.logits, y, 0, 1, true)
	dO := ru.lossBackward(lo, -1) // the pass of log p = -nll
	g := ru.newEncoderGrads()
	ru.decoderBackward(dO, g, lo)
	dFin := ru.encoderOutputsBackward(g)
	out := []Salience{{Embed: [][]float32{embed}, States: [][]float32{states}}}
	m.addStateSalience(ru, g.dMem, dFin, []salienceRow{{0, 0}}, out, weight)
	dX := ru.encoderLSTMBackward(g.dMem, dFin)
	for s := range len(src) + 1 {
		x := ru.srcX[s*E : (s+1)*E]
		clean := make([]float32, E)
		for e := range clean {
			clean[e] = x[e]
			if noise != nil {
				clean[e] -= noise[s*E+e]
			}
		}
		embed[s] += weight * linalg.Dot(clean, dX[s*E:(s+1)*E])
	}
	return float32(-nll)
}

// referenceSalience is Model.Salience computed row by row, with the same
// noisy copies: the noise of each batch of sentences is drawn as Salience
// draws it.
func referenceSalience(t *testing.T, m *Model, src, tgt [][]int, opt SalienceOptions) []Salience {
	t.Helper()
	out := make([]Salience, len(src))
	for i := range src {
		T, S := len(tgt[i])+1, len(src[i])+1
		out[i] = Salience{Embed: newMatrix(T, S), States: newMatrix(T, S), TokenLogProbs: make([]float32, T)}
	}
	samples := max(opt.Samples, 1)
	noisy := opt.Samples > 0 && opt.Noise > 0
	r := rand.New(rand.NewPCG(opt.Seed, 0x5a11e))
	E := m.cfg.Embed
	for first := 0; first < len(src); first += salienceSentences {
		last := min(first+salienceSentences, len(src))
		for range samples {
			bt, err := newBatch(m.cfg, src[first:last], tgt[first:last])
			if err != nil {
				t.Fatal(err)
			}
			var noise []float32
			if noisy {
				var ar arena
				noise = m.smoothGradNoise(&ar, bt, r, opt.Noise)
			}
			for b := range bt.B {
				i := first + b
				var rowNoise []float32
				if noisy {
					rowNoise = make([]float32, bt.srcLens[b]*E)
					for s := range bt.srcLens[b] {
						copy(rowNoise[s*E:(s+1)*E], noise[(s*bt.B+b)*E:])
					}
				}
				for k := range len(tgt[i]) + 1 {
					lp := referenceRow(t, m, src[i], tgt[i], k, rowNoise, 1/float32(samples), out[i].Embed[k], out[i].States[k])
					out[i].TokenLogProbs[k] = lp
				}
			}
		}
	}
	if opt.Abs {
		for i := range out {
			absAll(out[i].Embed)
			absAll(out[i].States)
		}
	}
	return out
}

// TestSalienceMatchesReference checks the batched salience against the
// row-by-row reference for every architecture and attention kind, plain
// and with SmoothGrad, signed and absolute, in chunks of every size, and
// over more sentences than one forward pass takes.
func TestSalienceMatchesReference(t *testing.T) {
	ctx := t.Context()
	r := rand.New(rand.NewPCG(4, 4))
	var src, tgt [][]int
	for range salienceSentences + 3 {
		s, y := make([]int, 1+r.IntN(5)), make([]int, r.IntN(5))
		for i := range s {
			s[i] = 4 + r.IntN(9)
		}
		for i := range y {
			y[i] = 4 + r.IntN(7)
		}
		src, tgt = append(src, s), append(tgt, y)
	}
	opts := []SalienceOptions{
		{MaxRows: 1},
		{MaxRows: 5, Abs: true},
		{},
		{Samples: 3, Noise: 0.1, Seed: 2, MaxRows: 7},
	}
	for _, tc := range append(slices.Clone(configVariants), kindVariants...) {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.edit(&cfg)
			m, err := New(cfg, 3)
			if err != nil {
				t.Fatal(err)
			}
			randomize(m, 6)
			for _, opt := range opts {
				n := len(src) // the whole set where one forward pass cannot take it
				if opt.Samples == 0 && opt.MaxRows > 0 {
					n = 3 * opt.MaxRows // small chunks: a few sentences suffice
				}
				want := referenceSalience(t, m, src[:n], tgt[:n], opt)
				got, err := m.Salience(ctx, src[:n], tgt[:n], opt)
				if err != nil {
					t.Fatal(err)
				}
				assertSalienceClose(t, got, want, false, 1e-5)
				if opt.Samples == 0 {
					for i := range want {
						for k, lp := range want[i].TokenLogProbs {
							if math.Abs(float64(lp-got[i].TokenLogProbs[k])) > 1e-5 {
								t.Fatalf("%+v: sentence %d token %d: log p %v, reference %v", opt, i, k, got[i].TokenLogProbs[k], lp)
							}
						}
					}
				}
			}
		})
	}
}
