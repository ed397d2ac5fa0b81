package tokenize

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// boundedPieces is splitBounded's pieces of s.
func boundedPieces(s string) []string {
	var out []string
	splitBounded(s, func(start, end int) bool { out = append(out, s[start:end]); return true })
	return out
}

// chunkReference cuts the pieces of sugarme's pattern as the bound
// prescribes, independently of splitBounded: greedily, whole characters.
func chunkReference(s string) []string {
	var out []string
	for _, p := range regexpPieces(s) {
		var chunk []byte
		for _, r := range p {
			if len(chunk)+utf8.RuneLen(r) > MaxPieceBytes {
				out = append(out, string(chunk))
				chunk = chunk[:0]
			}
			chunk = utf8.AppendRune(chunk, r)
		}
		out = append(out, string(chunk))
	}
	return out
}

func TestSplitBounded(t *testing.T) {
	long := strings.Repeat("a", 300)
	umlauts := strings.Repeat("ä", 100) // 200 bytes: the cut must not split a character
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"short words untouched", "Ein Mann fährt.", []string{"Ein", " Mann", " fährt", "."}},
		{"exactly the bound", strings.Repeat("b", MaxPieceBytes), []string{strings.Repeat("b", MaxPieceBytes)}},
		{"long word", "x " + long, []string{"x", " " + long[:127], long[127:255], long[255:]}},
		{"characters kept whole", umlauts, []string{umlauts[:128], umlauts[128:]}},
		{"long symbol run", strings.Repeat("!", 129), []string{strings.Repeat("!", 128), "!"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := boundedPieces(tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("pieces = %q, want %q", got, tc.want)
			}
			if ref := chunkReference(tc.in); !slices.Equal(got, ref) {
				t.Errorf("pieces = %q, the reference gives %q", got, ref)
			}
		})
	}
}

func FuzzSplitBounded(f *testing.F) {
	for _, s := range []string{"", "A man's bike.", strings.Repeat("ü", 70), strings.Repeat("ab1", 50), strings.Repeat("😀", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		got := boundedPieces(s)
		if want := chunkReference(s); !slices.Equal(got, want) {
			t.Fatalf("pieces(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestMinTokens(t *testing.T) {
	tok := goldenTokenizer(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, text := range []string{"", "  ", "Ein Mann fährt.", "a\vb c", "x\u00a0y", strings.Repeat("a", 1000), strings.Repeat("ab !? ", 100), strings.Repeat(" ", 1000), " a  \t\n b ", "a!b?c.d,e;1x2y"} {
		e, err := tok.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		if n := tok.MinTokens(text, 1<<30); n > len(e.IDs) {
			t.Errorf("MinTokens(%.20q) = %d, Encode gives %d tokens", text, n, len(e.IDs))
		}
	}
	word := make([]byte, 1<<20)
	for i := range word {
		word[i] = byte('a' + rng.IntN(26))
	}
	if n := tok.MinTokens(string(word), 1<<30); n != (1<<20)/MaxPieceBytes {
		t.Errorf("MinTokens of a 1 MiB word = %d, want %d", n, (1<<20)/MaxPieceBytes)
	}
}

// TestEncodeLongWord encodes a 24 KiB word. With pieces bounded it takes
// under a second (sugarme's own bookkeeping grows with the number of
// tokens); merging the word as one piece, quadratic in its length, takes
// about 5 s (50,000 letters took 21.5 s before the bound). The limit is
// generous for a loaded machine.
func TestEncodeLongWord(t *testing.T) {
	tok := goldenTokenizer(t)
	word := strings.Repeat("abcdefghij", 24<<10/10)
	start := time.Now()
	e, err := tok.Encode(word)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("24 KiB word: %d tokens in %v", len(e.IDs), took)
	if took > 3*time.Second {
		t.Errorf("encoding a 24 KiB word took %v, want well under 3 s", took)
	}
	if got := tok.Decode(e.IDs); got != word {
		t.Error("Decode(Encode(x)) != x for a 24 KiB word")
	}
}

func BenchmarkEncodeLongWord(b *testing.B) {
	tok := goldenTokenizer(b)
	word := strings.Repeat("abcdefghij", 16<<10/10)
	b.SetBytes(int64(len(word)))
	for b.Loop() {
		if _, err := tok.Encode(word); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMinTokens(b *testing.B) {
	tok := goldenTokenizer(b)
	line := strings.Repeat("Ein Mann fährt mit dem Fahrrad. ", 1<<20/33) // 1 MiB
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		tok.MinTokens(line, 1<<30)
	}
}
