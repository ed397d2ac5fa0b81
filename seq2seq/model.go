package seq2seq

import (
	"fmt"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention"
)

// Model is the attentional LSTM encoder-decoder. Its weights are the
// Params; the training computation and the incremental decoder both read
// them. A Model is not safe for concurrent training, but any number of
// decoders (see Begin) may run concurrently while no training step does.
type Model struct {
	cfg Config

	srcEmb  *Param // [Vs, E]
	tgtEmb  *Param // [Vt, E]; the same Param as srcEmb when shared
	enc     [][2]*lstm
	bridge  *Param // [D, 2H]: s0 = tanh(bridge [h_fwd_last; h_bwd_first] + bridgeB)
	bridgeB *Param
	dec     *lstm            // input E (+ Output with input feeding), hidden D
	decUp   []*lstm          // the stacked decoder layers above dec: input D, hidden D
	att     attention.Scorer // memory 2H, query D: the scores of every kind
	local   *attention.Local // local attention's centre and width; nil otherwise
	hard    *hardState       // hard attention's training state; nil otherwise
	outW    *Param           // [O, D+2H]: o = tanh(outW [s; ctx] + outB)
	outB    *Param
	projW   *Param // [Vt, O]; the target embedding when tied
	projB   *Param // [Vt]

	params []*Param
	train  arena // scratch of the training step
	// salienceFree holds the scratch of the last Salience call, for the
	// next one.
	salienceFree chan *salienceArenas
	// int8Only is set on a model read for int8 decoding (ReadBytesInt8,
	// LoadFileInt8): the weights its int8 decoder quantized have no
	// float32 values.
	int8Only bool
	// int8 holds the weights read from a file in int8, by name (see
	// modelfile_int8store.go); nil for a model of float weights.
	int8 map[string]*storedInt8
	// f16Emb holds the embeddings kept in float16 (see embedding.go),
	// which have no float32 values; nil when there are none.
	f16Emb map[*Param]*f16Embedding
}

// New returns a model with the architecture cfg and weights drawn
// uniformly from [-0.1, 0.1] (biases zero, LSTM forget-gate biases one)
// by a generator seeded with seed. Hard attention without a Hard
// configuration gets DefaultHardConfig.
func New(cfg Config, seed uint64) (*Model, error) {
	m, err := newModel(cfg, false, false)
	if err != nil {
		return nil, err
	}
	m.initWeights(seed)
	m.ensureGrads()
	return m, nil
}

// ensureGrads allocates the gradients that are not there yet (a loaded
// model has none until it trains).
func (m *Model) ensureGrads() {
	for _, p := range m.params {
		if len(p.Grad) != len(p.Value) {
			p.Grad = make([]float32, len(p.Value))
		}
	}
}

