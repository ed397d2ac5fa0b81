package seq2seq

import (
	"math"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" for a valid config
	}{
		{"default", func(*Config) {}, ""},
		{"largest", func(c *Config) {
			c.SrcVocab, c.TgtVocab, c.Embed, c.EncoderHidden, c.EncoderLayers = MaxVocab, MaxVocab, MaxDim, MaxDim, MaxLayers
			c.DecoderHidden, c.AttentionDim, c.Output = MaxDim, MaxDim, MaxDim
		}, ""},
		{"zero embed", func(c *Config) { c.Embed = 0 }, "embed must be in [1, 65536], got 0"},
		{"huge vocab", func(c *Config) { c.SrcVocab = MaxVocab + 1 }, "src_vocab must be in [1, 4194304]"},
		{"huge tgt vocab", func(c *Config) { c.TgtVocab = 3e9 }, "tgt_vocab must be in"},
		{"huge embed", func(c *Config) { c.Embed = MaxDim + 1 }, "embed must be in"},
		{"huge hidden", func(c *Config) { c.EncoderHidden = 1 << 20 }, "encoder_hidden must be in"},
		{"huge decoder", func(c *Config) { c.DecoderHidden = 1 << 20 }, "decoder_hidden must be in"},
		{"huge output", func(c *Config) { c.Output = 1 << 20 }, "output must be in"},
		{"huge attention", func(c *Config) { c.AttentionDim = 1 << 20 }, "attention_dim must be in"},
		{"many layers", func(c *Config) { c.EncoderLayers = MaxLayers + 1 }, "encoder_layers must be in [1, 16]"},
		{"negative layers", func(c *Config) { c.EncoderLayers = -1 }, "encoder_layers must be in"},
		{"decoder layers", func(c *Config) { c.DecoderLayers, c.DecoderResidual = MaxLayers, true }, ""},
		{"decoder layers from before the option", func(c *Config) { c.DecoderLayers = 0 }, ""},
		{"many decoder layers", func(c *Config) { c.DecoderLayers = MaxLayers + 1 }, "decoder_layers must be in [1, 16]"},
		{"negative decoder layers", func(c *Config) { c.DecoderLayers = -2 }, "decoder_layers must be in"},
		{"residual on one layer", func(c *Config) { c.DecoderResidual = true }, "decoder_residual needs decoder_layers >= 2, got 1"},
		{"word dropout", func(c *Config) { c.WordDropout = 0.1 }, ""},
		{"word dropout 1", func(c *Config) { c.WordDropout = 1 }, "word_dropout must be in [0, 1), got 1"},
		{"too few specials", func(c *Config) { c.SrcVocab = 3 }, "at least the 4 special tokens"},
		{"nan dropout", func(c *Config) { c.Dropout = math.NaN() }, "dropout must be in [0, 1), got NaN"},
		{"inf dropout", func(c *Config) { c.Dropout = math.Inf(1) }, "dropout must be in [0, 1)"},
		{"-inf dropout", func(c *Config) { c.Dropout = math.Inf(-1) }, "dropout must be in [0, 1)"},
		{"dropout 1", func(c *Config) { c.Dropout = 1 }, "dropout must be in [0, 1)"},
		{"nan smoothing", func(c *Config) { c.LabelSmoothing = math.NaN() }, "label_smoothing must be in [0, 1), got NaN"},
		{"inf smoothing", func(c *Config) { c.LabelSmoothing = math.Inf(1) }, "label_smoothing must be in [0, 1)"},
		{"negative smoothing", func(c *Config) { c.LabelSmoothing = -0.1 }, "label_smoothing must be in [0, 1)"},
		{"attention", func(c *Config) { c.Attention = "cosine" }, `unknown attention "cosine"`},
		{"dot sizes", func(c *Config) { c.Attention, c.DecoderHidden = AttentionDot, 100 }, "dot attention needs"},
		{"tie sizes", func(c *Config) { c.TieEmbeddings = true }, "tie_embeddings needs"},
		{"share vocabularies", func(c *Config) { c.ShareEmbeddings, c.TgtVocab = true, 100 }, "share_embeddings needs"},
		{"local", func(c *Config) { c.Attention = AttentionLocal }, ""},
		{"hard defaults", func(c *Config) { c.Attention, c.Hard = AttentionHard, DefaultHardConfig() }, ""},
		{"score on soft", func(c *Config) { c.AttentionScore = AttentionDot }, "attention_score applies to hard and local"},
		{"bad score", func(c *Config) { c.Attention, c.AttentionScore = AttentionLocal, "cosine" }, `unknown attention_score "cosine"`},
		{"local needs dim", func(c *Config) { c.Attention, c.AttentionScore, c.AttentionDim = AttentionLocal, AttentionGeneral, 0 }, "attention_dim must be in"},
		{"hard block on soft", func(c *Config) { c.Hard = DefaultHardConfig() }, "the hard: block applies only"},
		{"bad reward", func(c *Config) { c.Attention, c.Hard.Reward = AttentionHard, "bleu" }, `hard.reward must be word or sentence, got "bleu"`},
		{"bad decode", func(c *Config) { c.Attention, c.Hard.Decode = AttentionHard, "beam" }, `hard.decode must be`},
		{"bad baseline", func(c *Config) { c.Attention, c.Hard.Baseline = AttentionHard, "median" }, `hard.baseline must be moving_average or soft, got "median"`},
		{"soft baseline", func(c *Config) { c.Attention, c.Hard.Baseline = AttentionHard, BaselineSoft }, ""},
		{"soft baseline sentence", func(c *Config) {
			c.Attention, c.Hard.Baseline, c.Hard.Reward, c.InputFeeding = AttentionHard, BaselineSoft, RewardSentence, false
		}, ""},
		{"soft baseline sentence feeding", func(c *Config) {
			c.Attention, c.Hard.Baseline, c.Hard.Reward, c.InputFeeding = AttentionHard, BaselineSoft, RewardSentence, true
		}, "hard.baseline soft with hard.reward sentence needs input_feeding: false"},
		{"bad decay", func(c *Config) { c.Attention, c.Hard.BaselineDecay = AttentionHard, 1 }, "hard.baseline_decay must be in [0, 1)"},
		{"bad soft prob", func(c *Config) { c.Attention, c.Hard.SoftProb = AttentionHard, math.NaN() }, "hard.soft_prob must be in"},
		{"bad entropy", func(c *Config) { c.Attention, c.Hard.Entropy = AttentionHard, -1 }, "hard.entropy must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate() = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
