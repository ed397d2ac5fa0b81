package serve_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/serve"
)

func TestParseModelSpec(t *testing.T) {
	tests := []struct {
		spec    string
		pair    string
		members []string
		err     string
	}{
		{spec: "de-en", members: []string{"de-en"}},
		{spec: "runs/a.safetensors", members: []string{"runs/a.safetensors"}},
		{spec: "de-en=runs/a.safetensors", pair: "de-en", members: []string{"runs/a.safetensors"}},
		{spec: "DE-EN=a", pair: "de-en", members: []string{"a"}},
		{spec: "a.safetensors+b.safetensors", members: []string{"a.safetensors", "b.safetensors"}},
		{spec: "en-fr=a+b+c", pair: "en-fr", members: []string{"a", "b", "c"}},
		{spec: "de-en+b.safetensors", members: []string{"de-en", "b.safetensors"}},
		{spec: "a++b", err: "empty model name"},
		{spec: "de-en=", err: "empty model name"},
		{spec: "a+", err: "empty model name"},
		{spec: "deen=a", err: "want two different codes"},
		{spec: "de-de=a", err: "want two different codes"},
		// Existing files are taken whole.
		{spec: "x=y+z.safetensors", members: []string{"x=y+z.safetensors"}},
		{spec: "de-en=y+z.safetensors", pair: "de-en", members: []string{"y+z.safetensors"}},
	}
	isFile := func(p string) bool { return p == "x=y+z.safetensors" || p == "y+z.safetensors" }
	for _, tt := range tests {
		ms, err := serve.ParseModelSpec(tt.spec, isFile)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseModelSpec(%q): error %v, want one saying %q", tt.spec, err, tt.err)
			}
		case err != nil:
			t.Errorf("ParseModelSpec(%q): %v", tt.spec, err)
		case ms.Pair != tt.pair || !slices.Equal(ms.Members, tt.members):
			t.Errorf("ParseModelSpec(%q) = %q %q, want %q %q", tt.spec, ms.Pair, ms.Members, tt.pair, tt.members)
		}
	}
}

func ExampleParseModelSpec() {
	ms, err := serve.ParseModelSpec("de-en=runs/a.safetensors+runs/b.safetensors", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(ms.Pair, ms.Members, ms.Name())
	// Output: de-en [runs/a.safetensors runs/b.safetensors] runs/a.safetensors+runs/b.safetensors
}

// FuzzParseModelSpec checks that a spec parses without panicking and that
// what it parses to is written back as the same spec.
func FuzzParseModelSpec(f *testing.F) {
	for _, s := range []string{"de-en", "de-en=a+b", "a+b", "=", "+", "de-en=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ms, err := serve.ParseModelSpec(spec, nil)
		if err != nil {
			return
		}
		back := ms.Name()
		if ms.Pair != "" {
			back = ms.Pair + "=" + back
		}
		again, err := serve.ParseModelSpec(back, nil)
		if err != nil || again.Pair != ms.Pair || !slices.Equal(again.Members, ms.Members) {
			t.Errorf("%q parsed to %q %q, written back as %q, parsed again to %q %q (%v)", spec, ms.Pair, ms.Members, back, again.Pair, again.Members, err)
		}
	})
}
