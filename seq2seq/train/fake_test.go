package train

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/seq2seq"
)

// bigram is a tiny model for testing the trainer: it predicts each target
// token from the previous one with a softmax over W[prev] + b, with analytic
// gradients. Dropout drops the W row of a token with probability drop, so
// that training consumes the random stream as a real model does.
//
// Its weights live in a real seq2seq model, so that checkpoints are model
// files: W is the shared embedding matrix [v, v] and b the projection
// bias. The other parameters of net get no gradient and do not change.
type bigram struct {
	v    int
	net  *seq2seq.Model
	w, b *seq2seq.Param
	drop float64

	trainCalls int
	onTrain    func(call int) // called before each TrainBatch
	script     *evalScript    // if set, scripts the validation NLL
	trained    bool           // trained since the last evaluation
	err        error          // if set, TrainBatch fails with it
}

// evalScript gives the mean NLL of successive validations; models that
// share it (a run and its resumption) continue the same sequence.
type evalScript struct {
	nll []float64
	n   int // validations seen
}

// bigramConfig is the architecture of the seq2seq model holding a bigram
// model of v tokens.
func bigramConfig(v int) seq2seq.Config {
	return seq2seq.Config{SrcVocab: v, TgtVocab: v, Embed: v, EncoderHidden: 1, EncoderLayers: 1, DecoderHidden: 1,
		Attention: seq2seq.AttentionGeneral, Output: 1, ShareEmbeddings: true}
}

func newBigram(v int, seed uint64) *bigram {
	net, err := seq2seq.New(bigramConfig(v), seed)
	if err != nil {
		panic(err) // a bug in the test
	}
	m := &bigram{v: v, net: net, drop: 0.1}
	for _, p := range net.Params() {
		switch p.Name {
		case "src_embed":
			m.w = p
		case "proj.b":
			m.b = p
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range m.w.Value {
		m.w.Value[i] = float32(r.Float64()*0.2 - 0.1)
	}
	return m
}

func (m *bigram) Params() []*seq2seq.Param { return m.net.Params() }

func (m *bigram) run(tgt [][]int, rng *rand.Rand, grad bool) seq2seq.BatchLoss {
	var l seq2seq.BatchLoss
	logits := make([]float64, m.v)
	gw := make([]float64, len(m.w.Value))
	gb := make([]float64, m.v)
	for _, t := range tgt {
		prev := seq2seq.BOSID
		for j := 0; j <= len(t); j++ {
			y := seq2seq.EOSID
			if j < len(t) {
				y = t[j]
			}
			scale := 1.0
			if rng != nil && m.drop > 0 {
				if rng.Float64() < m.drop {
					scale = 0
				} else {
					scale = 1 / (1 - m.drop)
				}
			}
			mx := math.Inf(-1)
			for k := range logits {
				logits[k] = scale*float64(m.w.Value[prev*m.v+k]) + float64(m.b.Value[k])
				mx = max(mx, logits[k])
			}
			var z float64
			for k := range logits {
				logits[k] = math.Exp(logits[k] - mx)
				z += logits[k]
			}
			nll := -math.Log(logits[y] / z)
			l.NLL += nll
			l.Loss += nll
			l.Tokens++
			if grad {
				for k := range logits {
					d := logits[k] / z
					if k == y {
						d--
					}
					gw[prev*m.v+k] += scale * d
					gb[k] += d
				}
			}
			prev = y
		}
	}
	if grad && l.Tokens > 0 {
		for i, g := range gw {
			m.w.Grad[i] += float32(g / float64(l.Tokens))
		}
		for i, g := range gb {
			m.b.Grad[i] += float32(g / float64(l.Tokens))
		}
	}
	return l
}

func (m *bigram) TrainBatch(ctx context.Context, src, tgt [][]int, rng *rand.Rand) (seq2seq.BatchLoss, error) {
	m.trainCalls++
	m.trained = true
	if m.onTrain != nil {
		m.onTrain(m.trainCalls)
	}
	if m.err != nil {
		return seq2seq.BatchLoss{}, m.err
	}
	if err := ctx.Err(); err != nil {
		rng.Float64() // consume randomness before failing, as a real model may
		return seq2seq.BatchLoss{}, err
	}
	return m.run(tgt, rng, true), nil
}

func (m *bigram) EvalBatch(ctx context.Context, src, tgt [][]int) (seq2seq.BatchLoss, error) {
	if err := ctx.Err(); err != nil {
		return seq2seq.BatchLoss{}, err
	}
	l := m.run(tgt, nil, false)
	if s := m.script; s != nil {
		if m.trained {
			s.n++
			m.trained = false
		}
		// Spread the scripted mean over the batches: the trainer divides by
		// the total token count.
		l.NLL = s.nll[min(s.n-1, len(s.nll)-1)] * float64(l.Tokens)
	}
	return l, nil
}

// synthetic returns n examples over a vocabulary of v ids whose targets
// follow a simple pattern the bigram model can learn.
func synthetic(n, v int, seed uint64) []corpus.Example {
	r := rand.New(rand.NewPCG(seed, 2))
	ex := make([]corpus.Example, n)
	for i := range ex {
		l := 1 + r.IntN(6)
		src, tgt := make([]int, l), make([]int, l)
		first := seq2seq.EOSID + 1 + r.IntN(v-seq2seq.EOSID-1)
		for j := range l {
			src[j] = seq2seq.EOSID + 1 + r.IntN(v-seq2seq.EOSID-1)
			tgt[j] = seq2seq.EOSID + 1 + (first-seq2seq.EOSID-1+j)%(v-seq2seq.EOSID-1)
		}
		ex[i] = corpus.Example{Src: src, Tgt: tgt, Index: i}
	}
	return ex
}
