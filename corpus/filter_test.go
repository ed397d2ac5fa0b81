package corpus

import (
	"strings"
	"testing"
)

func TestFilterCheck(t *testing.T) {
	tests := []struct {
		name     string
		f        Filter
		src, tgt int
		want     Reason
	}{
		{"no limits", Filter{}, 0, 500, Keep},
		{"min ok", Filter{MinLen: 1}, 1, 1, Keep},
		{"empty source", Filter{MinLen: 1}, 0, 3, TooShort},
		{"empty target", Filter{MinLen: 1}, 3, 0, TooShort},
		{"max ok", Filter{MaxLen: 5}, 5, 5, Keep},
		{"source too long", Filter{MaxLen: 5}, 6, 5, TooLong},
		{"target too long", Filter{MaxLen: 5}, 5, 6, TooLong},
		{"ratio at limit", Filter{MaxRatio: 2}, 4, 8, Keep},
		{"ratio over", Filter{MaxRatio: 2}, 4, 9, BadRatio},
		{"ratio over other side", Filter{MaxRatio: 2}, 9, 4, BadRatio},
		{"ratio empty side", Filter{MaxRatio: 9}, 0, 1, BadRatio},
		{"ratio both empty", Filter{MaxRatio: 9}, 0, 0, Keep},
		{"short before long", Filter{MinLen: 2, MaxLen: 3}, 1, 9, TooShort},
		{"long before ratio", Filter{MaxLen: 3, MaxRatio: 1.5}, 1, 9, TooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Check(tt.src, tt.tgt); got != tt.want {
				t.Errorf("Check(%d, %d) = %v, want %v", tt.src, tt.tgt, got, tt.want)
			}
		})
	}
}

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		f  Filter
		ok bool
	}{
		{Filter{}, true},
		{Filter{MinLen: 1, MaxLen: 50, MaxRatio: 1.5}, true},
		{Filter{MinLen: -1}, false},
		{Filter{MaxLen: -1}, false},
		{Filter{MinLen: 5, MaxLen: 4}, false},
		{Filter{MaxRatio: 0.5}, false},
		{Filter{MaxRatio: -2}, false},
	}
	for _, tt := range tests {
		if err := tt.f.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok %v", tt.f, err, tt.ok)
		}
	}
}

func TestWords(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a  b ", "a\tb\u00a0c", "über straße\u3000日本", "\u2003x\u2003"} {
		if got, want := Words(s), len(strings.Fields(s)); got != want {
			t.Errorf("Words(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestFilterPairsAndExamples(t *testing.T) {
	pairs := []Pair{
		{"a b", "x y", 1},
		{"", "x", 2},
		{"a b c d e f", "x", 3},
		{"a b c", "x y z w", 4},
		{"a b c d e f g h", "x y z w v u t s", 5},
	}
	f := Filter{MinLen: 1, MaxLen: 6, MaxRatio: 3}
	kept, st := f.Pairs(pairs)
	want := Stats{Total: 5, Kept: 2, TooShort: 1, TooLong: 1, BadRatio: 1}
	if st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	if len(kept) != 2 || kept[0].Line != 1 || kept[1].Line != 4 {
		t.Errorf("kept %+v, want lines 1 and 4", kept)
	}
	if pairs[1].Line != 2 {
		t.Error("Pairs modified its input")
	}
	var ex []Example
	for i, p := range pairs {
		ex = append(ex, Example{Src: make([]int, Words(p.Src)), Tgt: make([]int, Words(p.Tgt)), Index: i})
	}
	keptEx, stEx := f.Examples(ex)
	if stEx != want || len(keptEx) != 2 || keptEx[1].Index != 3 {
		t.Errorf("Examples: %+v, %+v", keptEx, stEx)
	}
	if got := st.String(); got != "5 pairs: 2 kept, 1 too short, 1 too long, 1 length ratio" {
		t.Errorf("String() = %q", got)
	}
}
