package seq2seq

import (
	"errors"
	"fmt"
	"math"

	"github.com/attnmt/nmt/tokenize"
)

// Special token ids, those of package tokenize.
const (
	PadID = tokenize.PadID // padding
	UnkID = tokenize.UnkID // unknown token
	BOSID = tokenize.BOSID // start of sentence
	EOSID = tokenize.EOSID // end of sentence
)

// Limits of a valid Config. They bound what a model file can ask the
// loader to allocate before its weights are checked, and lie far above
// any model this package is meant to train: a vocabulary of 4M entries,
// layers of 65536 units and 16 encoder or decoder layers.
const (
	// MaxVocab is the largest source or target vocabulary.
	MaxVocab = 1 << 22
	// MaxDim is the largest embedding, hidden, attention or output size.
	MaxDim = 1 << 16
	// MaxLayers is the largest number of encoder or of decoder layers.
	MaxLayers = 16
)

// Attention kinds accepted in Config.Attention.
const (
	AttentionAdditive = "additive" // Bahdanau: v^T tanh(W_k h + W_q s)
	AttentionDot      = "dot"      // Luong dot: s^T h
	AttentionGeneral  = "general"  // Luong general: s^T W h
	// AttentionHard reads one sampled (argmax when decoding) position,
	// trained by REINFORCE; its score function is AttentionScore.
	AttentionHard = "hard"
	// AttentionLocal reads a Gaussian window around a predicted centre,
	// of a predicted width; its score function is AttentionScore.
	AttentionLocal = "local"
)

// Config describes a model's architecture and its training-time
// regularisation. Its zero value is not valid; start from DefaultConfig.
type Config struct {
	SrcVocab int `yaml:"src_vocab" json:"src_vocab"` // source vocabulary size, specials included
	TgtVocab int `yaml:"tgt_vocab" json:"tgt_vocab"` // target vocabulary size, specials included

	Embed         int `yaml:"embed" json:"embed"`                   // E: embedding size
	EncoderHidden int `yaml:"encoder_hidden" json:"encoder_hidden"` // H: encoder LSTM size per direction
	EncoderLayers int `yaml:"encoder_layers" json:"encoder_layers"` // bidirectional encoder layers
	DecoderHidden int `yaml:"decoder_hidden" json:"decoder_hidden"` // D: decoder LSTM size
	// DecoderLayers is the number of stacked decoder LSTMs (0, in files
	// written before the option, means 1). The first reads the word
	// embedding (and the fed attentional output), each further one the
	// output of the one below; attention reads the top layer's output.
	DecoderLayers int `yaml:"decoder_layers" json:"decoder_layers,omitempty"`
	// DecoderResidual adds each decoder layer's input to its output from
	// the second layer up (Wu et al., 2016); it needs DecoderLayers >= 2.
	DecoderResidual bool   `yaml:"decoder_residual" json:"decoder_residual,omitempty"`
	Attention       string `yaml:"attention" json:"attention"`         // additive, dot, general, hard or local
	AttentionDim    int    `yaml:"attention_dim" json:"attention_dim"` // A: additive attention size, local centre network size
	// AttentionScore is the score function of hard and local attention
	// (additive, dot or general; empty means additive). Soft attention
	// names its score function in Attention and leaves this empty.
	AttentionScore string `yaml:"attention_score,omitempty" json:"attention_score,omitempty"`
	// Hard configures the training and decoding of hard attention.
	Hard HardConfig `yaml:"hard,omitempty" json:"hard,omitzero"`
	// InputFeeding feeds the previous attentional output back into the
	// decoder LSTM next to the word embedding (Luong et al., 2015).
	InputFeeding bool `yaml:"input_feeding" json:"input_feeding"`
	// TieEmbeddings uses the target embedding matrix as the output
	// projection (requires the output layer size to equal Embed).
	TieEmbeddings bool `yaml:"tie_embeddings" json:"tie_embeddings"`
	// ShareEmbeddings uses one embedding matrix for source and target
	// (requires a joint vocabulary: SrcVocab == TgtVocab).
	ShareEmbeddings bool `yaml:"share_embeddings" json:"share_embeddings"`
	// Output is the size of the attentional layer tanh(W [s; c]) that
	// feeds the vocabulary projection.
	Output int `yaml:"output" json:"output"`

	// Dropout is the rate of dropout on the embeddings, between stacked
	// decoder layers and on the attentional outputs, in training.
	Dropout        float64 `yaml:"dropout" json:"dropout"`
	LabelSmoothing float64 `yaml:"label_smoothing" json:"label_smoothing"`
	// WordDropout is the probability with which training replaces each
	// source word and each target word fed to the decoder by <unk>.
	WordDropout float64 `yaml:"word_dropout" json:"word_dropout,omitempty"`
}