// newModel returns a model with the architecture cfg and all weights
// zero, for a loader to fill. With int8Only, the weights an int8 decoder
// quantizes (int8Weights) get no values at all, and with f16Embeddings
// neither do the embeddings (the loader keeps them in float16).
func newModel(cfg Config, int8Only, f16Embeddings bool) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	if cfg.Attention == AttentionHard && cfg.Hard == (HardConfig{}) {
		cfg.Hard = DefaultHardConfig()
	}
	m := &Model{cfg: cfg, salienceFree: make(chan *salienceArenas, 1)}
	H, D, E, O := cfg.EncoderHidden, cfg.DecoderHidden, cfg.Embed, cfg.Output
	m.srcEmb = newParam("src_embed", cfg.SrcVocab, E)
	m.tgtEmb = m.srcEmb
	if !cfg.ShareEmbeddings {
		m.tgtEmb = newParam("tgt_embed", cfg.TgtVocab, E)
	}
	in := E
	for l := range cfg.EncoderLayers {
		m.enc = append(m.enc, [2]*lstm{
			newLSTM(fmt.Sprintf("encoder.%d.fwd", l), in, H),
			newLSTM(fmt.Sprintf("encoder.%d.bwd", l), in, H),
		})
		in = 2 * H
	}
	m.bridge = newParam("bridge.w", D, 2*H)
	m.bridgeB = newParam("bridge.b", D)
	decIn := E
	if cfg.InputFeeding {
		decIn += O
	}
	m.dec = newLSTM("decoder", decIn, D)
	for l := 1; l < cfg.DecoderDepth(); l++ {
		m.decUp = append(m.decUp, newLSTM(fmt.Sprintf("decoder.%d", l), D, D))
	}
	att, err := attention.New(cfg.ScoreKind(), "attention.", 2*H, D, cfg.AttentionDim)
	if err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	m.att = att
	switch cfg.Attention {
	case AttentionLocal:
		m.local = attention.NewLocal("attention.local.", att, cfg.AttentionDim)
	case AttentionHard:
		m.hard = &hardState{}
	}
	m.outW = newParam("output.w", O, D+2*H)
	m.outB = newParam("output.b", O)
	m.projW = m.tgtEmb
	if !cfg.TieEmbeddings {
		m.projW = newParam("proj.w", cfg.TgtVocab, O)
	}
	m.projB = newParam("proj.b", cfg.TgtVocab)

	m.params = append(m.params, m.srcEmb)
	if m.tgtEmb != m.srcEmb {
		m.params = append(m.params, m.tgtEmb)
	}
	for _, layer := range m.enc {
		m.params = append(m.params, layer[0].params()...)
		m.params = append(m.params, layer[1].params()...)
	}
	m.params = append(m.params, m.bridge, m.bridgeB)
	m.params = append(m.params, m.decoderParams()...)
	m.params = append(m.params, m.attentionParams()...)
	m.params = append(m.params, m.outW, m.outB)
	if m.projW != m.tgtEmb {
		m.params = append(m.params, m.projW)
	}
	m.params = append(m.params, m.projB)
	var skip map[string]bool
	if int8Only {
		m.int8Only, skip = true, m.int8Weights()
	}
	for _, p := range m.params {
		switch {
		case skip[p.Name], f16Embeddings && (p == m.srcEmb || p == m.tgtEmb):
			p.Value, p.Grad = nil, nil // attention.NewParam allocates its own
		case p.Value == nil:
			p.Value = make([]float32, numElements(p.Shape))
		}
	}
	return m, nil
}

// initWeights draws the weights uniformly from [-0.1, 0.1] (biases zero,
// LSTM forget-gate biases one) with a generator seeded with seed.
func (m *Model) initWeights(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	for _, p := range m.params {
		if len(p.Shape) == 1 {
			continue // biases start at zero
		}
		for i := range p.Value {
			p.Value[i] = (r.Float32()*2 - 1) * 0.1
		}
	}
	for _, l := range m.lstms() {
		for i := l.hid; i < 2*l.hid; i++ {
			l.b.Value[i] = 1
		}
	}
}

// attentionParams are the scorer's weights followed by those of local
// attention's centre and width, if any.
func (m *Model) attentionParams() []*Param {
	ps := m.att.Params()
	if m.local != nil {
		ps = append(ps, m.local.Params()...)
	}
	return ps
}

// decoderParams are the decoder LSTMs' weights, bottom layer first.
func (m *Model) decoderParams() []*Param {
	ps := m.dec.params()
	for _, l := range m.decUp {
		ps = append(ps, l.params()...)
	}
	return ps
}

func (m *Model) lstms() []*lstm {
	var ls []*lstm
	for _, layer := range m.enc {
		ls = append(ls, layer[0], layer[1])
	}
	ls = append(ls, m.dec)
	return append(ls, m.decUp...)
}

// Config returns the model's architecture.
func (m *Model) Config() Config { return m.cfg }

// Params returns the learnable tensors in a fixed order: the order of the
// model file, the gradients and the optimizer state. A loaded model gets
// its gradients (zero) on the first call, or on the first TrainBatch.
// Params hands the weights out to be changed (by an optimizer, averaging,
// a warm start): a model read from an int8 file forgets its stored int8
// form, and NewInt8Decoder quantizes the values again.
func (m *Model) Params() []*Param {
	m.int8 = nil
	m.ensureGrads()
	return m.params
}

// NumParams is the number of learnable scalars.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.params {
		n += len(p.Value)
	}
	return n
}

// BatchLoss is the outcome of a training or evaluation step.
type BatchLoss struct {
	Loss   float64 // summed training loss (label-smoothed cross-entropy)
	NLL    float64 // summed negative log-likelihood of the targets
	Tokens int     // target tokens scored, </s> included

	// Hard attention's training statistics (zero for the other kinds and
	// in evaluation): the positions drawn, the sum of their rewards, the
	// sum of the attention entropies (nats) of the scored positions, and
	// the reward baseline after the batch.
	Draws    int
	Reward   float64
	Entropy  float64
	Baseline float64
}
