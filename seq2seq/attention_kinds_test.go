package seq2seq

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// kindVariants are the hard and local attention architectures.
var kindVariants = []configVariant{
	{"local", func(c *Config) { c.Attention = AttentionLocal }},
	{"local dot", func(c *Config) {
		c.Attention, c.AttentionScore, c.DecoderHidden = AttentionLocal, AttentionDot, 2*c.EncoderHidden
	}},
	{"local general feeding", func(c *Config) {
		c.Attention, c.AttentionScore, c.InputFeeding = AttentionLocal, AttentionGeneral, true
	}},
	{"local, residual decoder layers", func(c *Config) {
		c.Attention, c.DecoderLayers, c.DecoderResidual = AttentionLocal, 2, true
	}},
	{"hard", func(c *Config) { c.Attention = AttentionHard }},
	{"hard, two decoder layers", func(c *Config) { c.Attention, c.DecoderLayers = AttentionHard, 2 }},
	{"hard sentence general", func(c *Config) {
		c.Attention, c.AttentionScore = AttentionHard, AttentionGeneral
		c.Hard = DefaultHardConfig()
		c.Hard.Reward = RewardSentence
	}},
}

// TestKindGradients is the whole-model gradient check with hard or local
// attention on, in every weight. Without a generator hard attention reads
// the argmax, which is locally constant in the scores: the check covers
// the path through the one-hot context (the REINFORCE estimate of the
// sampled case is tested statistically in package attention).
func TestKindGradients(t *testing.T) {
	for _, tc := range kindVariants {
		t.Run(tc.name, func(t *testing.T) {
			opt := modelCheckOptions
			if tc.name == "local, residual decoder layers" {
				// Local attention's loss is not smooth where a source
				// position enters or leaves the window; through two
				// residual layers a step of 0.05 in decoder.b moves the
				// centre across such an edge, and the differences
				// measure the jump (analytic -0.0071 against numeric
				// -0.0167 in one element). Steps of 0.02 down to 0.005
				// all agree with the analytic gradient.
				opt.Eps = 1e-2
			}
			checkModelGradients(t, tc.edit, opt)
		})
	}
}

// TestKindDecoderAgreesWithTraining: forced decoding scores the
// references exactly as the training computation does, the weights are
// zero on padding, hard attention reads one position per step, and local
// attention reports a window that holds its nonzero weights.
func TestKindDecoderAgreesWithTraining(t *testing.T) {
	ctx := context.Background()
	for _, tc := range kindVariants {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.edit(&cfg)
			m := sharpModel(t, cfg, 5)
			want, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			for _, int8 := range []bool{false, true} {
				d := m.NewDecoder()
				if int8 {
					if d, err = m.NewInt8Decoder(); err != nil {
						t.Fatal(err)
					}
				}
				fs, err := d.Force(ctx, tinySrc, tinyTgt)
				if err != nil {
					t.Fatal(err)
				}
				var nll float64
				for i, f := range fs {
					nll -= f.LogProb
					checkGlimpses(t, cfg, f, len(tinySrc[i])+1)
				}
				tol := 1e-4
				if int8 {
					tol = 0.05
				}
				if math.Abs(nll-want.NLL) > tol*math.Max(1, want.NLL) {
					t.Errorf("int8 %t: decoder NLL %v, training NLL %v", int8, nll, want.NLL)
				}
			}
		})
	}
}

func checkGlimpses(t *testing.T, cfg Config, f Forced, n int) {
	t.Helper()
	for k, row := range f.Attn {
		if len(row) != n {
			t.Fatalf("row %d has %d weights for %d positions", k, len(row), n)
		}
		switch cfg.Attention {
		case AttentionHard:
			var ones int
			for _, w := range row {
				if w == 1 {
					ones++
				} else if w != 0 {
					t.Fatalf("hard row %d: weight %v", k, w)
				}
			}
			if ones != 1 || len(f.Dists) != len(f.Attn) {
				t.Fatalf("hard row %d: %d ones, %d distributions", k, ones, len(f.Dists))
			}
		case AttentionLocal:
			if len(f.Centres) != len(f.Attn) || len(f.Widths) != len(f.Attn) {
				t.Fatalf("%d centres and %d widths for %d rows", len(f.Centres), len(f.Widths), len(f.Attn))
			}
			c, w := float64(f.Centres[k]), float64(f.Widths[k])
			for j, x := range row {
				if x != 0 && math.Abs(float64(j)-c) > 2*w+1e-4 {
					t.Fatalf("local row %d: weight %v at %d outside %v +- 2*%v", k, x, j, c, w)
				}
			}
		}
	}
}

// TestKindSaveLoad saves and loads each kind and gets the same loss and
// configuration.
func TestKindSaveLoad(t *testing.T) {
	ctx := context.Background()
	for _, tc := range kindVariants {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.edit(&cfg)
			m := sharpModel(t, cfg, 8)
			want, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.nmt")
			if err := (&File{Model: m}).Save(path, safetensors.F32); err != nil {
				t.Fatal(err)
			}
			g, err := LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Model.EvalBatch(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || g.Model.Config() != m.Config() {
				t.Errorf("loaded %+v %+v, saved %+v %+v", got, g.Model.Config(), want, m.Config())
			}
		})
	}
}

// TestHardTrainingStatistics: a training step with a generator draws
// positions, reports their rewards and the attention entropy, and moves
// the baseline; Xu et al.'s soft steps draw nothing.
func TestHardTrainingStatistics(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		softProb  float64
		wantDraws func(int) bool
	}{
		{0, func(n int) bool { return n == 10 }},
		{0.5, func(n int) bool { return n > 0 && n < 10 }},
	} {
		cfg := tinyConfig()
		cfg.Attention = AttentionHard
		cfg.Hard = DefaultHardConfig()
		cfg.Hard.SoftProb = tc.softProb
		m, err := New(cfg, 4)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		l, err := m.TrainBatch(ctx, tinySrc, tinyTgt, r)
		if err != nil {
			t.Fatal(err)
		}
		if !tc.wantDraws(l.Draws) {
			t.Errorf("soft_prob %v: %d draws of 10 positions", tc.softProb, l.Draws)
		}
		if !(l.Reward < 0) || !(l.Entropy > 0) || l.Entropy > 10*math.Log(5) || l.Baseline == 0 {
			t.Errorf("soft_prob %v: reward %v, entropy %v, baseline %v", tc.softProb, l.Reward, l.Entropy, l.Baseline)
		}
		if mean := l.Reward / float64(l.Draws); math.Abs(l.Baseline-mean) > 1e-9 {
			t.Errorf("first batch: baseline %v, want the mean reward %v", l.Baseline, mean)
		}
	}
}