// DecoderDepth is the number of decoder layers: DecoderLayers, or 1 when
// it is 0.
func (c Config) DecoderDepth() int { return max(c.DecoderLayers, 1) }

// DefaultConfig returns the configuration of the reference model: 256-wide
// embeddings, a 2x256 bidirectional encoder, a 512 decoder with additive
// attention and a 512 attentional layer.
func DefaultConfig() Config {
	return Config{
		SrcVocab: 8000, TgtVocab: 8000,
		Embed: 256, EncoderHidden: 256, EncoderLayers: 1, DecoderHidden: 512, DecoderLayers: 1,
		Attention: AttentionAdditive, AttentionDim: 512, Output: 512,
		Dropout: 0.2, LabelSmoothing: 0.1,
	}
}

// Validate reports every inconsistency in c: sizes must be positive and
// at most MaxVocab, MaxDim or MaxLayers, rates finite and in [0, 1).
func (c Config) Validate() error {
	var errs []error
	size := func(name string, v, limit int) {
		if !(v > 0 && v <= limit) {
			errs = append(errs, fmt.Errorf("%s must be in [1, %d], got %d", name, limit, v))
		}
	}
	size("src_vocab", c.SrcVocab, MaxVocab)
	size("tgt_vocab", c.TgtVocab, MaxVocab)
	size("embed", c.Embed, MaxDim)
	size("encoder_hidden", c.EncoderHidden, MaxDim)
	size("encoder_layers", c.EncoderLayers, MaxLayers)
	size("decoder_hidden", c.DecoderHidden, MaxDim)
	if c.DecoderLayers != 0 {
		size("decoder_layers", c.DecoderLayers, MaxLayers)
	}
	if c.DecoderResidual && c.DecoderDepth() < 2 {
		errs = append(errs, fmt.Errorf("decoder_residual needs decoder_layers >= 2, got %d", c.DecoderDepth()))
	}
	size("output", c.Output, MaxDim)
	if c.SrcVocab > 0 && c.SrcVocab <= EOSID || c.TgtVocab > 0 && c.TgtVocab <= EOSID {
		errs = append(errs, errors.New("vocabularies must hold at least the 4 special tokens"))
	}
	errs = append(errs, c.validateAttention()...)
	if c.TieEmbeddings && c.Output != c.Embed {
		errs = append(errs, fmt.Errorf("tie_embeddings needs output (%d) = embed (%d)", c.Output, c.Embed))
	}
	if c.ShareEmbeddings && c.SrcVocab != c.TgtVocab {
		errs = append(errs, fmt.Errorf("share_embeddings needs a joint vocabulary, got src_vocab %d and tgt_vocab %d", c.SrcVocab, c.TgtVocab))
	}
	rate := func(name string, v float64) {
		// The positive form rejects NaN; Inf is outside the range anyway.
		if !(v >= 0 && v < 1) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("%s must be in [0, 1), got %g", name, v))
		}
	}
	rate("dropout", c.Dropout)
	rate("label_smoothing", c.LabelSmoothing)
	rate("word_dropout", c.WordDropout)
	return errors.Join(errs...)
}
