package pretrained

import (
	"context"
	"strings"
	"testing"
)

func TestLoadEveryModel(t *testing.T) {
	for _, name := range Names() {
		f, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.SrcTokenizer) == 0 || len(f.TgtTokenizer) == 0 {
			t.Errorf("%s: tokenizers missing", name)
		}
		if len(f.Extra) != 0 {
			t.Errorf("%s: %d extra tensors: built-in models carry no optimizer state", name, len(f.Extra))
		}
		// The model must decode: a one-word source through one step.
		d := f.Model.NewDecoder()
		st, err := d.Begin(context.Background(), [][]int{{100}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		logp := make([]float32, d.VocabSize())
		attn := make([]float32, st.SrcLen())
		if err := d.Step(st, []int{2}, logp, attn); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if !Has(Default) {
		t.Errorf("the default model %q is not built in", Default)
	}
}

func TestLoadUnknown(t *testing.T) {
	_, err := Load("xx-yy")
	if err == nil || !strings.Contains(err.Error(), "de-en") {
		t.Fatalf("error %v, want one listing the built-in models", err)
	}
}

func BenchmarkLoadBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := Load(Default); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPairsAndDefaults(t *testing.T) {
	for _, name := range Names() {
		pair := Pair(name)
		if name != pair && !strings.HasPrefix(name, pair+"-") {
			t.Errorf("%s: pair %q is not a prefix of the name", name, pair)
		}
		if About(name) == "" {
			t.Errorf("%s: no description", name)
		}
	}
	defaults := Defaults()
	seen := map[string]bool{}
	for _, name := range defaults {
		if seen[Pair(name)] {
			t.Errorf("two defaults for %s in %v", Pair(name), defaults)
		}
		seen[Pair(name)] = true
	}
	for _, name := range Names() {
		if !seen[Pair(name)] {
			t.Errorf("%s: its pair %s has no default model (defaults %v)", name, Pair(name), defaults)
		}
	}
	if Pair(Default) != Default {
		t.Errorf("the default model %q is a specialist", Default)
	}
	if Pair("xx-yy") != "" || About("xx-yy") != "" {
		t.Error("an unknown name has a pair or a description")
	}
}
