package train

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq"
)

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigYAMLRoundTrip(t *testing.T) {
	c := DefaultConfig()
	c.Schedule.MaxTime = 90 * time.Second
	c.Data.Multi30k = ""
	c.Data.TrainSrc, c.Data.TrainTgt, c.Data.ValidSrc, c.Data.ValidTgt = "a", "b", "c", "d"
	var buf bytes.Buffer
	if err := c.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "max_time: 1m30s") {
		t.Errorf("durations should print as text:\n%s", buf.String())
	}
	got, err := ParseConfig(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip changed the config:\n got %+v\nwant %+v", got, c)
	}
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		yaml    string
		check   func(Config) bool
		wantErr string
	}{
		{"empty keeps defaults", "", func(c Config) bool { return reflect.DeepEqual(c, DefaultConfig()) }, ""},
		{"override", "optimizer:\n  lr: 0.0005\nschedule:\n  max_time: 2h\nmodel:\n  embed: 64\n",
			func(c Config) bool {
				return c.Optimizer.LR == 5e-4 && c.Schedule.MaxTime == 2*time.Hour && c.Model.Embed == 64 && c.Model.DecoderHidden == 512
			}, ""},
		{"hard block names only what it changes", "model:\n  attention: hard\n  hard:\n    baseline: soft\n",
			func(c Config) bool {
				want := seq2seq.DefaultHardConfig()
				want.Baseline = seq2seq.BaselineSoft
				return c.Model.Hard == want
			}, ""},
		{"no hard block: moving average", "model:\n  attention: hard\n",
			func(c Config) bool { return c.Model.Hard.BaselineKind() == seq2seq.BaselineMovingAverage }, ""},
		{"unknown key", "data:\n  src_lang: de\n  colour: blue\n", nil, "line 3: field colour not found"},
		{"unknown section", "optimiser:\n  lr: 1\n", nil, "line 1: field optimiser not found"},
		{"bad type", "schedule:\n  batch_tokens: many\n", nil, "line 2"},
		{"bad duration", "schedule:\n  max_time: forever\n", nil, "forever"},
		{"two documents", "data: {}\n---\ndata: {}\n", nil, "more than one YAML document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestLoadConfigNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg.yaml")
	os.WriteFile(path, []byte("nope: 1\n"), 0o644)
	_, err := LoadConfig(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("error = %v, want the file and line", err)
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("LoadConfig of a missing file succeeded")
	}
}

func TestConfigValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"no data", func(c *Config) { c.Data.Multi30k = "" }, "set multi30k, or"},
		{"both data", func(c *Config) { c.Data.TrainSrc = "x" }, "exclusive"},
		{"partial files", func(c *Config) { c.Data.Multi30k, c.Data.TrainSrc = "", "x" }, "must all be set"},
		{"corpora and multi30k", func(c *Config) { c.Data.Corpora = twoCorporaConfig() }, "corpora excludes multi30k"},
		{"corpus without name", func(c *Config) { c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig(); c.Data.Corpora[1].Name = "" }, "corpora[1]: name must be set"},
		{"corpus name twice", func(c *Config) {
			c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
			c.Data.Corpora[1].Name = "a"
		}, `corpus "a": the name is used twice`},
		{"corpus files", func(c *Config) {
			c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
			c.Data.Corpora[0].ValidTgt = ""
		}, `corpus "a": train_src, train_tgt, valid_src and valid_tgt must all be set`},
		{"corpus weight", func(c *Config) {
			c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
			c.Data.Corpora[1].Weight = nan
		}, `corpus "b": weight and valid_weight must be finite and not negative, got NaN`},
		{"corpus weights zero", func(c *Config) {
			c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
			c.Data.Corpora[0].Weight, c.Data.Corpora[1].Weight = 0, 0
		}, "weights sum to 0"},
		{"corpus valid weights zero", func(c *Config) {
			c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
			c.Data.Corpora[0].ValidWeight, c.Data.Corpora[1].ValidWeight = 0, 0
		}, "valid_weights sum to 0"},
		{"same langs", func(c *Config) { c.Data.TgtLang = "de" }, "two different languages"},
		{"lengths", func(c *Config) { c.Data.MinLen = 100 }, "min_len <= max_len"},
		{"vocab", func(c *Config) { c.Tokenizer.VocabSize = 0 }, "vocab_size"},
		{"model", func(c *Config) { c.Model.Embed = 0 }, "model: embed must be in [1, 65536], got 0"},
		{"huge model", func(c *Config) { c.Model.EncoderHidden = 1 << 20 }, "model: encoder_hidden must be in"},
		{"nan dropout", func(c *Config) { c.Model.Dropout = nan }, "model: dropout must be in [0, 1), got NaN"},
		{"nan smoothing", func(c *Config) { c.Model.LabelSmoothing = nan }, "model: label_smoothing"},
		{"max ratio", func(c *Config) { c.Data.MaxRatio = 0.5 }, "max_ratio must be 0 or at least 1"},
		{"nan max ratio", func(c *Config) { c.Data.MaxRatio = nan }, "max_ratio must be 0 or at least 1, got NaN"},
		{"inf max ratio", func(c *Config) { c.Data.MaxRatio = inf }, "max_ratio must be 0 or at least 1, got +Inf"},
		{"lr", func(c *Config) { c.Optimizer.LR = 0 }, "lr must be positive"},
		{"nan lr", func(c *Config) { c.Optimizer.LR = nan }, "lr must be positive and finite, got NaN"},
		{"inf lr", func(c *Config) { c.Optimizer.LR = inf }, "lr must be positive and finite, got +Inf"},
		{"betas", func(c *Config) { c.Optimizer.Beta2 = 1 }, "betas"},
		{"nan beta1", func(c *Config) { c.Optimizer.Beta1 = nan }, "betas must be in [0, 1), got NaN"},
		{"nan beta2", func(c *Config) { c.Optimizer.Beta2 = nan }, "betas must be in [0, 1)"},
		{"-inf beta1", func(c *Config) { c.Optimizer.Beta1 = -inf }, "betas must be in [0, 1)"},
		{"nan eps", func(c *Config) { c.Optimizer.Eps = nan }, "eps must be positive"},
		{"inf eps", func(c *Config) { c.Optimizer.Eps = inf }, "eps must be positive"},
		{"nan weight decay", func(c *Config) { c.Optimizer.WeightDecay = nan }, "weight_decay and clip_norm"},
		{"inf clip", func(c *Config) { c.Optimizer.ClipNorm = inf }, "weight_decay and clip_norm"},
		{"negative clip", func(c *Config) { c.Optimizer.ClipNorm = -1 }, "weight_decay and clip_norm"},
		{"batch", func(c *Config) { c.Schedule.BatchTokens = 0 }, "batch_tokens"},
		{"no stop", func(c *Config) { c.Schedule.MaxEpochs, c.Schedule.MaxTime, c.Schedule.Patience = 0, 0, 0 }, "at least one of"},
		{"decay", func(c *Config) { c.Schedule.LRDecay = 2 }, "lr_decay"},
		{"nan decay", func(c *Config) { c.Schedule.LRDecay = nan }, "lr_decay must be in (0, 1], got NaN"},
		{"inf decay", func(c *Config) { c.Schedule.LRDecay = inf }, "lr_decay"},
		{"nan min lr", func(c *Config) { c.Schedule.MinLR = nan }, "min_lr must be in [0, lr], got NaN"},
		{"min lr above lr", func(c *Config) { c.Schedule.MinLR = 1 }, "min_lr must be in [0, lr]"},
		{"keep", func(c *Config) { c.Checkpoint.KeepLast = 0 }, "keep_last"},
		{"dir", func(c *Config) { c.Checkpoint.Dir = "" }, "dir must be set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.modify(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestParseConfigNonFinite reads NaN and infinities from YAML: they parse,
// and Validate rejects them.
func TestParseConfigNonFinite(t *testing.T) {
	for _, y := range []string{
		"optimizer:\n  lr: .nan\n",
		"optimizer:\n  beta1: .nan\n",
		"optimizer:\n  lr: .inf\n",
		"schedule:\n  lr_decay: .nan\n",
		"schedule:\n  min_lr: .nan\n",
		"data:\n  max_ratio: .nan\n",
		"model:\n  dropout: .nan\n",
		"model:\n  label_smoothing: -.inf\n",
	} {
		c, err := ParseConfig([]byte(y))
		if err != nil {
			t.Errorf("%q: %v", y, err)
			continue
		}
		if err := c.Validate(); err == nil {
			t.Errorf("%q: Validate accepted a non-finite value", y)
		}
	}
}

// FuzzParseConfig parses fuzzed YAML: ParseConfig and Validate never
// panic, and a configuration that validates prints and parses back to
// itself.
func FuzzParseConfig(f *testing.F) {
	var buf bytes.Buffer
	if err := DefaultConfig().WriteYAML(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	for _, s := range []string{"", "optimizer:\n  lr: .nan\n", "schedule:\n  max_time: 90m\n", "model: {embed: 3000000000}\n",
		"data:\n  max_ratio: .inf\n", "a: &x [*x]\n", "---\n---\n", "model:\n  attention: dot\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, y string) {
		c, err := ParseConfig([]byte(y))
		if err != nil {
			return
		}
		if c.Validate() != nil {
			return
		}
		var out bytes.Buffer
		if err := c.WriteYAML(&out); err != nil {
			t.Fatalf("WriteYAML of a valid config: %v", err)
		}
		back, err := ParseConfig(out.Bytes())
		if err != nil {
			t.Fatalf("printed config does not parse: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip changed the config:\n got %+v\nwant %+v", back, c)
		}
	})
}

// twoCorporaConfig is a valid list of two corpora.
func twoCorporaConfig() []CorpusConfig {
	return []CorpusConfig{
		{Name: "a", TrainSrc: "a.de", TrainTgt: "a.en", ValidSrc: "av.de", ValidTgt: "av.en", Weight: 1, ValidWeight: 1},
		{Name: "b", TrainSrc: "b.de", TrainTgt: "b.en", ValidSrc: "bv.de", ValidTgt: "bv.en", Weight: 0.5, ValidWeight: 2},
	}
}

func TestConfigCorporaValid(t *testing.T) {
	c := DefaultConfig()
	c.Data.Multi30k, c.Data.Corpora = "", twoCorporaConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.WriteYAML(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Data.Corpora, c.Data.Corpora) {
		t.Errorf("corpora after a YAML round trip: %+v, want %+v", back.Data.Corpora, c.Data.Corpora)
	}
}
