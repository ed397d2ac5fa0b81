package eval

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestTokenize13a(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Hello, world!", "Hello , world !"},
		{"A man (in red) rides.", "A man ( in red ) rides ."},
		{"3.5 mm, 1,000-2 items", "3.5 mm , 1,000 - 2 items"},
		{"end.", "end ."},
		{"a.b", "a . b"},
		{"1.b a.1", "1 . b a . 1"},
		{"saftig-grünes Gras", "saftig-grünes Gras"},
		{"it's", "it's"},
		{"&quot;x&quot; &amp;lt;", `" x " <`}, // replacements apply in turn
		{"a<skipped>b", "ab"},
		{"hy-\nphen\nnext", "hyphen next"},
		{"Er sagte: „Hallo“.", "Er sagte : „Hallo“ ."},
		{"«Oui» —non…", "«Oui» —non…"},
		{"x\u00a0y\u3000z", "x y z"},
		{"ü.", "ü ."},
		{"..", ". ."},
	}
	for _, tt := range tests {
		if got := Tokenize13a(tt.in); got != tt.want {
			t.Errorf("Tokenize13a(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// bleuOf is the BLEU of hand-computed precisions (fractions) and lengths,
// with the exp-smoothed precisions already filled in.
func bleuOf(sys, ref float64, precisions ...float64) float64 {
	bp := 1.0
	if sys < ref {
		bp = math.Exp(1 - ref/sys)
	}
	logs := 0.0
	for _, p := range precisions {
		logs += math.Log(100 * p)
	}
	return bp * math.Exp(logs/float64(len(precisions)))
}

func TestCorpusBLEU(t *testing.T) {
	tests := []struct {
		name       string
		hyps, refs []string
		opts       BLEUOptions
		want       float64
		sys, ref   int
	}{
		{"identical", []string{"The cat sat on the mat ."}, []string{"The cat sat on the mat ."}, BLEUOptions{}, 100, 7, 7},
		// 1-grams 5/6, 2-grams 3/5, 3-grams 1/4, 4-grams 0/3 -> 1/(2*3).
		{"one line", []string{"the cat sat on the mat"}, []string{"the cat is on the mat"}, BLEUOptions{},
			bleuOf(6, 6, 5./6, 3./5, 1./4, 1./6), 6, 6},
		// No 3-grams: precision 0 for orders 3 and 4, BLEU 0.
		{"short", []string{"the cat"}, []string{"the cat sat on the mat"}, BLEUOptions{}, 0, 2, 6},
		{"all empty hypotheses", []string{"", ""}, []string{"a b c d", "e f g h"}, BLEUOptions{}, 0, 0, 8},
		{"case", []string{"THE CAT SAT ON"}, []string{"the cat sat on"}, BLEUOptions{}, 0, 4, 4},
		{"lowercase", []string{"THE CAT SAT ON"}, []string{"the cat sat on"}, BLEUOptions{Lowercase: true}, 100, 4, 4},
		{"tokenized punctuation", []string{"Hello, my world!"}, []string{"Hello , my world !"}, BLEUOptions{}, 100, 5, 5},
		// Without tokenization: "Hello," and "world!" match nothing;
		// 1-grams 1/3, 2-grams 0/2 -> 1/(2*2), 3-grams 0/1 -> 1/(4*1), no 4-grams.
		{"tok none", []string{"Hello, my world!"}, []string{"Hello , my world !"}, BLEUOptions{Tokenize: TokNone}, 0, 3, 5},
		// Quotes „“ are not split: hyp Er sagte : „Hallo“ . (5), ref
		// Er sagte : „ Hallo “ . (7): 4/5, 2/4, 1/3, 0/2 -> 1/(2*2).
		{"unicode punctuation", []string{"Er sagte: „Hallo“."}, []string{"Er sagte: „ Hallo “."}, BLEUOptions{},
			bleuOf(5, 7, 4./5, 2./4, 1./3, 1./4), 5, 7},
		{"unicode whitespace", []string{"one\u00a0two\u2009three\u3000four"}, []string{"one two three four"}, BLEUOptions{}, 100, 4, 4},
		// Floor smoothing: the 4-gram precision is 0.1/3.
		{"floor", []string{"the cat sat on the mat"}, []string{"the cat is on the mat"}, BLEUOptions{Smooth: SmoothFloor},
			bleuOf(6, 6, 5./6, 3./5, 1./4, 0.1/3), 6, 6},
		{"none", []string{"the cat sat on the mat"}, []string{"the cat is on the mat"}, BLEUOptions{Smooth: SmoothNone}, 0, 6, 6},
		// add-k adds 1 to matches and totals of orders 2-4.
		{"add-k", []string{"the cat sat on the mat"}, []string{"the cat is on the mat"}, BLEUOptions{Smooth: SmoothAddK},
			bleuOf(6, 6, 5./6, 4./6, 2./5, 1./4), 6, 6},
		// Effective order stops at order 2: BP e^(1-6/2) times 100.
		{"effective order", []string{"the cat"}, []string{"the cat sat on the mat"}, BLEUOptions{EffectiveOrder: true},
			100 * math.Exp(-2), 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := CorpusBLEU(tt.hyps, tt.refs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(b.Score-tt.want) > 1e-9 {
				t.Errorf("BLEU = %.6f, want %.6f (%s)", b.Score, tt.want, b.Verbose())
			}
			if b.SysLen != tt.sys || b.RefLen != tt.ref {
				t.Errorf("lengths %d/%d, want %d/%d", b.SysLen, b.RefLen, tt.sys, tt.ref)
			}
		})
	}
}

func TestBLEUMultiRef(t *testing.T) {
	s, err := NewBLEUScorer(BLEUOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Counts clip against the maximum over references: 6/6, 5/5, 2/4, 0/3.
	st, err := s.Add("the cat sat on the mat", "the cat is on the mat", "a cat sat on a mat")
	if err != nil {
		t.Fatal(err)
	}
	if want := (BLEUStats{6, 6, [4]int{6, 5, 2, 0}, [4]int{6, 5, 4, 3}}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	// The closest reference length wins, the shorter on a tie (4 vs 6 for
	// a 5-token hypothesis).
	st, err = s.Add("a b c d e", "a b c d e f", "a b c d")
	if err != nil {
		t.Fatal(err)
	}
	if st.RefLen != 4 {
		t.Errorf("closest reference length %d, want 4", st.RefLen)
	}
	b, err := s.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.Signature(), "nrefs:2|") {
		t.Errorf("signature %q, want nrefs:2", b.Signature())
	}
	// A segment with one of its two references empty makes nrefs vary.
	if _, err := s.Add("x", "x", ""); err != nil {
		t.Fatal(err)
	}
	b, _ = s.Result()
	if !strings.HasPrefix(b.Signature(), "nrefs:var|") {
		t.Errorf("signature %q, want nrefs:var", b.Signature())
	}
}

func TestBLEUErrors(t *testing.T) {
	if _, err := CorpusBLEU(nil, nil, BLEUOptions{}); !errors.Is(err, ErrNoSegments) {
		t.Errorf("empty corpus: %v, want ErrNoSegments", err)
	}
	_, err := CorpusBLEU([]string{"a", "b"}, []string{"a", ""}, BLEUOptions{})
	if !errors.Is(err, ErrEmptyReference) || !strings.Contains(err.Error(), "segment 2") {
		t.Errorf("empty reference: %v, want segment 2: empty reference", err)
	}
	if _, err := CorpusBLEU([]string{"a"}, []string{"a", "b"}, BLEUOptions{}); err == nil || !strings.Contains(err.Error(), "1 hypotheses but 2 references") {
		t.Errorf("length mismatch: %v", err)
	}
	for _, o := range []BLEUOptions{{Tokenize: "intl"}, {Smooth: "fancy"}, {Smooth: SmoothFloor, SmoothValue: -1}} {
		if _, err := NewBLEUScorer(o); err == nil {
			t.Errorf("NewBLEUScorer(%+v) accepted bad options", o)
		}
	}
}

func TestBLEUSignature(t *testing.T) {
	tests := []struct {
		opts BLEUOptions
		want string
	}{
		{BLEUOptions{}, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt"},
		{BLEUOptions{Lowercase: true, Tokenize: TokNone, EffectiveOrder: true}, "nrefs:1|case:lc|eff:yes|tok:none|smooth:exp|version:2.6.0+attnmt"},
		{BLEUOptions{Smooth: SmoothFloor}, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0+attnmt"},
		{BLEUOptions{Smooth: SmoothAddK}, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0+attnmt"},
	}
	for _, tt := range tests {
		b, err := SentenceBLEU("a b c d", []string{"a b c d"}, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Signature(); got != tt.want {
			t.Errorf("%+v: signature %q, want %q", tt.opts, got, tt.want)
		}
	}
	b, _ := SentenceBLEU("the cat sat on the mat", []string{"the cat is on the mat"}, BLEUOptions{})
	want := "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt = 37.99 83.3/60.0/25.0/16.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)"
	if got := b.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

// naiveBLEUStats counts BLEU statistics with string n-grams in maps, the
// way sacreBLEU does, to check the packed-key counting against.
func naiveBLEUStats(hyp string, refs []string, o BLEUOptions) BLEUStats {
	tok := func(s string) []string {
		if o.Lowercase {
			s = pyLower(s)
		}
		if o.Tokenize == TokNone {
			return pyFields(nil, s)
		}
		return pyFields(nil, Tokenize13a(s))
	}
	count := func(toks []string) map[string]int {
		m := map[string]int{}
		for n := 1; n <= 4; n++ {
			for i := 0; i+n <= len(toks); i++ {
				m[strings.Join(toks[i:i+n], "\x00")+"\x01"+string(rune('0'+n))]++
			}
		}
		return m
	}
	ht := tok(hyp)
	refMax := map[string]int{}
	var st BLEUStats
	st.SysLen = len(ht)
	diff := -1
	for _, r := range refs {
		rt := tok(r)
		for g, c := range count(rt) {
			refMax[g] = max(refMax[g], c)
		}
		d := len(rt) - len(ht)
		if d < 0 {
			d = -d
		}
		if diff == -1 || d < diff || (d == diff && len(rt) < st.RefLen) {
			diff, st.RefLen = d, len(rt)
		}
	}
	for g, c := range count(ht) {
		n := int(g[len(g)-1] - '0')
		st.Total[n-1] += c
		st.Correct[n-1] += min(c, refMax[g])
	}
	return st
}

func FuzzBLEUStats(f *testing.F) {
	f.Add("the cat sat on the mat", "the cat is on the mat", "a cat sat", true)
	f.Add("Er sagte: „Hallo“.", "Er sagte: „ Hallo “.", "", false)
	f.Add("a a a a a", "a a", "a a a b", false)
	f.Fuzz(func(t *testing.T, hyp, ref1, ref2 string, lower bool) {
		refs := nonEmpty([]string{ref1, ref2})
		if len(refs) == 0 {
			return
		}
		for _, tok := range []Tokenizer{Tok13a, TokNone} {
			o := BLEUOptions{Lowercase: lower, Tokenize: tok}
			s, err := NewBLEUScorer(o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Add(hyp, refs...)
			if err != nil {
				t.Fatal(err)
			}
			if want := naiveBLEUStats(hyp, refs, o); got != want {
				t.Fatalf("tok %s: stats %+v, naive %+v", tok, got, want)
			}
			if b, err := s.Result(); err != nil || b.Score < 0 || b.Score > 100.0000001 || math.IsNaN(b.Score) {
				t.Fatalf("score %v, err %v", b.Score, err)
			}
		}
	})
}
