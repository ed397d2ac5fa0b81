package seq2seq

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/attnmt/nmt/attention/linalg"
)

// SalienceOptions control Model.Salience.
type SalienceOptions struct {
	// Samples is the number of noisy copies SmoothGrad averages over; 0 or
	// 1 computes the plain gradient x input of the unperturbed input.
	Samples int
	// Noise is SmoothGrad's noise level: the standard deviation of the
	// Gaussian noise added to each source embedding, as a fraction of the
	// range (max - min) of that sentence's embedding values. Each noisy
	// copy of a sentence explains all its output tokens.
	Noise float64
	// Seed seeds the noise.
	Seed uint64
	// Abs takes the absolute value of each word's salience (after summing
	// over the dimensions and averaging the noisy copies); otherwise the
	// sign is kept: positive means the input raised the output's
	// log-probability.
	Abs bool
	// MaxRows is the number of (sentence, output position) rows in one
	// backward pass; 0 means 32. It bounds the memory a pass needs.
	MaxRows int
}

// Salience is the activation x gradient explanation of a forced
// translation. Its matrices have the shape of Forced.Attn: one row per
// target token and the closing </s>, one column per source token and the
// source's </s>.
type Salience struct {
	// Embed[t][s] is sum_e x[s,e] * d log p(y_t) / d x[s,e] over the source
	// embedding x[s] of token s.
	Embed [][]float32
	// States[t][s] is the same product over the encoder's top-layer output
	// h[s] (both directions) that attention reads, with the gradient that
	// reaches h[s] through attention, its keys and, for the first and last
	// tokens, the decoder's initial state.
	States [][]float32
	// TokenLogProbs holds log p(y_t) of the unperturbed input.
	TokenLogProbs []float32
}

// salienceRow is one (sentence, output position) pair: one backward pass,
// seeded with that token's log-probability.
type salienceRow struct {
	sent, pos int
}

// salienceArenas are the scratch of one Salience call: of the forward
// pass over a batch of sentences and of one chunk of rows. The model
// keeps one between calls, so that a file explained batch by batch
// allocates its scratch once.
type salienceArenas struct{ batch, rows arena }

// salienceArenas returns the arenas the model keeps, or new ones while
// another call has them.
func (m *Model) salienceArenas() *salienceArenas {
	select {
	case sc := <-m.salienceFree:
		return sc
	default:
		return new(salienceArenas)
	}
}

// keepSalienceArenas keeps sc for the next call, unless the model keeps
// some already.
func (m *Model) keepSalienceArenas(sc *salienceArenas) {
	select {
	case m.salienceFree <- sc:
	default:
	}
}

// salienceSentences is the number of sentences whose forward pass Salience
// runs at once; their rows then go back in chunks of MaxRows.
const salienceSentences = 32

