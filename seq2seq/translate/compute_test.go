package translate_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

func TestParseCompute(t *testing.T) {
	tests := []struct {
		in      string
		want    translate.Compute
		wantErr bool
	}{
		{"auto", translate.ComputeAuto, false},
		{"int8", translate.ComputeInt8, false},
		{"float32", translate.ComputeFloat32, false},
		{"fp32", "", true},
		{"", "", true},
		{"INT8", "", true},
	}
	for _, tt := range tests {
		got, err := translate.ParseCompute(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCompute(%q) = %q, %v; want %q, error %t", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestNewModelCompute checks that auto resolves to what the CPU runs
// fastest and that every compute translates the README's example sentence
// with the built-in model the same way, as testdata/builtin.golden holds
// it. After the built-in model changes, go test -run NewModelCompute
// -update rewrites the file: read its diff, it is what the README's first
// command prints.
func TestNewModelCompute(t *testing.T) {
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	auto := translate.ComputeFloat32
	if linalg.Int8Fast() {
		auto = translate.ComputeInt8
	}
	const src = "Ein Mann fährt mit dem Fahrrad die Straße entlang."
	var want string
	for _, c := range []translate.Compute{translate.ComputeAuto, translate.ComputeInt8, translate.ComputeFloat32} {
		m, err := translate.NewModel(f, c)
		if err != nil {
			t.Fatalf("NewModel(%s): %v", c, err)
		}
		if wantC := map[bool]translate.Compute{true: auto, false: c}[c == translate.ComputeAuto]; m.Compute != wantC {
			t.Errorf("NewModel(%s).Compute = %s, want %s", c, m.Compute, wantC)
		}
		tr, err := translate.New(m.Decoder, m.Src, m.Tgt, translate.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TranslateLines(t.Context(), []string{src, ""})
		if err != nil {
			t.Fatalf("compute %s: %v", c, err)
		}
		if c == translate.ComputeAuto {
			want = res[0].Translation()
			golden(t, filepath.Join("testdata", "builtin.golden"), []byte(src+"\n"+want+"\n"))
		}
		if got := res[0].Translation(); got != want || res[1].Translation() != "" {
			t.Errorf("compute %s: %q, %q; want %q (compute auto), \"\"", c, got, res[1].Translation(), want)
		}
	}
	if _, err := translate.NewModel(f, "fp16"); err == nil {
		t.Error("NewModel accepted compute fp16")
	}
}

// TestLoadBuiltinInt8 checks that loading the built-in model for int8
// (its tokenizers built while its weights are quantized, its embeddings
// kept in float16) translates exactly as the int8 decoder of the fully
// loaded model: the same n-best translations with the same scores, beam 5.
func TestLoadBuiltinInt8(t *testing.T) {
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	want, err := translate.NewModel(f, translate.ComputeInt8)
	if err != nil {
		t.Fatal(err)
	}
	got, err := translate.LoadModel(pretrained.Default, translate.ComputeInt8)
	if err != nil {
		t.Fatal(err)
	}
	if !got.File.Model.Int8Only() || got.Compute != translate.ComputeInt8 {
		t.Fatalf("LoadModel(int8): int8-only %v, compute %s", got.File.Model.Int8Only(), got.Compute)
	}
	src := []string{"Ein Mann fährt mit dem Fahrrad die Straße entlang.", "Zwei Hunde spielen im Schnee.", "", "Eine Frau in einem roten Kleid singt auf einer Bühne vor vielen Menschen."}
	opt := translate.DefaultOptions()
	opt.Search.Beam, opt.Search.NBest, opt.Format = 5, 3, translate.JSONL
	var results [2][]string
	for i, m := range []*translate.Model{want, got} {
		tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TranslateLines(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			results[i] = append(results[i], fmt.Sprintf("%+v", r.Hyps))
		}
	}
	if !slices.Equal(results[0], results[1]) {
		t.Errorf("LoadModel(int8):\n%v\nthe int8 decoder of the fully loaded model:\n%v", results[1], results[0])
	}
}
