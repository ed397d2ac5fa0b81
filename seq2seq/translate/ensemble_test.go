package translate_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// builtinCopy loads the built-in default model, its weights multiplied by
// 1 + noise*N(0, 1) when noise is not 0.
func builtinCopy(t *testing.T, noise float64, seed uint64) *translate.Model {
	t.Helper()
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, p := range f.Model.Params() {
		for i := range p.Value {
			p.Value[i] *= float32(1 + noise*rng.NormFloat64())
		}
	}
	m, err := translate.NewModel(f, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var ensembleSources = []string{
	"Ein Mann fährt mit dem Fahrrad die Straße entlang.",
	"Zwei Hunde spielen im Schnee.",
	"",
	"Eine Frau in einem roten Kleid singt auf einer Bühne.",
}

func translateAll(t *testing.T, m *translate.Model, beam int) []string {
	t.Helper()
	opt := translate.DefaultOptions()
	opt.Search.Beam = beam
	tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.TranslateLines(t.Context(), ensembleSources)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res))
	for i := range res {
		out[i] = res[i].Translation()
	}
	return out
}

func TestEnsembleOfCopiesTranslatesAsOne(t *testing.T) {
	one := builtinCopy(t, 0, 1)
	ens, err := translate.NewEnsemble([]*translate.Model{builtinCopy(t, 0, 1), builtinCopy(t, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ens.Members) != 2 {
		t.Fatalf("ensemble has %d members, want 2", len(ens.Members))
	}
	for _, beam := range []int{1, 5} {
		if got, want := translateAll(t, ens, beam), translateAll(t, one, beam); !slices.Equal(got, want) {
			t.Errorf("beam %d: ensemble of two copies gives %q, the model alone %q", beam, got, want)
		}
	}
}

func TestEnsembleForcedAttentionIsTheMean(t *testing.T) {
	a, b := builtinCopy(t, 0, 1), builtinCopy(t, 0.05, 2)
	ens, err := translate.NewEnsemble([]*translate.Model{a, b})
	if err != nil {
		t.Fatal(err)
	}
	srcs := []string{"Zwei Hunde spielen im Schnee.", "Ein Kind lacht."}
	refs := []string{"Two dogs play in the snow.", "A child laughs."}
	align := func(m *translate.Model) [][][]float32 {
		ms, err := (&translate.Aligner{Model: m}).Align(t.Context(), srcs, refs)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][][]float32, len(ms))
		for i := range ms {
			out[i] = ms[i].Weights
		}
		return out
	}
	wa, wb, we := align(a), align(b), align(ens)
	differ := false
	for i := range we {
		for r := range we[i] {
			for c, got := range we[i][r] {
				want := (wa[i][r][c] + wb[i][r][c]) / 2
				differ = differ || math.Abs(float64(wa[i][r][c]-wb[i][r][c])) > 1e-3
				if math.Abs(float64(got-want)) > 1e-6 {
					t.Fatalf("sentence %d row %d col %d: ensemble weight %g, want the mean %g", i, r, c, got, want)
				}
			}
		}
	}
	if !differ {
		t.Error("the two members attend alike: the test decides nothing")
	}
}

func TestEnsembleRejectsOtherTokenizers(t *testing.T) {
	a := builtinCopy(t, 0, 1)
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	f.TgtTokenizer = append(slices.Clone(f.TgtTokenizer), '\n') // still valid JSON, another document
	b, err := translate.NewModel(f, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	_, err = translate.NewEnsemble([]*translate.Model{a, b})
	if err == nil || !strings.Contains(err.Error(), "member 2") || !strings.Contains(err.Error(), "target tokenizer") {
		t.Errorf("got %v, want an error naming member 2's target tokenizer", err)
	}
	// The same weights and tokenizers, recorded as trained en->de.
	f, err = pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata["train_config"] = recordLanguages(t, f.Metadata["train_config"], "en", "de")
	c, err := translate.NewModel(f, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	_, err = translate.NewEnsemble([]*translate.Model{a, c})
	if err == nil || !strings.Contains(err.Error(), "member 2 translates en->de, member 1 de->en") {
		t.Errorf("ensemble of de-en and a copy recorded as en-de: got %v, want an error naming the languages", err)
	}
	// The built-in models of the two directions differ in languages, and
	// in tokenizers unless they share one: either way member 2 is named.
	_, err = translate.LoadEnsemble([]string{"de-en", "en-de"}, translate.ComputeFloat32)
	if err == nil || !strings.Contains(err.Error(), "member 2") {
		t.Errorf("ensemble of de-en and en-de: got %v, want an error naming member 2", err)
	}
	if _, err := translate.LoadEnsemble(nil, translate.ComputeFloat32); err == nil {
		t.Error("LoadEnsemble of no model succeeded")
	}
	m, err := translate.LoadEnsemble([]string{pretrained.Default}, translate.ComputeFloat32)
	if err != nil || m.Members != nil {
		t.Errorf("LoadEnsemble of one model: %v, members %d; want the model alone", err, len(m.Members))
	}
}

// recordLanguages returns the training record config (JSON) with its
// data.src_lang and data.tgt_lang set to src and tgt.
func recordLanguages(t *testing.T, config, src, tgt string) string {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal([]byte(config), &rec); err != nil {
		t.Fatalf("the built-in model's train_config: %v", err)
	}
	data, ok := rec["data"].(map[string]any)
	if !ok {
		t.Fatalf("the built-in model's train_config has no data: %s", config)
	}
	data["src_lang"], data["tgt_lang"] = src, tgt
	out, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
