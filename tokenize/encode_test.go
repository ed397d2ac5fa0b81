package tokenize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// checkMatchesSugarme checks that Encode gives for text exactly what
// encodeSugar, sugarme's whole pipeline, gives: the same error, or the
// same ids, pieces, offsets and words.
func checkMatchesSugarme(t *testing.T, tok *Tokenizer, text string) {
	t.Helper()
	want, wantErr := tok.encodeSugar(text)
	got, err := tok.Encode(text)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("Encode(%.60q) error %v, encodeSugar's %v", text, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Encode(%.60q) =\n%+v\nencodeSugar gives\n%+v", text, got, want)
	}
}

// awkwardTexts are texts that test the corners of pre-tokenization,
// merging, offsets and words.
var awkwardTexts = []struct{ name, text string }{
	{"empty", ""},
	{"space", " "},
	{"only spaces", "     "},
	{"tabs and newlines", "\t\ta\n\n b\r\n\f\v c \t"},
	{"leading and trailing spaces", "  Ein Mann.  "},
	{"nul", "\x00"},
	{"nul bytes in words", "a\x00b \x00\x00 c\x00"},
	{"nul before a multi-byte character", "\x00ü\x00日 😀"},
	{"emoji", "ok 😀👍🏽 👨‍👩‍👧 done"},
	{"cjk", "日本語のテキスト 中文 한국어"},
	{"combining marks", "e\u0301te\u0301 cafe\u0301 n\u0303 a\u0308\u0304"},
	{"contractions", "it's don't we're they've I'm we'll he'd"},
	{"capitalised contractions", "IT'S DON'T WE'RE THEY'VE I'M WE'LL HE'D"},
	{"unicode apostrophes", "it’s don’t we‘re ʼll"},
	{"lone apostrophes", "' '' 's' 'x 'lle 'ree '"},
	{"digits", "1 22 333 4444 3.14 1,000,000 ٣٤ ½ Ⅻ"},
	{"symbol run", strings.Repeat("!?.,;:-_*#", 20)},
	{"long word", strings.Repeat("abcdefghij", 40)},
	{"long piece past the cache bound", " " + strings.Repeat("x", maxCachedPieceBytes+1)},
	{"long multi-byte piece", strings.Repeat("ü", 100) + " " + strings.Repeat("日", 50)},
	{"repeated words", "the the the the cat the cat the"},
	{"no-break and other spaces", "a\u00a0b\u2003c\u3000d\u0085e\u2028f"},
	{"markup and specials", "<s> </s> <pad> <unk> <s>x</s>"},
	{"replacement character", "\uFFFD a\uFFFDb"},
	{"invalid UTF-8", "ok \xc3("},
	{"sentence", "Ein Mann in einem blauen Hemd fährt mit dem Fahrrad die Straße hinunter."},
}

// TestEncodeMatchesSugarme checks Encode against encodeSugar on awkward
// texts, with the tokenizer in testdata, ones trained here, Multi30k's
// and the built-in models' (those two where ../shared and the model files
// are there).
func TestEncodeMatchesSugarme(t *testing.T) {
	tokenizers := []struct {
		name string
		tok  func(testing.TB) *Tokenizer
	}{
		{"testdata", func(tb testing.TB) *Tokenizer {
			tok, err := Load(filepath.Join("testdata", "small.tokenizer.json"))
			if err != nil {
				tb.Fatal(err)
			}
			return tok
		}},
		{"bytes only", func(tb testing.TB) *Tokenizer {
			return trainLines(tb, TrainOptions{VocabSize: baseVocabSize}, smallCorpus...)
		}},
		{"awkward texts", func(tb testing.TB) *Tokenizer {
			var lines []string
			for _, a := range awkwardTexts {
				if utf8.ValidString(a.text) {
					lines = append(lines, a.text, a.text)
				}
			}
			return trainLines(tb, TrainOptions{VocabSize: 600}, lines...)
		}},
		{"multi30k", multi30kTokenizer},
	}
	check := func(t *testing.T, tok *Tokenizer) {
		for _, a := range awkwardTexts {
			t.Run(a.name, func(t *testing.T) {
				checkMatchesSugarme(t, tok, a.text) // the cache is cold
				checkMatchesSugarme(t, tok, a.text) // the pieces are cached
			})
		}
	}
	for _, tt := range tokenizers {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.tok(t)) })
	}
	t.Run("built-in", func(t *testing.T) {
		for i, tok := range builtinTokenizers(t) {
			t.Run(strconv.Itoa(i), func(t *testing.T) { check(t, tok) })
		}
	})
}

