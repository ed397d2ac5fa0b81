package seq2seq

import (
	"errors"
	"fmt"
)

// Special token ids shared with package tokenize.
const (
	PadID = 0
	UnkID = 1
	BOSID = 2
	EOSID = 3
)

// Attention kinds accepted in Config.Attention.
const (
	AttentionAdditive = "additive" // Bahdanau: v^T tanh(W_k h + W_q s)
	AttentionDot      = "dot"      // Luong dot: s^T h
	AttentionGeneral  = "general"  // Luong general: s^T W h
)

// Config describes a model's architecture and its training-time
// regularisation. Its zero value is not valid; start from DefaultConfig.
type Config struct {
	SrcVocab int `yaml:"src_vocab" json:"src_vocab"` // source vocabulary size, specials included
	TgtVocab int `yaml:"tgt_vocab" json:"tgt_vocab"` // target vocabulary size, specials included

	Embed         int    `yaml:"embed" json:"embed"`                   // E: embedding size
	EncoderHidden int    `yaml:"encoder_hidden" json:"encoder_hidden"` // H: encoder LSTM size per direction
	EncoderLayers int    `yaml:"encoder_layers" json:"encoder_layers"` // bidirectional encoder layers
	DecoderHidden int    `yaml:"decoder_hidden" json:"decoder_hidden"` // D: decoder LSTM size
	Attention     string `yaml:"attention" json:"attention"`           // additive, dot or general
	AttentionDim  int    `yaml:"attention_dim" json:"attention_dim"`   // A: additive attention size
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

	Dropout        float64 `yaml:"dropout" json:"dropout"`
	LabelSmoothing float64 `yaml:"label_smoothing" json:"label_smoothing"`
}

// DefaultConfig returns the configuration of the reference model: 256-wide
// embeddings, a 2x256 bidirectional encoder, a 512 decoder with additive
// attention and a 512 attentional layer.
func DefaultConfig() Config {
	return Config{
		SrcVocab: 8000, TgtVocab: 8000,
		Embed: 256, EncoderHidden: 256, EncoderLayers: 1, DecoderHidden: 512,
		Attention: AttentionAdditive, AttentionDim: 512, Output: 512,
		Dropout: 0.2, LabelSmoothing: 0.1,
	}
}

// Validate reports the first inconsistency in c.
func (c Config) Validate() error {
	var errs []error
	positive := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %d", name, v))
		}
	}
	positive("src_vocab", c.SrcVocab)
	positive("tgt_vocab", c.TgtVocab)
	positive("embed", c.Embed)
	positive("encoder_hidden", c.EncoderHidden)
	positive("encoder_layers", c.EncoderLayers)
	positive("decoder_hidden", c.DecoderHidden)
	positive("output", c.Output)
	if c.SrcVocab > 0 && c.SrcVocab <= EOSID || c.TgtVocab > 0 && c.TgtVocab <= EOSID {
		errs = append(errs, errors.New("vocabularies must hold more than the 4 special tokens"))
	}
	switch c.Attention {
	case AttentionAdditive:
		positive("attention_dim", c.AttentionDim)
	case AttentionDot:
		if c.DecoderHidden != 2*c.EncoderHidden {
			errs = append(errs, fmt.Errorf("dot attention needs decoder_hidden (%d) = 2 x encoder_hidden (%d)", c.DecoderHidden, c.EncoderHidden))
		}
	case AttentionGeneral:
	default:
		errs = append(errs, fmt.Errorf("unknown attention %q (want additive, dot or general)", c.Attention))
	}
	if c.TieEmbeddings && c.Output != c.Embed {
		errs = append(errs, fmt.Errorf("tie_embeddings needs output (%d) = embed (%d)", c.Output, c.Embed))
	}
	if c.ShareEmbeddings && c.SrcVocab != c.TgtVocab {
		errs = append(errs, fmt.Errorf("share_embeddings needs a joint vocabulary, got src_vocab %d and tgt_vocab %d", c.SrcVocab, c.TgtVocab))
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		errs = append(errs, fmt.Errorf("dropout must be in [0, 1), got %g", c.Dropout))
	}
	if c.LabelSmoothing < 0 || c.LabelSmoothing >= 1 {
		errs = append(errs, fmt.Errorf("label_smoothing must be in [0, 1), got %g", c.LabelSmoothing))
	}
	return errors.Join(errs...)
}
