package seq2seq

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// TestReadStoredInt8 checks, on every architecture, that an int8 file
// (SaveInt8) read for int8 decoding only, from a file or from bytes,
// decodes exactly (every log-probability and attention weight) as the
// int8 decoder of the same file read in full and as the float16 file of
// the same model read for int8 decoding, and that the model is int8-only
// with the stored int8 weights held only packed in the decoder and the
// embeddings kept in float16.
func TestReadStoredInt8(t *testing.T) {
	ctx := context.Background()
	for _, v := range append(slices.Clone(configVariants), kindVariants...) {
		t.Run(v.name, func(t *testing.T) {
			cfg := tinyConfig()
			v.edit(&cfg)
			m := sharpModel(t, cfg, 9)
			dir := t.TempDir()
			f16, i8 := filepath.Join(dir, "f16.nmt"), filepath.Join(dir, "int8.nmt")
			f := &File{Model: m, SrcTokenizer: []byte(`{}`), TgtTokenizer: []byte(`{}`)}
			if err := f.Save(f16, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			if err := f.SaveInt8(i8, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			_, want, err := LoadFileInt8(f16)
			if err != nil {
				t.Fatal(err)
			}
			reads := readInt8Ways(t, i8)
			wantForced, err := want.Force(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			wantSteps := stepLogProbs(t, want)
			for _, got := range reads {
				forced, err := got.d.Force(ctx, tinySrc, tinyTgt)
				if err != nil {
					t.Fatal(err)
				}
				for i := range wantForced {
					if !slices.Equal(forced[i].TokenLogProbs, wantForced[i].TokenLogProbs) || !slices.EqualFunc(forced[i].Attn, wantForced[i].Attn, slices.Equal) {
						t.Fatalf("%s: pair %d decodes to %v, the float16 file with int8 compute to %v", got.name, i, forced[i].TokenLogProbs, wantForced[i].TokenLogProbs)
					}
				}
				for k, lp := range stepLogProbs(t, got.d) {
					if !slices.Equal(lp, wantSteps[k]) {
						t.Fatalf("%s: step %d log-probabilities differ from the float16 file's int8 decoder", got.name, k+1)
					}
				}
				if got.f == reads[0].f {
					continue
				}
				g := got.f.Model
				if !g.Int8Only() || len(g.f16Emb) == 0 || len(g.int8) != 0 {
					t.Errorf("%s: Int8Only %v, %d float16 embeddings, %d stored int8 weights kept; want int8-only, float16 embeddings, none kept",
						got.name, g.Int8Only(), len(g.f16Emb), len(g.int8))
				}
				quantized := g.int8Weights()
				for _, p := range g.params {
					emb := p == g.srcEmb || p == g.tgtEmb
					if has, want := p.Value != nil, !quantized[p.Name] && !emb; has != want {
						t.Errorf("%s: weight %s: float32 values kept %v, want %v", got.name, p.Name, has, want)
					}
				}
			}
		})
	}
}

// TestReadStoredInt8Allocates checks that ReadBytesInt8 of an int8 file
// allocates the packed int8 matrices and little more: no float32 copy of
// the int8 weights (four times their count in bytes) and no copy of their
// stored bytes (their count).
func TestReadStoredInt8Allocates(t *testing.T) {
	cfg := Config{SrcVocab: 4000, TgtVocab: 6000, Embed: 64, EncoderHidden: 64, EncoderLayers: 1, DecoderHidden: 128,
		Attention: AttentionAdditive, AttentionDim: 64, Output: 128, InputFeeding: true}
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "int8.nmt")
	if err := (&File{Model: m, SrcTokenizer: []byte(`{}`), TgtTokenizer: []byte(`{}`)}).SaveInt8(path, safetensors.F16); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0 // int8 values
	for name := range m.int8Blocks() {
		stored += len(m.paramByName(name).Value)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, d, err := ReadBytesInt8(data, "int8")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	packed := 0
	for _, p := range d.products() {
		if p.q != nil {
			packed += p.q.Bytes()
		}
	}
	got := int(after.TotalAlloc - before.TotalAlloc)
	t.Logf("%d int8 values stored, %d bytes packed, %d bytes allocated", stored, packed, got)
	if budget := packed + stored/2; got > budget {
		t.Errorf("ReadBytesInt8 of an int8 file allocated %d bytes, over %d (the packed matrices, %d bytes, and half the %d stored int8 values)",
			got, budget, packed, stored)
	}
}
