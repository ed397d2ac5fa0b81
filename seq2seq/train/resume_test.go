package train

import (
	"errors"
	"testing"
	"time"
)

func TestCheckResume(t *testing.T) {
	stored := DefaultConfig()
	tests := []struct {
		name    string
		change  func(*Config)
		refused bool
	}{
		{"same", func(*Config) {}, false},
		{"max time", func(c *Config) { c.Schedule.MaxTime = 5 * time.Minute }, false},
		{"max steps", func(c *Config) { c.Schedule.MaxSteps = 100 }, false},
		{"learning rate", func(c *Config) { c.Optimizer.LR = 1e-4 }, false},
		{"checkpoint dir", func(c *Config) { c.Checkpoint.Dir = "elsewhere" }, false},
		{"seed", func(c *Config) { c.Schedule.Seed++ }, true},
		{"batch tokens", func(c *Config) { c.Schedule.BatchTokens /= 2 }, true},
		{"max sentences", func(c *Config) { c.Schedule.MaxSentences = 10 }, true},
		{"data", func(c *Config) { c.Data.MaxLen = 10 }, true},
		{"corpora", func(c *Config) { c.Data.Corpora = []CorpusConfig{{Name: "x", Weight: 1}} }, true},
		{"tokenizer", func(c *Config) { c.Tokenizer.VocabSize = 100 }, true},
	}
	for _, tt := range tests {
		cfg := stored
		tt.change(&cfg)
		err := CheckResume(stored, cfg)
		if got := errors.Is(err, ErrPlanChanged); got != tt.refused {
			t.Errorf("%s: CheckResume = %v, want refused %v", tt.name, err, tt.refused)
		}
	}
}
