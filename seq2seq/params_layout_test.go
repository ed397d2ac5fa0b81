package seq2seq

import (
	"slices"
	"testing"
)

// TestParamLayoutMatchesNew checks that paramLayout, which the loader
// trusts before allocating, lists exactly the parameters New builds.
func TestParamLayoutMatchesNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"tiny", func(*Config) {}},
		{"default", func(c *Config) { *c = DefaultConfig() }},
		{"dot", func(c *Config) { c.Attention, c.DecoderHidden = AttentionDot, 2*c.EncoderHidden }},
		{"general", func(c *Config) { c.Attention = AttentionGeneral }},
		{"input feeding, three layers", func(c *Config) { c.InputFeeding, c.EncoderLayers = true, 3 }},
		{"shared", func(c *Config) { c.TgtVocab, c.ShareEmbeddings = c.SrcVocab, true }},
		{"tied", func(c *Config) { c.TieEmbeddings, c.Output = true, c.Embed }},
		{"tied and shared", func(c *Config) {
			c.TgtVocab, c.ShareEmbeddings, c.TieEmbeddings, c.Output = c.SrcVocab, true, true, c.Embed
		}},
		{"local", func(c *Config) { c.Attention = AttentionLocal }},
		{"local general", func(c *Config) { c.Attention, c.AttentionScore = AttentionLocal, AttentionGeneral }},
		{"hard dot", func(c *Config) {
			c.Attention, c.AttentionScore, c.DecoderHidden = AttentionHard, AttentionDot, 2*c.EncoderHidden
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.edit(&cfg)
			m, err := New(cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			layout := cfg.paramLayout()
			params := m.Params()
			if len(layout) != len(params) {
				t.Fatalf("layout has %d parameters, New builds %d", len(layout), len(params))
			}
			for i, p := range params {
				if layout[i].name != p.Name || !slices.Equal(layout[i].shape, p.Shape) {
					t.Errorf("parameter %d: layout %s %v, New %s %v", i, layout[i].name, layout[i].shape, p.Name, p.Shape)
				}
			}
		})
	}
}
