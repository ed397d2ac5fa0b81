package train

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"no data", func(c *Config) { c.Data.Multi30k = "" }, "set multi30k or"},
		{"both data", func(c *Config) { c.Data.TrainSrc = "x" }, "exclusive"},
		{"partial files", func(c *Config) { c.Data.Multi30k, c.Data.TrainSrc = "", "x" }, "must all be set"},
		{"same langs", func(c *Config) { c.Data.TgtLang = "de" }, "two different languages"},
		{"lengths", func(c *Config) { c.Data.MinLen = 100 }, "min_len <= max_len"},
		{"vocab", func(c *Config) { c.Tokenizer.VocabSize = 0 }, "vocab_size"},
		{"model", func(c *Config) { c.Model.Embed = 0 }, "model: embed must be positive"},
		{"lr", func(c *Config) { c.Optimizer.LR = 0 }, "lr must be positive"},
		{"betas", func(c *Config) { c.Optimizer.Beta2 = 1 }, "betas"},
		{"batch", func(c *Config) { c.Schedule.BatchTokens = 0 }, "batch_tokens"},
		{"no stop", func(c *Config) { c.Schedule.MaxEpochs, c.Schedule.MaxTime, c.Schedule.Patience = 0, 0, 0 }, "at least one of"},
		{"decay", func(c *Config) { c.Schedule.LRDecay = 2 }, "lr_decay"},
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
