package eval

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseAlignments(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		oneBased bool
		want     []Alignment
		err      string
	}{
		{"pharaoh", "0-0 1-2\n2-1\n", false, []Alignment{{{0, 0, false}, {1, 2, false}}, {{2, 1, false}}}, ""},
		{"talp 1-based", "1-1 2p3\n", true, []Alignment{{{0, 0, false}, {1, 2, true}}}, ""},
		{"question mark", "0?1", false, []Alignment{{{0, 1, true}}}, ""},
		{"empty line", "0-0\n\n1-1", false, []Alignment{{{0, 0, false}}, {}, {{1, 1, false}}}, ""},
		{"crlf", "0-0\r\n", false, []Alignment{{{0, 0, false}}}, ""},
		{"empty input", "", false, nil, ""},
		{"bad separator", "0-0\n1x2\n", false, nil, `line 2: link "1x2"`},
		{"missing index", "0-", false, nil, `line 1: link "0-": bad index ""`},
		{"letters", "a-1", false, nil, `line 1: link "a-1"`},
		{"three parts", "0-1-2", false, nil, `line 1: link "0-1-2"`},
		{"zero in 1-based", "1-1 0-2", true, nil, "line 1: link \"0-2\": index 0 in 1-based alignments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAlignments(strings.NewReader(tt.in), tt.oneBased)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, func(a, b Alignment) bool { return slices.Equal(a, b) }) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAER(t *testing.T) {
	parse := func(s string) []Alignment {
		a, err := ParseAlignments(strings.NewReader(s), false)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name, gold, pred       string
		aer, precision, recall float64
	}{
		// S = {0-0, 1-1}, P = S + {2-2, 1-2}, A = {0-0, 1-2, 2-1}:
		// |A∩S| = 1, |A∩P| = 2, AER = 1 - 3/5.
		{"mixed", "0-0 1-1 2p2 1?2", "0-0 1-2 2-1", 0.4, 2. / 3, 0.5},
		{"perfect", "0-0 1-1", "1-1 0-0 0-0", 0, 1, 1},
		// Possible links count for precision only: AER = 1 - (0+1)/(1+1).
		{"possible only", "0-0 1?1", "1-1", 0.5, 1, 0},
		{"nothing predicted", "0-0", "", 1, 1, 0},
		{"nothing at all", "", "", 0, 1, 1},
		// Sums over sentences: S 3, A 2, |A∩S| = |A∩P| = 2: 1 - 4/5.
		{"corpus", "0-0\n0-0 1-1\n", "0-0\n1-1\n", 0.2, 1, 2. / 3},
		{"sure wins over possible", "0?0 0-0", "0-0", 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gold, pred := parse(tt.gold), parse(tt.pred)
			for len(pred) < len(gold) {
				pred = append(pred, nil)
			}
			for len(gold) < len(pred) {
				gold = append(gold, nil)
			}
			r, err := AER(gold, pred)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"AER", r.AER, tt.aer}, {"precision", r.Precision, tt.precision}, {"recall", r.Recall, tt.recall}} {
				if math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s = %v, want %v (%+v)", c.what, c.got, c.want, r)
				}
			}
		})
	}
	if _, err := AER(make([]Alignment, 2), make([]Alignment, 3)); err == nil || !strings.Contains(err.Error(), "2 gold alignments but 3 predicted") {
		t.Errorf("count mismatch error %v", err)
	}
}

func FuzzParseAlignments(f *testing.F) {
	f.Add("0-0 1-2 3?4\n5p6\n", false)
	f.Add("1-1\n\n2p3", true)
	f.Add("0-\n-1 x", false)
	f.Fuzz(func(t *testing.T, in string, oneBased bool) {
		as, err := ParseAlignments(strings.NewReader(in), oneBased)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line number: %v", err)
			}
			return
		}
		var text strings.Builder
		for _, a := range as {
			for _, l := range a {
				if l.Src < 0 || l.Tgt < 0 {
					t.Fatalf("negative index in %v", a)
				}
			}
			text.WriteString(a.String() + "\n")
		}
		again, err := ParseAlignments(strings.NewReader(text.String()), false)
		if err != nil {
			t.Fatalf("reparse %q: %v", text.String(), err)
		}
		if !slices.EqualFunc(as, again, func(a, b Alignment) bool { return slices.Equal(a, b) }) {
			t.Fatalf("round trip: %v became %v", as, again)
		}
		if _, err := AER(as, as); err != nil {
			t.Fatal(err)
		}
	})
}
