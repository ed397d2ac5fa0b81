package eval

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestCorpusChrF(t *testing.T) {
	tests := []struct {
		name       string
		hyps, refs []string
		opts       ChrFOptions
		want       float64
	}{
		{"identical", []string{"Ein Mann fährt Fahrrad."}, []string{"Ein Mann fährt Fahrrad."}, ChrFOptions{}, 100},
		// Orders 1-3 occur in both: precision = recall = (2/3 + 1/2 + 0)/3.
		{"one line", []string{"abc"}, []string{"abd"}, ChrFOptions{}, 100 * 7. / 18},
		// chrF++ adds word 1-grams (0 of 1 match): (7/6 + 0)/4.
		{"one line chrF++", []string{"abc"}, []string{"abd"}, ChrFOptions{WordOrder: 2}, 100 * 7. / 24},
		// Per-order F-scores 2/3, 1/2, then eps for orders 3-6.
		{"eps smoothing", []string{"abc"}, []string{"abd"}, ChrFOptions{EpsSmoothing: true}, 100 * (7. / 6) / 6},
		{"whitespace ignored", []string{"a b"}, []string{"ab"}, ChrFOptions{}, 100},
		// Characters match fully; word 1-grams a, b against ab match none:
		// orders char 1, char 2, word 1 average to 2/3.
		{"whitespace chrF++", []string{"a b"}, []string{"ab"}, ChrFOptions{WordOrder: 2}, 100 * 2. / 3},
		{"punctuation split", []string{"Hallo."}, []string{"Hallo ."}, ChrFOptions{WordOrder: 2}, 100},
		{"case", []string{"ABC"}, []string{"abc"}, ChrFOptions{}, 0},
		{"lowercase", []string{"ABC"}, []string{"abc"}, ChrFOptions{Lowercase: true}, 100},
		// Composed é against e + combining acute: no common character.
		{"code points", []string{"\u00e9"}, []string{"e\u0301"}, ChrFOptions{}, 0},
		{"unicode punctuation", []string{"«Oui»"}, []string{"«Oui»"}, ChrFOptions{WordOrder: 2}, 100},
		{"all empty hypotheses", []string{"", ""}, []string{"abc", "def"}, ChrFOptions{}, 0},
		// Statistics are summed before scoring: "ab"/"ab" and "cd"/"xy" give
		// order 1: 2+0 of 4, order 2: 1+0 of 2, so P = R = 1/2.
		{"corpus sums", []string{"ab", "cd"}, []string{"ab", "xy"}, ChrFOptions{}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CorpusChrF(tt.hyps, tt.refs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(c.Score-tt.want) > 1e-9 {
				t.Errorf("%s = %.6f, want %.6f (stats %v)", c.Name(), c.Score, tt.want, c.Stats)
			}
		})
	}
}

func TestChrFMultiRef(t *testing.T) {
	c, err := SentenceChrF("abc", []string{"xyz", "abc", "abd"}, ChrFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Score != 100 {
		t.Errorf("best reference not chosen: %v", c.Score)
	}
	if want := "nrefs:3|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+attnmt"; c.Signature() != want {
		t.Errorf("signature %q, want %q", c.Signature(), want)
	}
}

func TestChrFFormat(t *testing.T) {
	c, err := SentenceChrF("abc", []string{"abd"}, ChrFOptions{WordOrder: 2, Lowercase: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "chrF2++|nrefs:1|case:lc|eff:yes|nc:6|nw:2|space:no|version:2.6.0+attnmt = 29.17"
	if got := c.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestChrFErrors(t *testing.T) {
	if _, err := CorpusChrF(nil, nil, ChrFOptions{}); !errors.Is(err, ErrNoSegments) {
		t.Errorf("empty corpus: %v", err)
	}
	if _, err := CorpusChrF([]string{"a"}, []string{""}, ChrFOptions{}); !errors.Is(err, ErrEmptyReference) {
		t.Errorf("empty reference: %v", err)
	}
	if _, err := NewChrFScorer(ChrFOptions{WordOrder: -1}); err == nil {
		t.Error("negative word order accepted")
	}
}

func TestChrFWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a , b", []string{"a", ",", "b"}},
		{"Hallo.", []string{"Hallo", "."}},
		{"(hi)", []string{"(hi", ")"}},
		{"(hi", []string{"(", "hi"}},
		{"...", []string{"..", "."}},
		{"«Oui»", []string{"«Oui»"}},
		{"x y.", []string{"x", "y", "."}},
	}
	for _, tt := range tests {
		if got := chrFWords(nil, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("chrFWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzChrFStats(f *testing.F) {
	f.Add("Ein Mann fährt.", "Ein Mann fährt Rad.", "(hi)", false, false)
	f.Add("ΑΣ aa", "ας aaa", "", true, true)
	f.Fuzz(func(t *testing.T, hyp, ref1, ref2 string, lower, space bool) {
		refs := nonEmpty([]string{ref1, ref2})
		if len(refs) == 0 {
			return
		}
		o := ChrFOptions{WordOrder: 2, Lowercase: lower, Whitespace: space}
		fast, err := NewChrFScorer(o)
		if err != nil {
			t.Fatal(err)
		}
		slow, _ := NewChrFScorer(o)
		slow.fast = false
		a, err := fast.Add(hyp, refs...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := slow.Add(hyp, refs...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) {
			t.Fatalf("fast %v, map-based %v", a, b)
		}
		c, err := fast.Result()
		if err != nil || c.Score < 0 || c.Score > 100.0000001 || math.IsNaN(c.Score) {
			t.Fatalf("score %v, err %v", c.Score, err)
		}
	})
}

func TestChrFSlowPath(t *testing.T) {
	// Character order 8 does not fit packed keys and takes the map path.
	c, err := CorpusChrF([]string{"abcdefghij"}, []string{"abcdefghij"}, ChrFOptions{CharOrder: 8})
	if err != nil {
		t.Fatal(err)
	}
	if c.Score != 100 || len(c.Stats) != 8 || !strings.Contains(c.Signature(), "nc:8") {
		t.Errorf("got %v %v %s", c.Score, c.Stats, c.Signature())
	}
}
