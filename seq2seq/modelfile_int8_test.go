package seq2seq

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// stepLogProbs runs three steps of d over tinySrc, feeding <s> and then
// token 4, and returns the log-probabilities of each.
func stepLogProbs(t *testing.T, d *Decoder) [][]float32 {
	t.Helper()
	st, err := d.Begin(context.Background(), tinySrc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Release()
	prev := []int{BOSID, BOSID, BOSID}
	var out [][]float32
	for range 3 {
		logp := make([]float32, len(prev)*d.VocabSize())
		if err := d.Step(st, prev, logp, make([]float32, len(prev)*st.SrcLen())); err != nil {
			t.Fatal(err)
		}
		out = append(out, logp)
		prev = []int{4, 4, 4}
	}
	return out
}

// TestReadInt8 checks, on every architecture and for float16 and float32
// files, that a model read for int8 decoding only, from a file or from
// bytes, decodes exactly as the int8 decoder of the fully loaded model,
// holds no float32 values for the weights it quantized, keeps the
// embeddings (in float16, with no float32 values, from a float16 file),
// and refuses what it cannot do: a float32 decoder, being saved.
func TestReadInt8(t *testing.T) {
	for _, v := range configVariants {
		for _, dtype := range []safetensors.DType{safetensors.F16, safetensors.F32} {
			t.Run(v.name+"/"+string(dtype), func(t *testing.T) { testReadInt8(t, v.edit, dtype) })
		}
	}
}

func testReadInt8(t *testing.T, edit func(*Config), dtype safetensors.DType) {
	cfg := tinyConfig()
	edit(&cfg)
	m, err := New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := (&File{Model: m, SrcTokenizer: []byte("{}"), TgtTokenizer: []byte("{}")}).Save(path, dtype); err != nil {
		t.Fatal(err)
	}
	reads := readInt8Ways(t, path)
	full := reads[0].f
	wantLogp := stepLogProbs(t, reads[0].d)
	for _, got := range reads[1:] {
		for k, lp := range stepLogProbs(t, got.d) {
			if !slices.Equal(lp, wantLogp[k]) {
				t.Fatalf("%s: step %d: log-probabilities differ from the int8 decoder of the loaded model", got.name, k+1)
			}
		}
		g := got.f.Model
		if !g.Int8Only() || full.Model.Int8Only() {
			t.Errorf("Int8Only = %v, %v for the int8 and full reads", g.Int8Only(), full.Model.Int8Only())
		}
		quantized := g.int8Weights()
		if len(quantized) == 0 {
			t.Fatal("no weight is quantized")
		}
		f16 := dtype == safetensors.F16
		for _, p := range g.params {
			emb := p == g.srcEmb || p == g.tgtEmb
			if has, want := p.Value != nil, !quantized[p.Name] && !(emb && f16); has != want {
				t.Errorf("weight %s: float32 values kept %v, want %v (quantized %v, float16 embedding %v)", p.Name, has, want, quantized[p.Name], emb && f16)
			}
		}
		if got := len(g.f16Emb) > 0; got != f16 {
			t.Errorf("embeddings kept in float16: %v, want %v", got, f16)
		}
		for _, p := range []*Param{g.srcEmb, g.tgtEmb} {
			full := full.Model.paramByName(p.Name)
			E := p.Shape[1]
			row := make([]float32, E)
			for id := range p.Shape[0] {
				g.embedRow(p, id, row)
				if !slices.Equal(row, full.Value[id*E:(id+1)*E]) {
					t.Fatalf("embedding %s row %d differs from the fully loaded one", p.Name, id)
				}
			}
		}
		if _, err := g.newDecoder(false); !errors.Is(err, errInt8Only) {
			t.Errorf("float32 decoder of an int8-only model: %v, want %v", err, errInt8Only)
		}
		if err := got.f.Save(filepath.Join(t.TempDir(), "again.safetensors"), safetensors.F32); !errors.Is(err, errInt8Only) {
			t.Errorf("saving an int8-only model: %v, want %v", err, errInt8Only)
		}
	}
}

// An int8Read is a model file read one way for int8 decoding.
type int8Read struct {
	name string
	f    *File
	d    *Decoder
}

// readInt8Ways reads the model file at path for int8 decoding three ways:
// in full (LoadFile, then NewInt8Decoder) first, then LoadFileInt8 and
// ReadBytesInt8 of its bytes.
func readInt8Ways(t *testing.T, path string) []int8Read {
	t.Helper()
	full, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fullDec, err := full.Model.NewInt8Decoder()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, dFile, err := LoadFileInt8(path)
	if err != nil {
		t.Fatal(err)
	}
	fromBytes, dBytes, err := ReadBytesInt8(data, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return []int8Read{{"read in full", full, fullDec}, {"LoadFileInt8", fromFile, dFile}, {"ReadBytesInt8", fromBytes, dBytes}}
}

// paramByName returns m's weight called name, or nil.
func (m *Model) paramByName(name string) *Param {
	for _, p := range m.params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// TestReadInt8RejectsDamage checks that a non-finite value in a weight
// read only quantized is rejected naming the weight, as loading it in
// float32 does.
func TestReadInt8RejectsDamage(t *testing.T) {
	for _, name := range []string{"proj.w", "decoder.wx", "encoder.0.fwd.wh", "attention.key", "src_embed", "tgt_embed"} {
		path := saveTiny(t, safetensors.F16, setWeight(name, float32(math.Inf(1)), false))
		_, _, err := LoadFileInt8(path)
		if err == nil || !strings.Contains(err.Error(), "weight "+name+" is damaged") {
			t.Errorf("Inf in %s: error %v, want it to name the weight as damaged", name, err)
		}
	}
}