// builtinTokenizers returns the distinct tokenizers of the built-in
// models, read from the models' files in ../seq2seq/pretrained (package
// seq2seq, which imports tokenize, is not imported; seq2seq/safetensors,
// which does not, reads the files' headers), or skips the test if there
// are none.
func builtinTokenizers(tb testing.TB) []*Tokenizer {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "seq2seq", "pretrained", "*.safetensors"))
	if err != nil || len(paths) == 0 {
		tb.Skipf("no built-in model files: %v", err)
	}
	var toks []*Tokenizer
	seen := make(map[string]bool)
	for _, path := range paths {
		file, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		rd, err := safetensors.OpenBytes(file) // decodes the header only
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		for _, key := range []string{"src_tokenizer", "tgt_tokenizer"} {
			data, ok := rd.Metadata[key]
			if !ok {
				tb.Fatalf("%s: no %s", path, key)
			}
			if seen[data] {
				continue
			}
			seen[data] = true
			tok, err := FromJSON([]byte(data))
			if err != nil {
				tb.Fatalf("%s %s: %v", path, key, err)
			}
			toks = append(toks, tok)
		}
	}
	return toks
}

// corpusSample returns every step-th line of the gzip file name in the
// shared data folder dir, up to n lines.
func corpusSample(tb testing.TB, dir, name string, n int) []string {
	tb.Helper()
	lines := readGzipLines(tb, filepath.Join(corpustest.SharedDir(tb, "data", dir), name))
	step := max(1, len(lines)/n)
	var out []string
	for i := 0; i < len(lines) && len(out) < n; i += step {
		out = append(out, lines[i])
	}
	return out
}

// TestEncodeMatchesSugarmeCorpora checks Encode against encodeSugar on
// lines of Multi30k's and Tatoeba's training text, spread over the files,
// with a tokenizer trained here on part of that text, Multi30k's and the
// built-in models'.
func TestEncodeMatchesSugarmeCorpora(t *testing.T) {
	const perFile = 2000
	type file struct {
		name  string
		lines []string
	}
	var files []file
	var part []string
	for _, dir := range []string{"multi30k", "tatoeba"} {
		for _, lang := range []string{"de", "en"} {
			name := "train." + lang + ".gz"
			lines := corpusSample(t, dir, name, perFile)
			files = append(files, file{dir + "/" + name, lines})
			part = append(part, lines[:perFile/2]...)
		}
	}
	toks := map[string]*Tokenizer{
		"trained on part": trainLines(t, TrainOptions{VocabSize: 4000}, part...),
		"multi30k":        multi30kTokenizer(t),
	}
	for i, tok := range builtinTokenizers(t) {
		toks[fmt.Sprintf("built-in %d", i)] = tok
	}
	for name, tok := range toks {
		t.Run(name, func(t *testing.T) {
			for _, f := range files {
				for i, line := range f.lines {
					want, err := tok.encodeSugar(line)
					if err != nil {
						t.Fatal(err)
					}
					got, err := tok.Encode(line)
					if err != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, sample line %d %q: Encode = %+v, %v; encodeSugar gives %+v", f.name, i, line, got, err, want)
					}
				}
			}
		})
	}
}

