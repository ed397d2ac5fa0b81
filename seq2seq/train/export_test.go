package train

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
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
		if err := Export(ckpt, out, Format{DType: dtype}); err != nil {
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
	if err := Export(filepath.Join(dir, "missing"), filepath.Join(dir, "x"), Format{DType: safetensors.F16}); err == nil {
		t.Error("export of a missing file: no error")
	}
}

// TestExportInt8 checks that an int8 export of a float32 checkpoint
// decodes with int8 compute exactly as its plain export of the same dtype
// does, for one checkpoint and for an average.
func TestExportInt8(t *testing.T) {
	ctx := context.Background()
	cfg := seq2seq.Config{SrcVocab: 13, TgtVocab: 11, Embed: 4, EncoderHidden: 3, EncoderLayers: 1,
		DecoderHidden: 6, DecoderLayers: 2, Attention: seq2seq.AttentionAdditive, AttentionDim: 4, Output: 5, InputFeeding: true}
	dir := t.TempDir()
	var ckpts []string
	for seed := range uint64(2) {
		m, err := seq2seq.New(cfg, seed+1)
		if err != nil {
			t.Fatal(err)
		}
		ckpts = append(ckpts, filepath.Join(dir, fmt.Sprintf("ckpt-%d.safetensors", seed)))
		f := &seq2seq.File{Model: m, SrcTokenizer: []byte("{}"), TgtTokenizer: []byte("{}")}
		if err := f.Save(ckpts[seed], safetensors.F32); err != nil {
			t.Fatal(err)
		}
	}
	src, tgt := [][]int{{4, 5, 6}, {7}}, [][]int{{7, 8}, {9, 10, 4}}
	decode := func(path string) []seq2seq.Forced {
		f, err := seq2seq.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.Model.NewInt8Decoder()
		if err != nil {
			t.Fatal(err)
		}
		forced, err := d.Force(ctx, src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		return forced
	}
	for _, in := range [][]string{ckpts[:1], ckpts} {
		for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
			plain, int8 := filepath.Join(dir, "plain.safetensors"), filepath.Join(dir, "int8.safetensors")
			for _, out := range []struct {
				path string
				fm   Format
			}{{plain, Format{DType: dtype}}, {int8, Format{DType: dtype, Int8: true}}} {
				export := func() error { return ExportAverage(in, out.path, out.fm) }
				if len(in) == 1 {
					export = func() error { return Export(in[0], out.path, out.fm) }
				}
				if err := export(); err != nil {
					t.Fatal(err)
				}
			}
			want, got := decode(plain), decode(int8)
			for i := range want {
				if !slices.Equal(got[i].TokenLogProbs, want[i].TokenLogProbs) {
					t.Errorf("%d checkpoints, %s: int8 export decodes to %v, plain export with int8 compute to %v",
						len(in), dtype, got[i].TokenLogProbs, want[i].TokenLogProbs)
				}
			}
		}
	}
}
