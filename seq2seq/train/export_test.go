package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

func TestExport(t *testing.T) {
	cfg := seq2seq.Config{SrcVocab: 13, TgtVocab: 11, Embed: 4, EncoderHidden: 3, EncoderLayers: 1,
		DecoderHidden: 6, Attention: seq2seq.AttentionAdditive, AttentionDim: 4, Output: 5}
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt.safetensors")
	extra := []safetensors.Tensor{{Name: "adam.m/x", Shape: []int{2}, Data: []float32{1, 2}}}
	f := &seq2seq.File{Model: m, SrcTokenizer: []byte("{}"), TgtTokenizer: []byte("{}"), Extra: extra,
		Metadata: map[string]string{"checkpoint_format": "x", "trainer_state": "{}"}}
	if err := f.Save(ckpt, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	src, tgt := [][]int{{4, 5, 6}}, [][]int{{7, 8}}
	want, err := m.EvalBatch(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
		out := filepath.Join(dir, "model-"+string(dtype)+".safetensors")
		if err := Export(ckpt, out, dtype); err != nil {
			t.Fatal(err)
		}
		g, err := seq2seq.LoadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Extra) != 0 || g.Metadata["checkpoint_format"] != "" || g.Metadata["trainer_state"] != "{}" {
			t.Errorf("%s: extra %v, metadata %v: want no optimizer state, no checkpoint keys, the trainer state kept", dtype, g.Extra, g.Metadata)
		}
		got, err := g.Model.EvalBatch(context.Background(), src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-9
		if dtype == safetensors.F16 {
			tol = 1e-2 // half precision weights
		}
		if d := got.NLL - want.NLL; d > tol || d < -tol {
			t.Errorf("%s: NLL %v after export, %v before", dtype, got.NLL, want.NLL)
		}
	}
	if err := Export(filepath.Join(dir, "missing"), filepath.Join(dir, "x"), safetensors.F16); err == nil {
		t.Error("export of a missing file: no error")
	}
}
