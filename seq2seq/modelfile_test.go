package seq2seq

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	cfg := tinyConfig()
	cfg.InputFeeding = true
	m, err := New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.nmt")
	f := &File{Model: m, SrcTokenizer: []byte(`{"src":1}`), TgtTokenizer: []byte(`{"tgt":2}`),
		Metadata: map[string]string{"trained_steps": "12"}}
	if err := f.Save(path, safetensors.F32); err != nil {
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
	if got != want {
		t.Errorf("loaded model loss %+v, saved model %+v", got, want)
	}
	if string(g.SrcTokenizer) != `{"src":1}` || string(g.TgtTokenizer) != `{"tgt":2}` || g.Metadata["trained_steps"] != "12" {
		t.Errorf("metadata not kept: %q %q %v", g.SrcTokenizer, g.TgtTokenizer, g.Metadata)
	}
	if g.Model.Config() != cfg {
		t.Errorf("config %+v, want %+v", g.Model.Config(), cfg)
	}
}

func TestLoadRejects(t *testing.T) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, meta map[string]string, tensors []safetensors.Tensor) string {
		path := filepath.Join(dir, name)
		if err := safetensors.WriteFile(path, tensors, meta, safetensors.F32); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := map[string]string{metaFormat: FileFormat, metaVersion: FileVersion,
		metaConfig: `{"src_vocab":13,"tgt_vocab":11,"embed":4,"encoder_hidden":3,"encoder_layers":1,"decoder_hidden":6,"attention":"additive","attention_dim":4,"output":5}`}
	with := func(k, v string) map[string]string {
		c := map[string]string{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a model at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"garbage", garbage, "safetensors"},
		{"other format", write("a", with(metaFormat, "gguf"), m.Tensors()), "not an nmt model file"},
		{"other version", write("b", with(metaVersion, "9"), m.Tensors()), "format version \"9\""},
		{"bad config", write("c", with(metaConfig, `{"attention":"x"}`), m.Tensors()), "must be positive"},
		{"missing weight", write("d", good, m.Tensors()[1:]), "missing"},
	}
	for _, tc := range tests {
		_, err := LoadFile(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", tc.name, err, tc.want)
		}
	}
}
