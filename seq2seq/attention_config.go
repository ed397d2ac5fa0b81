package seq2seq

import (
	"fmt"
	"math"

	"go.yaml.in/yaml/v3"
)

// HardConfig configures hard attention (Config.Attention "hard"). A YAML
// hard: block starts from DefaultHardConfig, so it needs to name only
// what it changes; a model with hard attention and no block at all gets
// the defaults from New.
type HardConfig struct {
	// Reward is the REINFORCE reward of the position drawn at a step:
	// "word", the log-likelihood of the reference word at that step, or
	// "sentence", that of the rest of the reference from it on.
	Reward string `yaml:"reward" json:"reward,omitempty"`
	// Baseline is the REINFORCE baseline subtracted from the reward:
	// "moving_average" (the default; empty means it too), a moving
	// average of the batches' mean rewards, or "soft" (Deng et al. 2018),
	// the log-likelihood the decoder gives the same reference word (with
	// the sentence reward: the same rest of the reference) when it reads
	// the expected context sum_j alpha_j mem_j instead of the drawn
	// position, computed from the same forward pass.
	Baseline string `yaml:"baseline" json:"baseline,omitempty"`
	// BaselineDecay is the decay of the moving-average reward baseline:
	// after each batch, baseline = decay * baseline + (1 - decay) * mean
	// reward of the batch's draws.
	BaselineDecay float64 `yaml:"baseline_decay" json:"baseline_decay,omitempty"`
	// Entropy is the weight lambda of the entropy bonus: the loss gets
	// -lambda H(alpha) per drawn position.
	Entropy float64 `yaml:"entropy" json:"entropy,omitempty"`
	// SoftProb is the probability with which a sentence's training step
	// uses the expected (soft) context instead of a draw, as Xu et al.
	// (2015) do with 0.5.
	SoftProb float64 `yaml:"soft_prob" json:"soft_prob,omitempty"`
	// Decode is how translation reads a position: "argmax" or "sample",
	// drawn by a generator seeded with DecodeSeed for every batch of
	// sentences decoded.
	Decode     string `yaml:"decode" json:"decode,omitempty"`
	DecodeSeed uint64 `yaml:"decode_seed" json:"decode_seed,omitempty"`
}

// DefaultHardConfig returns the defaults of hard attention: the word
// reward, the moving-average baseline with a decay of 0.9, an entropy
// weight of 0.01, the soft context with probability 0.5 and argmax
// decoding.
func DefaultHardConfig() HardConfig {
	return HardConfig{Reward: RewardWord, Baseline: BaselineMovingAverage, BaselineDecay: 0.9, Entropy: 0.01, SoftProb: 0.5, Decode: DecodeArgmax}
}

// UnmarshalYAML decodes a hard: block over DefaultHardConfig.
func (h *HardConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain HardConfig
	d := plain(DefaultHardConfig())
	if err := n.Decode(&d); err != nil {
		return err
	}
	*h = HardConfig(d)
	return nil
}

// Hard attention's rewards, baselines and decoding modes.
const (
	RewardWord            = "word"
	RewardSentence        = "sentence"
	BaselineMovingAverage = "moving_average"
	BaselineSoft          = "soft"
	DecodeArgmax          = "argmax"
	DecodeSample          = "sample"
)

// RewardKind is Reward, "word" when empty.
func (h HardConfig) RewardKind() string { return cmpOr(h.Reward, RewardWord) }

// BaselineKind is Baseline, "moving_average" when empty (model files
// written before the option existed).
func (h HardConfig) BaselineKind() string { return cmpOr(h.Baseline, BaselineMovingAverage) }

// DecodeKind is Decode, "argmax" when empty.
func (h HardConfig) DecodeKind() string { return cmpOr(h.Decode, DecodeArgmax) }

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
	switch h.BaselineKind() {
	case BaselineMovingAverage:
	case BaselineSoft:
		// The soft likelihoods of later words depend on the draw at a
		// word through the fed attentional outputs: as a baseline for the
		// rest of the sentence they would bias the estimate.
		if h.RewardKind() == RewardSentence && c.InputFeeding {
			add("hard.baseline %s with hard.reward %s needs input_feeding: false (with input feeding the later words' soft likelihoods depend on the draw); use reward: %s", BaselineSoft, RewardSentence, RewardWord)
		}
	default:
		add("hard.baseline must be %s or %s, got %q", BaselineMovingAverage, BaselineSoft, h.Baseline)
	}
	if d := h.DecodeKind(); d != DecodeArgmax && d != DecodeSample {
		add("hard.decode must be %s or %s, got %q", DecodeArgmax, DecodeSample, d)
	}
	in01 := func(name string, v float64) {
		if !(v >= 0 && v < 1) {
			add("hard.%s must be in [0, 1), got %g", name, v)
		}
	}
	in01("baseline_decay", h.BaselineDecay)
	in01("soft_prob", h.SoftProb)
	if e := h.Entropy; !(e >= 0) || math.IsInf(e, 0) {
		add("hard.entropy must be a finite number >= 0, got %g", e)
	}
	return errs
}
