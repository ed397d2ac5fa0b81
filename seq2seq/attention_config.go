package seq2seq

import (
	"fmt"
	"math"
)

// HardConfig configures hard attention (Config.Attention "hard"). Every
// field has a default, used when it is left out.
type HardConfig struct {
	// Reward is the REINFORCE reward of the position drawn at a step:
	// "word" (default), the log-likelihood of the reference word at that
	// step, or "sentence", that of the rest of the reference from it on.
	Reward string `yaml:"reward,omitempty" json:"reward,omitempty"`
	// BaselineDecay is the decay of the moving-average reward baseline
	// (default 0.9): after each batch, baseline = decay * baseline +
	// (1 - decay) * mean reward.
	BaselineDecay *float64 `yaml:"baseline_decay,omitempty" json:"baseline_decay,omitempty"`
	// Entropy is the weight lambda of the entropy bonus -lambda H(alpha)
	// in the loss (default 0.01).
	Entropy *float64 `yaml:"entropy,omitempty" json:"entropy,omitempty"`
	// SoftProb is the probability with which a training step of a
	// sentence uses the expected (soft) context instead of a draw, as Xu
	// et al. (2015) do with 0.5 (the default).
	SoftProb *float64 `yaml:"soft_prob,omitempty" json:"soft_prob,omitempty"`
	// Decode is how translation reads a position: "argmax" (default) or
	// "sample", drawn by a generator seeded with DecodeSeed for every
	// batch of sentences.
	Decode     string `yaml:"decode,omitempty" json:"decode,omitempty"`
	DecodeSeed uint64 `yaml:"decode_seed,omitempty" json:"decode_seed,omitempty"`
}

// Hard attention's rewards and decoding modes.
const (
	RewardWord     = "word"
	RewardSentence = "sentence"
	DecodeArgmax   = "argmax"
	DecodeSample   = "sample"
)

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// RewardKind is Reward or its default.
func (h HardConfig) RewardKind() string { return cmpOr(h.Reward, RewardWord) }

// DecodeKind is Decode or its default.
func (h HardConfig) DecodeKind() string { return cmpOr(h.Decode, DecodeArgmax) }

// Decay is BaselineDecay or its default.
func (h HardConfig) Decay() float64 { return orDefault(h.BaselineDecay, 0.9) }

// EntropyWeight is Entropy or its default.
func (h HardConfig) EntropyWeight() float64 { return orDefault(h.Entropy, 0.01) }

// SoftProbability is SoftProb or its default.
func (h HardConfig) SoftProbability() float64 { return orDefault(h.SoftProb, 0.5) }

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ScoreKind is the score function of the content scorer: Attention for
// the soft kinds, AttentionScore (default additive) for hard and local.
func (c Config) ScoreKind() string {
	switch c.Attention {
	case AttentionHard, AttentionLocal:
		return cmpOr(c.AttentionScore, AttentionAdditive)
	}
	return c.Attention
}

func (c Config) validateAttention() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.Attention {
	case AttentionAdditive, AttentionDot, AttentionGeneral:
		if c.AttentionScore != "" {
			add("attention_score applies to hard and local attention; soft attention %q names its score in attention", c.Attention)
		}
	case AttentionHard, AttentionLocal:
	default:
		add("unknown attention %q (want additive, dot, general, hard or local)", c.Attention)
		return errs
	}
	dimNeeded := c.Attention == AttentionLocal
	switch c.ScoreKind() {
	case AttentionAdditive:
		dimNeeded = true
	case AttentionDot:
		if c.DecoderHidden != 2*c.EncoderHidden {
			add("dot attention needs decoder_hidden (%d) = 2 x encoder_hidden (%d)", c.DecoderHidden, c.EncoderHidden)
		}
	case AttentionGeneral:
	default:
		add("unknown attention_score %q (want additive, dot or general)", c.AttentionScore)
	}
	if dimNeeded && !(c.AttentionDim > 0 && c.AttentionDim <= MaxDim) {
		add("attention_dim must be in [1, %d], got %d", MaxDim, c.AttentionDim)
	}
	if c.Attention != AttentionHard {
		if c.Hard != (HardConfig{}) {
			add("the hard: block applies only to attention: hard")
		}
		return errs
	}
	h := c.Hard
	if r := h.RewardKind(); r != RewardWord && r != RewardSentence {
		add("hard.reward must be %s or %s, got %q", RewardWord, RewardSentence, r)
	}
	if d := h.DecodeKind(); d != DecodeArgmax && d != DecodeSample {
		add("hard.decode must be %s or %s, got %q", DecodeArgmax, DecodeSample, d)
	}
	in01 := func(name string, v float64) {
		if !(v >= 0 && v < 1) {
			add("hard.%s must be in [0, 1), got %g", name, v)
		}
	}
	in01("baseline_decay", h.Decay())
	in01("soft_prob", h.SoftProbability())
	if e := h.EntropyWeight(); !(e >= 0) || math.IsInf(e, 0) {
		add("hard.entropy must be a finite number >= 0, got %g", e)
	}
	return errs
}