func FuzzEncodeMatchesSugarme(f *testing.F) {
	tok := goldenTokenizer(f)
	for _, a := range awkwardTexts {
		f.Add(a.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkMatchesSugarme(t, tok, text)
	})
}

// TestEncodeConcurrentMatchesSugarme encodes overlapping texts from many
// goroutines at once, starting with a cold cache, with the default cache
// and one too small for the texts' pieces (run it with -race).
func TestEncodeConcurrentMatchesSugarme(t *testing.T) {
	var texts []string
	for _, a := range awkwardTexts {
		if utf8.ValidString(a.text) {
			texts = append(texts, a.text)
		}
	}
	texts = append(texts, smallCorpus...)
	for _, size := range []int{maxCacheEntries, 8} {
		t.Run(fmt.Sprintf("cache of %d", size), func(t *testing.T) {
			tok := goldenTokenizer(t)
			tok.cache = newPieceCache(size)
			want := make([]Encoding, len(texts))
			for i, text := range texts {
				var err error
				if want[i], err = tok.encodeSugar(text); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for r := range 3 * len(texts) {
						i := (g*7 + r) % len(texts) // each goroutine in its own order
						got, err := tok.Encode(texts[i])
						if err != nil || !reflect.DeepEqual(got, want[i]) {
							t.Errorf("concurrent Encode(%.40q) = %+v, %v; want %+v", texts[i], got, err, want[i])
							return
						}
					}
				})
			}
			wg.Wait()
			if n := tok.cache.size(); n > size {
				t.Errorf("cache holds %d pieces, bound %d", n, size)
			}
		})
	}
}

func TestPieceCacheBounded(t *testing.T) {
	tok := goldenTokenizer(t)
	const bound = 50
	tok.cache = newPieceCache(bound)
	long := " " + strings.Repeat("ab", (maxCachedPieceBytes+MaxPieceBytes)/4) // one piece, too long to cache
	checkMatchesSugarme(t, tok, long)
	if n := tok.cache.size(); n != 0 {
		t.Errorf("a piece of %d bytes was cached (bound %d bytes)", len(long), maxCachedPieceBytes)
	}
	for i := range 500 { // 1000 distinct pieces: "7" and " 7"
		checkMatchesSugarme(t, tok, fmt.Sprintf("%d %d", i, i))
	}
	if n := tok.cache.size(); n != bound {
		t.Errorf("cache holds %d pieces after 1000 distinct ones, want the bound %d", n, bound)
	}
	// Once full, pieces that are not cached are still merged right.
	for _, a := range awkwardTexts {
		checkMatchesSugarme(t, tok, a.text)
	}
	if n := tok.cache.size(); n != bound {
		t.Errorf("cache holds %d pieces, bound %d", n, bound)
	}
}

// maxEncodeAllocs is the most allocations Encode makes for a sentence
// whose pieces are cached: the four slices of the Encoding.
const maxEncodeAllocs = 4

func TestEncodeAllocs(t *testing.T) {
	tok := goldenTokenizer(t)
	for _, text := range smallCorpus {
		if _, err := tok.Encode(text); err != nil { // warm the cache
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := tok.Encode(text); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > maxEncodeAllocs {
			t.Errorf("Encode(%q) makes %.0f allocations, want at most %d", text, allocs, maxEncodeAllocs)
		}
	}
}

func TestEncodeErrorsFirst(t *testing.T) {
	tok := goldenTokenizer(t)
	for _, text := range []string{"\xff", "a\x00\xff", "日本\xe8\xaa"} {
		_, err := tok.Encode(text)
		_, wantErr := tok.encodeSugar(text)
		if !errors.Is(err, ErrInvalidUTF8) || err.Error() != wantErr.Error() {
			t.Errorf("Encode(%q) error %v, encodeSugar's %v", text, err, wantErr)
		}
	}
	if n := tok.cache.size(); n != 0 {
		t.Errorf("invalid texts left %d pieces in the cache", n)
	}
}

// size returns the number of cached pieces.
func (c *pieceCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
