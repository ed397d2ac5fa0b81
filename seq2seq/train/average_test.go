package train

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

var averageConfig = seq2seq.Config{SrcVocab: 13, TgtVocab: 11, Embed: 4, EncoderHidden: 3, EncoderLayers: 1,
	DecoderHidden: 6, Attention: seq2seq.AttentionAdditive, AttentionDim: 4, Output: 5}

// saveTinyModel saves a tiny model initialised from seed with cfg at path.
func saveTinyModel(t *testing.T, path string, cfg seq2seq.Config, seed uint64, tok string) *seq2seq.Model {
	t.Helper()
	m, err := seq2seq.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	f := &seq2seq.File{Model: m, SrcTokenizer: []byte(tok), TgtTokenizer: []byte(tok),
		Metadata: map[string]string{"checkpoint_format": "x", "trainer_state": "{}"},
		Extra:    []safetensors.Tensor{{Name: "adam.m/x", Shape: []int{1}, Data: []float32{1}}}}
	if err := f.Save(path, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAverage(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var models []*seq2seq.Model
	for seed := range uint64(3) {
		p := filepath.Join(dir, checkpointName(int(seed+1)*100))
		models = append(models, saveTinyModel(t, p, averageConfig, seed+1, "{}"))
		paths = append(paths, p)
	}
	f, err := Average(paths)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range f.Model.Params() {
		for j, got := range p.Value {
			var want float64
			for _, m := range models {
				want += float64(m.Params()[k].Value[j])
			}
			want /= 3
			if math.Abs(float64(got)-want) > 1e-7 {
				t.Fatalf("%s[%d] = %g, want the mean %g", p.Name, j, got, want)
			}
		}
	}
	if len(f.Extra) != 0 || f.Metadata["checkpoint_format"] != "" || f.Metadata["trainer_state"] != "{}" {
		t.Errorf("extra %v, metadata %v: want no optimizer state, no checkpoint keys, the trainer record kept", f.Extra, f.Metadata)
	}
	if got, want := f.Metadata["averaged_from"], "ckpt-00000100.safetensors,ckpt-00000200.safetensors,ckpt-00000300.safetensors"; got != want {
		t.Errorf("averaged_from = %q, want %q", got, want)
	}

	out := filepath.Join(dir, "avg.safetensors")
	if err := ExportAverage(paths, out, Format{DType: safetensors.F32}); err != nil {
		t.Fatal(err)
	}
	g, err := seq2seq.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range g.Model.Params() {
		if !slices.Equal(p.Value, f.Model.Params()[k].Value) {
			t.Fatalf("%s differs after saving the average", p.Name)
		}
	}

	last, err := LastCheckpoints(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{paths[2], paths[1]}; !slices.Equal(last, want) {
		t.Errorf("LastCheckpoints(2) = %v, want %v", last, want)
	}
	if _, err := LastCheckpoints(dir, 4); err == nil || !strings.Contains(err.Error(), "has 3 step checkpoints, want 4") {
		t.Errorf("LastCheckpoints(4) of 3: got %v", err)
	}
}

func TestAverageErrors(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.safetensors")
	saveTinyModel(t, a, averageConfig, 1, "{}")
	other := averageConfig
	other.DecoderHidden = 7
	b := filepath.Join(dir, "b.safetensors")
	saveTinyModel(t, b, other, 1, "{}")
	c := filepath.Join(dir, "c.safetensors")
	saveTinyModel(t, c, averageConfig, 2, `{"x": 1}`)
	bad := filepath.Join(dir, "bad.safetensors")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"none", nil, "no model file"},
		{"config", []string{a, b}, "model configurations differ"},
		{"tokenizers", []string{a, c}, "tokenizers differ"},
		{"corrupt", []string{a, bad}, "bad.safetensors"},
		{"missing", []string{a, filepath.Join(dir, "missing")}, "missing"},
	}
	for _, tt := range tests {
		if _, err := Average(tt.paths); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
