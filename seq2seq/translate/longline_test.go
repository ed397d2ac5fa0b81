package translate_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// TestLongLinesRefusedFast gives the built-in model lines of a megabyte
// (the longest line read): one word, and garbage of short symbols. Each
// is refused as too many tokens without being encoded, in milliseconds
// (encoding a 50,000-letter word took 21.5 s), and the lines around them
// are translated.
func TestLongLinesRefusedFast(t *testing.T) {
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	m, err := translate.NewModel(f, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	opt := translate.DefaultOptions()
	opt.Search.Beam = 1
	tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const size = 1<<20 - 1 // the default MaxLineBytes is 1 MiB
	word, garbage := make([]byte, size), make([]byte, size)
	for i := range word {
		word[i] = byte('a' + rng.IntN(26))
		garbage[i] = " !?.,;:ab1"[rng.IntN(10)]
	}
	for _, tc := range []struct{ name, line string }{
		{"one 1 MiB word", string(word)},
		{"1 MiB of garbage", string(garbage)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := tr.TranslateLines(t.Context(), []string{tc.line})
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(res[0].Err, translate.ErrTooManyTokens) {
				t.Errorf("error %v, want ErrTooManyTokens", res[0].Err)
			}
			t.Logf("refused in %v", took)
			if took > 500*time.Millisecond { // about 10 ms on a loaded 2-core machine
				t.Errorf("refusing a 1 MiB line took %v, want a few milliseconds", took)
			}
		})
	}
	res, err := tr.TranslateLines(t.Context(), []string{"Ein Hund.", string(word), "Eine Katze."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Err != nil || res[1].Err == nil || res[2].Err != nil || !strings.Contains(res[2].Translation(), "cat") {
		t.Errorf("results %+v, want lines 1 and 3 translated and line 2 refused", res)
	}
}
