package tokenize

import (
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"
)

// sugarmePattern is the pattern of sugarme's ByteLevel pre-tokenizer.
const sugarmePattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+`

var sugarmeRE = regexp.MustCompile(sugarmePattern)

// regexpPieces splits s the way sugarme does: the pattern's matches and the
// text between them.
func regexpPieces(s string) []string {
	re := sugarmeRE
	var out []string
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		if m[0] > last {
			out = append(out, s[last:m[0]])
		}
		out = append(out, s[m[0]:m[1]])
		last = m[1]
	}
	if last < len(s) {
		out = append(out, s[last:])
	}
	return out
}

func pieces(s string) []string {
	var out []string
	splitPieces(s, func(start, end int) bool { out = append(out, s[start:end]); return true })
	return out
}

func TestSplitPieces(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"words", "A man rides.", []string{"A", " man", " rides", "."}},
		{"umlauts", "Ein Mann fährt", []string{"Ein", " Mann", " fährt"}},
		{"contractions", "it's we're they'll I'd", []string{"it", "'s", " we", "'re", " they", "'ll", " I", "'d"}},
		{"quote before letters", "say 'so'", []string{"say", " '", "so", "'"}},
		{"numbers", "3 dogs, 42x", []string{"3", " dogs", ",", " 42", "x"}},
		{"double space", "a  b", []string{"a", " ", " b"}},
		{"tabs", "a\t\tb", []string{"a", "\t\t", "b"}},
		{"leading spaces", "  a", []string{" ", " a"}},
		{"trailing spaces", "a  ", []string{"a", "  "}},
		{"space only", " ", []string{" "}},
		{"newline then space", "a\n b", []string{"a", "\n", " b"}},
		{"vertical tab is not \\s", "a\vb", []string{"a", "\v", "b"}},
		{"no-break space is a symbol", "a\u00a0b", []string{"a", "\u00a0", "b"}},
		{"punctuation run", "Hi!!! ...", []string{"Hi", "!!!", " ..."}},
		{"cjk and emoji", "日本語 😀👍 ok", []string{"日本語", " 😀👍", " ok"}},
		{"nul", "a\x00b", []string{"a", "\x00", "b"}},
		{"markup", "<s> x", []string{"<", "s", ">", " x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pieces(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("pieces(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if re := regexpPieces(tt.in); !slices.Equal(got, re) {
				t.Errorf("pieces(%q) = %q, sugarme's pattern gives %q", tt.in, got, re)
			}
		})
	}
}

func FuzzSplitPieces(f *testing.F) {
	for _, s := range []string{"", "A man's bike.", "a  b\t\tc \n", "日本 😀", "'re'll 12ab", "\x00\v\f\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		got := pieces(s)
		if want := regexpPieces(s); !slices.Equal(got, want) {
			t.Fatalf("pieces(%q) = %q, sugarme's pattern gives %q", s, got, want)
		}
	})
}

func BenchmarkSplitPieces(b *testing.B) {
	line := "Ein Mann in einem blauen Hemd fährt mit dem Fahrrad die Straße hinunter, 2 Hunde laufen mit."
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		splitPieces(line, func(int, int) bool { return true })
	}
}
