package train

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
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
	if ck.Model.Config() != m.net.Config() || ck.Train.Model != m.net.Config() || ck.Train.Schedule != cfg.Schedule ||
		ck.State.Step != 15 || len(ck.State.RNG) == 0 {
		t.Errorf("checkpoint metadata: model %+v train %+v state %+v", ck.Model.Config(), ck.Train, ck.State)
	}
	fresh := newBigram(vocab, 42)
	opt := NewAdam(fresh.Params(), cfg.Optimizer)
	if err := ck.Apply(fresh.Params(), opt); err != nil {
		t.Fatal(err)
	}
	sameModel(t, m, fresh)
	if opt.Steps != 15 {
		t.Errorf("optimizer steps %d, want 15", opt.Steps)
	}
	for i := range opt.M {
		if !slices.Equal(opt.M[i], tr.opt.M[i]) || !slices.Equal(opt.V[i], tr.opt.V[i]) {
			t.Fatalf("optimizer moments of parameter %d not restored", i)
		}
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
	ck := &Checkpoint{Model: m.net, Train: DefaultConfig(), SrcTokenizer: []byte(`{"src":1}`), TgtTokenizer: []byte(`{"tgt":"ü"}`)}
	if err := SaveCheckpoint(path, ck); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.SrcTokenizer) != `{"src":1}` || string(got.TgtTokenizer) != `{"tgt":"ü"}` {
		t.Errorf("tokenizers %q %q", got.SrcTokenizer, got.TgtTokenizer)
	}
	if got.AdamM != nil || got.AdamV != nil {
		t.Errorf("without an optimizer: %d and %d moments", len(got.AdamM), len(got.AdamV))
	}
	// Applying with an optimizer needs the moments.
	if err := got.Apply(m.Params(), NewAdam(m.Params(), DefaultConfig().Optimizer)); err == nil || !strings.Contains(err.Error(), "no optimizer moments") {
		t.Errorf("Apply without moments: %v", err)
	}
	// A checkpoint is a model file.
	f, err := seq2seq.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.SrcTokenizer) != `{"src":1}` || f.Metadata["checkpoint_format"] != CheckpointFormat {
		t.Errorf("model file view: tokenizer %q, metadata %v", f.SrcTokenizer, f.Metadata)
	}
}

func TestLoadCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	m := newBigram(vocab, 1)
	good := filepath.Join(dir, "good.safetensors")
	opt := NewAdam(m.Params(), DefaultConfig().Optimizer)
	if err := SaveCheckpoint(good, &Checkpoint{Model: m.net, Train: DefaultConfig(), AdamM: opt.M, AdamV: opt.V}); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, change func(map[string]string), tensors func([]safetensors.Tensor) []safetensors.Tensor) string {
		meta := make(map[string]string)
		for k, v := range f.Metadata {
			meta[k] = v
		}
		change(meta)
		ts := slices.Clone(f.Tensors)
		if tensors != nil {
			ts = tensors(ts)
		}
		// A well-formed file with the change: its checksum matches.
		sum, err := safetensors.Checksum(ts, safetensors.F32)
		if err != nil {
			t.Fatal(err)
		}
		meta["weights_crc32"] = fmt.Sprintf("%08x", sum)
		p := filepath.Join(dir, name)
		if err := safetensors.WriteFile(p, ts, meta, safetensors.F32); err != nil {
			t.Fatal(err)
		}
		return p
	}
	same := func(map[string]string) {}
	drop := func(name string) func([]safetensors.Tensor) []safetensors.Tensor {
		return func(ts []safetensors.Tensor) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(t safetensors.Tensor) bool { return t.Name == name })
		}
	}
	setFirst := func(name string, v float32) func([]safetensors.Tensor) []safetensors.Tensor {
		return func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i, t := range ts {
				if t.Name == name {
					ts[i].Data = slices.Clone(t.Data)
					ts[i].Data[0] = v
				}
			}
			return ts
		}
	}
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("not a checkpoint at all"), 0o644)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"version", write("v2", func(m map[string]string) { m["checkpoint_version"] = "2" }, nil), `checkpoint version "2" is not supported`},
		{"model version", write("mv2", func(m map[string]string) { m["format_version"] = "2" }, nil), `format version "2"`},
		{"format", write("other", func(m map[string]string) { m["format"] = "pt" }, nil), `metadata format is "pt"`},
		{"model only", write("model", func(m map[string]string) { delete(m, "checkpoint_format") }, nil), "cannot be resumed"},
		{"no state", write("nostate", func(m map[string]string) { delete(m, "trainer_state") }, nil), "no trainer_state"},
		{"negative step", write("negstep", func(m map[string]string) { m["trainer_state"] = `{"step":-3}` }, nil), "step is -3, cannot be negative"},
		{"negative lr", write("neglr", func(m map[string]string) { m["trainer_state"] = `{"lr":-1}` }, nil), "lr is -1, cannot be negative"},
		{"bad state", write("badstate", func(m map[string]string) { m["trainer_state"] = `{"lr":"x"}` }, nil), "trainer_state"},
		{"bad json", write("badjson", func(m map[string]string) { m["config"] = "{" }, nil), "config"},
		// The model loader checks the configuration against the weights
		// before allocating: a resumed run cannot be made to panic.
		{"huge config", write("huge", func(m map[string]string) {
			m["config"] = `{"src_vocab":3000000000,"tgt_vocab":12,"embed":3000000000,"encoder_hidden":1,"encoder_layers":1,"decoder_hidden":1,"attention":"general","output":1,"share_embeddings":true}`
		}, nil), "src_vocab must be in"},
		{"missing weight", write("noweight", same, drop("proj.b")), "weight proj.b missing"},
		{"missing moment", write("nomoment", same, drop("adam.v/proj.b")), "optimizer moment adam.v/proj.b missing"},
		{"stray moment", write("stray", same, func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "adam.m/nothing", Shape: []int{1}, Data: []float32{0}})
		}), "adam.m/nothing has no parameter"},
		{"unknown tensor", write("unknown", same, func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "ema/w", Shape: []int{1}, Data: []float32{0}})
		}), "unexpected tensor ema/w"},
		{"NaN moment", write("nanmoment", same, setFirst("adam.m/proj.b", float32(math.NaN()))), "optimizer moment adam.m/proj.b is damaged: value 0"},
		{"negative second moment", write("negmoment", same, setFirst("adam.v/output.w", -1)), "a mean of squares cannot be negative"},
		{"Inf weight", write("infweight", same, setFirst("decoder.wh", float32(math.Inf(1)))), "weight decoder.wh is damaged"},
		{"corrupt", garbage, "safetensors:"},
		{"missing", filepath.Join(dir, "missing"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCheckpoint(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error = %v, want it to name the file and contain %q", err, tc.want)
			}
		})
	}

	ck, err := LoadCheckpoint(good)
	if err != nil {
		t.Fatal(err)
	}
	other := newBigram(vocab+1, 1)
	if err := ck.Apply(other.Params(), nil); err == nil || !strings.Contains(err.Error(), "model has src_embed [13 13]") {
		t.Errorf("Apply to another shape: %v", err)
	}
	if err := ck.Apply(other.Params()[:1], nil); err == nil || !strings.Contains(err.Error(), "parameters, model has 1") {
		t.Errorf("Apply to fewer parameters: %v", err)
	}
}

// TestInfiniteValidationLoss checks that a diverged model (an infinite or
// NaN validation loss) still gets checkpoints, with finite values.
func TestInfiniteValidationLoss(t *testing.T) {
	for _, nll := range []float64{math.Inf(1), math.NaN(), math.Inf(-1)} {
		cfg := testConfig(t.TempDir())
		cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery = 10, 5
		m := newBigram(vocab, 1)
		m.script = &evalScript{nll: []float64{nll}}
		res, err := newTrainer(t, cfg, m, Hooks{}).Run(context.Background())
		if err != nil {
			t.Fatalf("NLL %g: %v", nll, err)
		}
		ck, err := LoadCheckpoint(res.Checkpoint)
		if err != nil {
			t.Fatalf("NLL %g: %v", nll, err)
		}
		v := ck.State.Last
		if v == nil || v.NLL != math.MaxFloat64 || v.Perplexity != math.MaxFloat64 || v.Score != -math.MaxFloat64 {
			t.Errorf("NLL %g: last validation %+v, want the largest finite NLL and perplexity", nll, v)
		}
	}
}
