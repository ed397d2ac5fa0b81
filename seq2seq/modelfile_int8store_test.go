package seq2seq

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// TestSaveInt8 checks, on every architecture variant, that a model saved
// with int8 weights decodes with int8 compute exactly (every
// log-probability and attention weight) as the float file saved from the
// same model does, decodes with float32 compute close to it, and is
// written again byte for byte when re-saved in int8, and LoadFileInt8
// decodes it as LoadFile does.
func TestSaveInt8(t *testing.T) {
	ctx := context.Background()
	for _, v := range append(slices.Clone(configVariants), kindVariants...) {
		t.Run(v.name, func(t *testing.T) {
			cfg := tinyConfig()
			v.edit(&cfg)
			m := sharpModel(t, cfg, 8)
			dir := t.TempDir()
			float, int8 := filepath.Join(dir, "f16.nmt"), filepath.Join(dir, "int8.nmt")
			f := &File{Model: m, SrcTokenizer: []byte(`{}`), TgtTokenizer: []byte(`{}`), Metadata: map[string]string{"note": "x"}}
			if err := f.Save(float, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			if err := f.SaveInt8(int8, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			ff, err := LoadFile(float)
			if err != nil {
				t.Fatal(err)
			}
			qf, err := LoadFile(int8)
			if err != nil {
				t.Fatal(err)
			}
			if len(qf.Model.int8) == 0 || len(qf.Extra) != 0 || qf.Metadata["note"] != "x" || qf.Metadata[metaInt8] != "" {
				t.Fatalf("int8 file: %d int8 weights, %d extra tensors, metadata %v", len(qf.Model.int8), len(qf.Extra), qf.Metadata)
			}
			if err := qf.Model.CheckWeights(); err != nil {
				t.Fatal(err)
			}
			fd, err := ff.Model.NewInt8Decoder()
			if err != nil {
				t.Fatal(err)
			}
			qd, err := qf.Model.NewInt8Decoder()
			if err != nil {
				t.Fatal(err)
			}
			want, err := fd.Force(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := qd.Force(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !slices.Equal(got[i].TokenLogProbs, want[i].TokenLogProbs) || !slices.EqualFunc(got[i].Attn, want[i].Attn, slices.Equal) {
					t.Fatalf("pair %d: int8 file decodes to %v, the float file with int8 compute to %v", i, got[i].TokenLogProbs, want[i].TokenLogProbs)
				}
			}
			// LoadFileInt8 reads an int8 file for int8 decoding only and
			// decodes with its stored int8 weights.
			lf, ld, err := LoadFileInt8(int8)
			if err != nil {
				t.Fatal(err)
			}
			if !lf.Model.Int8Only() {
				t.Error("LoadFileInt8 of an int8 file: the model is not int8-only")
			}
			if nll, want := forcedSum(t, ld), forcedSum(t, fd); nll != want {
				t.Errorf("LoadFileInt8 of the int8 file: NLL %v, the float file with int8 compute %v", nll, want)
			}
			// The int8 decoder takes the stored matrices as they are:
			// with the dequantized values perturbed it decodes the same.
			scaleInt8Params(qf.Model, func(v float32) float32 { return v * 1.001 })
			again, err := qf.Model.NewInt8Decoder()
			if err != nil {
				t.Fatal(err)
			}
			if nll, want := forcedSum(t, again), forcedSum(t, qd); nll != want {
				t.Errorf("int8 decoder of perturbed values: NLL %v, want %v", nll, want)
			}
			scaleInt8Params(qf.Model, func(v float32) float32 { return v / 1.001 })
			nll, wantNLL := forcedSum(t, qf.Model.NewDecoder()), forcedSum(t, ff.Model.NewDecoder())
			if math.Abs(nll-wantNLL) > 0.03*wantNLL {
				t.Errorf("float32 compute on the int8 file: NLL %v, on the float file %v", nll, wantNLL)
			}
			resaved := filepath.Join(dir, "again.nmt")
			if err := qf.SaveInt8(resaved, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(int8)
			b, _ := os.ReadFile(resaved)
			if !bytes.Equal(a, b) {
				t.Error("an int8 file re-saved in int8 differs from the original")
			}
			if qf.Model.Params(); qf.Model.int8 != nil {
				t.Error("the stored int8 weights outlived Params, which hands the weights out to be changed")
			}
		})
	}
}

// forcedSum is the negative log-likelihood of the tiny references under d.
func forcedSum(t *testing.T, d *Decoder) float64 {
	t.Helper()
	forced, err := d.Force(context.Background(), tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	var nll float64
	for _, f := range forced {
		nll -= f.LogProb
	}
	return nll
}

// TestLoadInt8Rejects checks that damaged int8 files are refused with an
// error naming the weight, by every loader: read in full, and read for
// int8 decoding only from a file and from bytes.
func TestLoadInt8Rejects(t *testing.T) {
	cfg := tinyConfig()
	cfg.InputFeeding = true
	m := sharpModel(t, cfg, 8)
	blocks := m.int8Blocks()
	if !slices.Equal(blocks["decoder.wx"], []int{0, cfg.Embed}) || blocks["tgt_embed"] != nil || blocks["proj.w"] == nil {
		t.Fatalf("int8 blocks %v: want decoder.wx in two blocks, proj.w, no embeddings", blocks)
	}
	for _, tc := range []struct {
		name string
		edit func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor
		want string
	}{
		{"no scales in the metadata", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			delete(meta, metaInt8)
			return ts
		}, "is stored as I8 but metadata weights_int8 gives it no scales"},
		{"scales missing", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return x.Name == "proj.w"+int8ScaleSuffix })
		}, "weight proj.w: scales proj.w.int8_scale missing"},
		{"negative scale", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			for _, x := range ts {
				if x.Name == "output.w"+int8ScaleSuffix {
					x.Data[1] = -1
				}
			}
			return ts
		}, "weight output.w.int8_scale is damaged: value 1"},
		{"NaN scale", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			for _, x := range ts {
				if x.Name == "proj.w"+int8ScaleSuffix {
					x.Data[2] = float32(math.NaN())
				}
			}
			return ts
		}, "weight proj.w.int8_scale is damaged: value 2"},
		{"infinite scale", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			for _, x := range ts {
				if x.Name == "decoder.wx"+int8ScaleSuffix {
					x.Data[0] = float32(math.Inf(1))
				}
			}
			return ts
		}, "weight decoder.wx.int8_scale is damaged: value 0"},
		{"scales of the wrong shape", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			for i, x := range ts {
				if x.Name == "decoder.wx"+int8ScaleSuffix {
					ts[i].Shape, ts[i].Data = []int{x.Shape[0], 1}, x.Data[:x.Shape[0]]
				}
			}
			return ts
		}, "weight decoder.wx: scales decoder.wx.int8_scale missing or not of shape"},
		{"float weight listed", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			meta[metaInt8] = strings.Replace(meta[metaInt8], "{", `{"bridge.b":[0],`, 1)
			return ts
		}, "lists weight bridge.b, which is stored as F16, not I8"},
		{"bad blocks", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			meta[metaInt8] = strings.Replace(meta[metaInt8], `"proj.w":[0]`, `"proj.w":[0,99]`, 1)
			return ts
		}, "weight proj.w: int8 blocks [0 99] are not ascending columns below"},
		{"-128", func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			for _, x := range ts {
				if x.Name == "proj.w" {
					x.Data[3] = -128
				}
			}
			return ts
		}, "weight proj.w is damaged: value 3 is -128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.nmt")
			f := &File{Model: m, SrcTokenizer: []byte(`{}`), TgtTokenizer: []byte(`{}`)}
			if err := f.SaveInt8(path, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			sf, err := safetensors.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ts := sf.Tensors
			for i := range ts {
				ts[i].As = ts[i].DType
			}
			meta := sf.Metadata
			delete(meta, metaChecksum)
			ts = tc.edit(ts, meta)
			if err := safetensors.WriteFile(path, ts, meta, safetensors.F16); err != nil {
				t.Fatal(err)
			}
			_, err = LoadFile(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadFile: %v, want an error naming %s and saying %q", err, path, tc.want)
			}
			_, _, err = LoadFileInt8(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadFileInt8: %v, want an error naming %s and saying %q", err, path, tc.want)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = ReadBytesInt8(data, "damaged")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "damaged") {
				t.Fatalf("ReadBytesInt8: %v, want an error naming the file and saying %q", err, tc.want)
			}
		})
	}
}

// scaleInt8Params applies f to every value of m's parameters that the
// int8 decoder takes as stored int8 matrices.
func scaleInt8Params(m *Model, f func(float32) float32) {
	for _, p := range m.params {
		if _, ok := m.int8[p.Name]; ok {
			for i := range p.Value {
				p.Value[i] = f(p.Value[i])
			}
		}
	}
}
