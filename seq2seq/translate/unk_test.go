package translate

import (
	"context"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
	"github.com/attnmt/nmt/tokenize"
)

// byteLevel is a translatetest tokenizer that says, as a byte-level
// tokenizer does, that it never produces <unk>.
type byteLevel struct{ *translatetest.Tokenizer }

func (byteLevel) NeverUnk() bool { return true }

// withUnk hides NeverUnk: the translator must assume <unk> can appear.
type withUnk struct{ Tokenizer }

func TestNeverUnkSkipsReplacement(t *testing.T) {
	words := translatetest.New([]string{"ein", "Mann", "läuft"}, false)
	for _, tc := range []struct {
		name          string
		tgt           Tokenizer
		attention     bool
		wantAttention bool
	}{
		{"tokenizer that produces <unk>", words, false, true},
		{"tokenizer that never does", byteLevel{words}, false, false},
		{"never, but attention asked for", byteLevel{words}, true, true},
		{"the byte-level BPE tokenizer", &tokenize.Tokenizer{}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := DefaultOptions()
			opt.Attention = tc.attention
			opt.Format = JSONL
			tr, err := New(&searchtest.Copy{V: 7}, words, tc.tgt, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := !tr.opt.Search.NoAttention; got != tc.wantAttention {
				t.Errorf("search keeps attention: %v, want %v", got, tc.wantAttention)
			}
		})
	}
	// The copy decoder copies an unknown word as <unk>: replaced by the
	// word when the target may produce <unk>, dropped (as Decode drops
	// special tokens) when it never does.
	for _, tc := range []struct {
		tgt  Tokenizer
		want string
	}{{words, "ein Hund läuft"}, {byteLevel{words}, "ein läuft"}} {
		tr, err := New(&searchtest.Copy{V: 7}, words, tc.tgt, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TranslateLines(context.Background(), []string{"ein Hund läuft"})
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].Translation(); got != tc.want {
			t.Errorf("%T: %q, want %q", tc.tgt, got, tc.want)
		}
	}
}

// BenchmarkUnkReplacement translates with the built-in model as it is
// (byte-level BPE: no attention kept) and with <unk> replacement forced
// on, which keeps every hypothesis's attention as before.
func BenchmarkUnkReplacement(b *testing.B) {
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewModel(f, ComputeAuto)
	if err != nil {
		b.Fatal(err)
	}
	lines := make([]string, 64)
	for i := range lines {
		lines[i] = strings.Repeat("Ein Mann mit einem roten Hut fährt mit dem Fahrrad. ", 1+i%2)
	}
	for _, tc := range []struct {
		name string
		tgt  Tokenizer
	}{{"skipped", m.Tgt}, {"attention kept", withUnk{m.Tgt}}} {
		b.Run(tc.name, func(b *testing.B) {
			opt := DefaultOptions()
			opt.Workers = 1
			opt.Search = search.DefaultOptions()
			tr, err := New(m.Decoder, m.Src, tc.tgt, opt)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := tr.TranslateLines(context.Background(), lines); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "sent/s")
		})
	}
}
