package seq2seq

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, v := range []configVariant{
		{"input feeding", func(c *Config) { c.InputFeeding = true }},
		{"residual decoder layers", func(c *Config) { c.DecoderLayers, c.DecoderResidual = 3, true }},
	} {
		t.Run(v.name, func(t *testing.T) { testSaveLoadRoundTrip(t, v.edit) })
	}
}

func testSaveLoadRoundTrip(t *testing.T, edit func(*Config)) {
	cfg := tinyConfig()
	edit(&cfg)
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
	// A loaded model holds no gradients until it trains, then trains
	// exactly as the saved one does.
	for _, p := range g.Model.params {
		if p.Grad != nil && !strings.HasPrefix(p.Name, "attention.") {
			t.Errorf("loaded weight %s has a gradient before training", p.Name)
		}
	}
	wantTrain, err := m.TrainBatch(ctx, tinySrc, tinyTgt, nil)
	if err != nil {
		t.Fatal(err)
	}
	gotTrain, err := g.Model.TrainBatch(ctx, tinySrc, tinyTgt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gotTrain != wantTrain {
		t.Errorf("loaded model trains to %+v, saved model %+v", gotTrain, wantTrain)
	}
	for i, p := range g.Model.Params() {
		if !slices.Equal(p.Grad, m.params[i].Grad) {
			t.Errorf("gradient of %s differs after loading", p.Name)
		}
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
		{"bad config", write("c", with(metaConfig, `{"attention":"x"}`), m.Tensors()), "must be in [1, "},
		{"missing weight", write("d", good, m.Tensors()[1:]), "missing"},
		// Sizes that would make New allocate terabytes, or overflow.
		{"huge config", write("e", with(metaConfig, `{"src_vocab":3000000000,"tgt_vocab":11,"embed":3000000000,"encoder_hidden":3,"encoder_layers":1,"decoder_hidden":6,"attention":"additive","attention_dim":4,"output":5}`), m.Tensors()),
			"src_vocab must be in [1, 4194304], got 3000000000"},
		// Within the limits (a 1 TB model), but not backed by the file.
		{"unbacked config", write("f", with(metaConfig, `{"src_vocab":4194304,"tgt_vocab":4194304,"embed":65536,"encoder_hidden":65536,"encoder_layers":16,"decoder_hidden":65536,"attention":"additive","attention_dim":65536,"output":65536}`), m.Tensors()),
			"weight src_embed has shape [13 4], the config needs [4194304 65536]"},
		{"nan dropout", write("g", with(metaConfig, strings.Replace(good[metaConfig], "}", `,"dropout":"NaN"}`, 1)), m.Tensors()), "dropout"},
		{"wrong shape", write("h", good, renamed(m.Tensors(), "bridge.b", "output.b")), "weight output.b has shape [6], the config needs [5]"},
	}
	for _, tc := range tests {
		_, err := LoadFile(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", tc.name, err, tc.want)
		}
	}
}

// renamed returns ts with the tensor named to replaced by a copy of the one
// named from under the name to.
func renamed(ts []safetensors.Tensor, from, to string) []safetensors.Tensor {
	out := slices.Clone(ts)
	var src safetensors.Tensor
	for _, t := range ts {
		if t.Name == from {
			src = t
		}
	}
	for i, t := range out {
		if t.Name == to {
			src.Name = to
			out[i] = src
		}
	}
	return out
}

// FuzzLoadFile loads arbitrary bytes as a model file: the loader must
// reject them with an error naming the file, or give a model that
// satisfies what loading promises (a valid config, weights of its layout,
// all finite). The seeds are tiny models (a few KB) so that the fuzzer
// runs thousands of inputs a second.
func FuzzLoadFile(f *testing.F) {
	for i, edit := range []func(*Config){
		func(*Config) {},
		func(c *Config) { c.Attention, c.InputFeeding = AttentionGeneral, true },
		func(c *Config) {
			c.TgtVocab, c.ShareEmbeddings, c.TieEmbeddings, c.Output = c.SrcVocab, true, true, c.Embed
			c.Attention, c.DecoderHidden = AttentionDot, 2*c.EncoderHidden
		},
	} {
		cfg := Config{SrcVocab: 5, TgtVocab: 5, Embed: 2, EncoderHidden: 1, EncoderLayers: 1, DecoderHidden: 2,
			Attention: AttentionAdditive, AttentionDim: 1, Output: 2}
		edit(&cfg)
		m, err := New(cfg, uint64(i))
		if err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(f.TempDir(), "seed")
		file := &File{Model: m, SrcTokenizer: []byte(`{}`), TgtTokenizer: []byte(`{}`), Metadata: map[string]string{"k": "v"}}
		save := file.Save
		if i == 1 {
			save = file.SaveInt8 // int8 weights with their scales
		}
		if err := save(path, safetensors.F16); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("not a model"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ReadFile(bytes.NewReader(data), int64(len(data)), "fuzz.safetensors")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.safetensors") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if err := file.Model.CheckWeights(); err != nil {
			t.Fatalf("loaded a model that fails its check: %v", err)
		}
		// Reading for int8 decoding only (the built-in models' path, which
		// packs stored int8 weights in place) accepts what LoadFile does.
		if _, _, err := ReadBytesInt8(data, "fuzz.safetensors"); err != nil {
			t.Fatalf("ReadBytesInt8 rejects a file LoadFile reads: %v", err)
		}
	})
}
