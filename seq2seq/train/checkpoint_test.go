package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// TestCheckpointRoundTrip saves a trained model and loads it into a fresh
// one: parameters, optimizer state and validation outputs are identical.
func TestCheckpointRoundTrip(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps = 15
	m := newBigram(vocab, 1)
	tr := newTrainer(t, cfg, m, Hooks{})
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(res.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Model != cfg.Model || ck.Train.Schedule != cfg.Schedule || ck.State.Step != 15 || len(ck.State.RNG) == 0 {
		t.Errorf("checkpoint metadata: model %+v schedule %+v state %+v", ck.Model, ck.Train.Schedule, ck.State)
	}
	fresh := newBigram(vocab, 42)
	opt := NewAdam(fresh.Params(), cfg.Optimizer)
	if err := ck.Apply(fresh.Params(), opt); err != nil {
		t.Fatal(err)
	}
	sameModel(t, m, fresh)
	if opt.Steps != 15 || opt.M[0][5] != tr.opt.M[0][5] || opt.V[1][3] != tr.opt.V[1][3] {
		t.Errorf("optimizer state not restored: steps %d", opt.Steps)
	}
	d := testData()
	src, tgt := rows(d.Valid, []int{0, 1, 2, 3})
	a, _ := m.EvalBatch(context.Background(), src, tgt)
	b, _ := fresh.EvalBatch(context.Background(), src, tgt)
	if a != b {
		t.Errorf("outputs differ after load: %+v and %+v", a, b)
	}
}

func TestCheckpointTokenizers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.safetensors")
	m := newBigram(vocab, 1)
	ck := &Checkpoint{Model: seq2seq.DefaultConfig(), Train: DefaultConfig(), SrcTokenizer: []byte(`{"src":1}`), TgtTokenizer: []byte(`{"tgt":"ü"}`)}
	if err := SaveCheckpoint(path, ck, m.Params(), nil); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.SrcTokenizer) != `{"src":1}` || string(got.TgtTokenizer) != `{"tgt":"ü"}` {
		t.Errorf("tokenizers %q %q", got.SrcTokenizer, got.TgtTokenizer)
	}
	if len(got.AdamM) != 0 || len(got.Params) != 2 {
		t.Errorf("without an optimizer: %d moments, %d params", len(got.AdamM), len(got.Params))
	}
	// Applying with an optimizer needs the moments.
	if err := got.Apply(m.Params(), NewAdam(m.Params(), DefaultConfig().Optimizer)); err == nil || !strings.Contains(err.Error(), "adam.m/w") {
		t.Errorf("Apply without moments: %v", err)
	}
}

func TestLoadCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	m := newBigram(vocab, 1)
	good := filepath.Join(dir, "good.safetensors")
	if err := SaveCheckpoint(good, &Checkpoint{Model: seq2seq.DefaultConfig(), Train: DefaultConfig()}, m.Params(), nil); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, change func(map[string]string)) string {
		meta := make(map[string]string)
		for k, v := range f.Metadata {
			meta[k] = v
		}
		change(meta)
		p := filepath.Join(dir, name)
		if err := safetensors.WriteFile(p, f.Tensors, meta, safetensors.F32); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("not a checkpoint at all"), 0o644)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"version", write("v2", func(m map[string]string) { m["checkpoint_version"] = "2" }), `checkpoint version "2" is not supported`},
		{"model version", write("mv2", func(m map[string]string) { m["format_version"] = "2" }), `model format version "2" is not supported`},
		{"format", write("other", func(m map[string]string) { m["format"] = "pt" }), `metadata format is "pt"`},
		{"model only", write("model", func(m map[string]string) { delete(m, "checkpoint_format") }), "cannot be resumed"},
		{"no state", write("nostate", func(m map[string]string) { delete(m, "trainer_state") }), "no trainer_state"},
		{"bad json", write("badjson", func(m map[string]string) { m["config"] = "{" }), "config"},
		{"corrupt", garbage, "safetensors:"},
		{"missing", filepath.Join(dir, "missing"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCheckpoint(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}

	ck, err := LoadCheckpoint(good)
	if err != nil {
		t.Fatal(err)
	}
	other := newBigram(vocab+1, 1)
	if err := ck.Apply(other.Params(), nil); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("Apply to another shape: %v", err)
	}
	if err := ck.Apply(other.Params()[:1], nil); err == nil || !strings.Contains(err.Error(), "2 parameters") {
		t.Errorf("Apply to fewer parameters: %v", err)
	}
}