// Salience explains the translations tgt of src (token ids without special
// tokens, as for Decoder.Force) by gradient x input: for every target
// token t, the gradient of log p(y_t | y_<t, src) with the decoder forced
// on tgt, times the source embeddings and times the encoder states,
// summed over their dimensions. It drives the model's own forward and
// backward passes, so it works for every attention mechanism. The
// forward pass runs once per batch of sentences (once per noisy copy with
// SmoothGrad); every (sentence, target position) pair is then one row of
// a batched backward pass over that forward pass's activations, seeded
// with that token's log-probability, with no parameter gradients. Rows
// go back longest prefix first, so that a row's decoder steps stop at its
// own position.
//
// Salience reads the model's weights only: it may run alongside decoders
// and other Salience calls, but not alongside training.
func (m *Model) Salience(ctx context.Context, src, tgt [][]int, opt SalienceOptions) ([]Salience, error) {
	if len(src) != len(tgt) {
		return nil, fmt.Errorf("salience: %d sources but %d targets", len(src), len(tgt))
	}
	if opt.Samples < 0 || opt.Noise < 0 || math.IsNaN(opt.Noise) {
		return nil, fmt.Errorf("salience: want samples >= 0 and noise >= 0, have %d and %v", opt.Samples, opt.Noise)
	}
	out := make([]Salience, len(src))
	for i := range src {
		if err := checkIDs(src[i], m.cfg.SrcVocab); err != nil {
			return nil, fmt.Errorf("salience: source %d: %w", i, err)
		}
		if err := checkIDs(tgt[i], m.cfg.TgtVocab); err != nil {
			return nil, fmt.Errorf("salience: target %d: %w", i, err)
		}
		T, S := len(tgt[i])+1, len(src[i])+1
		out[i] = Salience{Embed: newMatrix(T, S), States: newMatrix(T, S), TokenLogProbs: make([]float32, T)}
	}
	chunk := opt.MaxRows
	if chunk <= 0 {
		chunk = 32
	}
	samples := max(opt.Samples, 1)
	noisy := opt.Samples > 0 && opt.Noise > 0
	r := rand.New(rand.NewPCG(opt.Seed, 0x5a11e))
	sc := m.salienceArenas()
	defer m.keepSalienceArenas(sc)
	ar, rowAr := &sc.batch, &sc.rows
	for first := 0; first < len(src); first += salienceSentences {
		last := min(first+salienceSentences, len(src))
		for range samples {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			ar.reset()
			bt, err := newBatch(m.cfg, src[first:last], tgt[first:last])
			if err != nil {
				return nil, fmt.Errorf("salience: %w", err)
			}
			if noisy {
				bt.srcNoise = m.smoothGradNoise(ar, bt, r, opt.Noise)
			}
			sal := salienceBatch{tgt: tgt[first:last], out: out[first:last], weight: float32(1) / float32(samples), logProbs: !noisy}
			if err := m.salienceOfBatch(ctx, ar, rowAr, bt, &sal, chunk); err != nil {
				return nil, err
			}
		}
	}
	if opt.Abs {
		for i := range out {
			absAll(out[i].Embed)
			absAll(out[i].States)
		}
	}
	if noisy {
		// Log-probabilities of the unperturbed input, for the record.
		forced, err := m.NewDecoder().Force(ctx, src, tgt)
		if err != nil {
			return nil, fmt.Errorf("salience: %w", err)
		}
		for i := range out {
			out[i].TokenLogProbs = forced[i].TokenLogProbs
		}
	}
	return out, nil
}

func newMatrix(rows, cols int) [][]float32 {
	all := make([]float32, rows*cols)
	m := make([][]float32, rows)
	for i := range m {
		m[i] = all[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return m
}

// smoothGradNoise draws Gaussian noise [S*B, E] for the real source
// tokens of bt, with a standard deviation of level times the range of
// each row's sentence embedding values.
func (m *Model) smoothGradNoise(ar *arena, bt *batch, r *rand.Rand, level float64) []float32 {
	E, S, B := m.cfg.Embed, bt.S, bt.B
	noise := ar.take(S * B * E)
	for b := range B {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for s := range bt.srcLens[b] {
			id := int(bt.src[s*B+b])
			x := m.srcEmb.Value[id*E : (id+1)*E]
			lo, hi = min(lo, slices.Min(x)), max(hi, slices.Max(x))
		}
		sd := level * float64(hi-lo)
		for s := range bt.srcLens[b] {
			for e := range E {
				noise[(s*B+b)*E+e] = float32(r.NormFloat64() * sd)
			}
		}
	}
	return noise
}

// addStateSalience adds weight times h[s] . dh[s] for every row and source
// token, where dh is dMem [S*B, 2H] plus the bridge's share dFin [B, 2H]
// (the forward half of the last token, the backward half of the first).
func (m *Model) addStateSalience(ru *run, dMem, dFin []float32, part []salienceRow, out []Salience, weight float32) {
	B, M, H := ru.bt.B, 2*m.cfg.EncoderHidden, m.cfg.EncoderHidden
	for j, row := range part {
		n := ru.bt.srcLens[j]
		dst := out[row.sent].States[row.pos]
		for s := range n {
			i := (s*B + j) * M
			v := linalg.Dot(ru.mem[i:i+M], dMem[i:i+M])
			if s == n-1 {
				v += linalg.Dot(ru.mem[i:i+H], dFin[j*M:j*M+H])
			}
			if s == 0 {
				v += linalg.Dot(ru.mem[i+H:i+M], dFin[j*M+H:(j+1)*M])
			}
			dst[s] += weight * v
		}
	}
}

func absAll(m [][]float32) {
	for _, row := range m {
		for i, v := range row {
			row[i] = float32(math.Abs(float64(v)))
		}
	}
}
