package tokenize

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// checkEncoding checks the invariants of an encoding of text: the pieces
// spell the text byte for byte, the ids are the pieces' ids, the offsets
// cover the text in order, and the words are those of strings.Fields.
func checkEncoding(t *testing.T, tok *Tokenizer, text string, e Encoding) {
	t.Helper()
	n := len(e.IDs)
	if len(e.Pieces) != n || len(e.Offsets) != n || len(e.Words) != n {
		t.Fatalf("%q: %d ids, %d pieces, %d offsets, %d words", text, n, len(e.Pieces), len(e.Offsets), len(e.Words))
	}
	var spelled []byte
	end := 0
	nwords := len(strings.Fields(text))
	for i, id := range e.IDs {
		if IsSpecial(id) || id >= tok.VocabSize() {
			t.Fatalf("%q: token %d has id %d", text, i, id)
		}
		if got := tok.Piece(id); got != e.Pieces[i] {
			t.Fatalf("%q: token %d is %q, Piece(%d) = %q", text, i, e.Pieces[i], id, got)
		}
		raw, ok := rawBytes(e.Pieces[i])
		if !ok {
			t.Fatalf("%q: piece %q is not byte-level", text, e.Pieces[i])
		}
		spelled = append(spelled, raw...)
		o := e.Offsets[i]
		if o[0] > end || o[1] <= o[0] || o[1] > len(text) {
			t.Fatalf("%q: token %d offsets %v after byte %d", text, i, o, end)
		}
		if utf8.Valid(raw) && text[o[0]:o[1]] != string(raw) {
			t.Fatalf("%q: token %d %q has offsets %v, spanning %q", text, i, raw, o, text[o[0]:o[1]])
		}
		end = max(end, o[1])
		if w := e.Words[i]; w < -1 || w >= nwords || (w == -1 && nwords > 0) || (i > 0 && w < e.Words[i-1]) {
			t.Fatalf("%q: token %d in word %d (words before: %v, %d words)", text, i, w, e.Words[:i], nwords)
		}
	}
	if string(spelled) != text {
		t.Fatalf("pieces spell %q, want %q", spelled, text)
	}
	if end != len(text) {
		t.Fatalf("%q: offsets end at %d", text, end)
	}
}

// TestEncode checks pieces and words with a tokenizer that has no merges,
// whose pieces are the bytes of the text, and the invariants with one that
// has merges.
func TestEncode(t *testing.T) {
	bytesOnly := trainLines(t, TrainOptions{VocabSize: baseVocabSize}, smallCorpus...)
	merged := goldenTokenizer(t)
	tests := []struct {
		name       string
		text       string
		wantPieces []string // with bytesOnly; nil: not checked
		wantWords  []int    // with bytesOnly
	}{
		{"empty", "", []string{}, []int{}},
		{"sentence", "A man, 2.", []string{"A", "Ġ", "m", "a", "n", ",", "Ġ", "2", "."}, []int{0, 1, 1, 1, 1, 1, 2, 2, 2}},
		{"umlaut", "für", []string{"f", "Ã", "¼", "r"}, []int{0, 0, 0, 0}},
		{"specials are text", "<s> x", []string{"<", "s", ">", "Ġ", "x"}, []int{0, 0, 0, 1, 1}},
		{"spaces", "  a  ", []string{"Ġ", "Ġ", "a", "Ġ", "Ġ"}, []int{0, 0, 0, 0, 0}},
		{"only spaces", " \t ", []string{"Ġ", "ĉ", "Ġ"}, []int{-1, -1, -1}},
		{"nul", "a\x00b", []string{"a", "Ā", "b"}, []int{0, 0, 0}},
		{"nul and symbol", "\x00! x", []string{"Ā", "!", "Ġ", "x"}, []int{0, 0, 1, 1}},
		{"emoji", "ok 😀", []string{"o", "k", "Ġ", "ð", "Ł", "ĺ", "Ģ"}, []int{0, 0, 1, 1, 1, 1, 1}},
		{"cjk", "日本", []string{"æ", "Ĺ", "¥", "æ", "ľ", "¬"}, []int{0, 0, 0, 0, 0, 0}},
		{"no-break space", "a\u00a0b", []string{"a", "Â", "ł", "b"}, []int{0, 1, 1, 1}},
		{"newlines", "a\nb\r\n", []string{"a", "Ċ", "b", "č", "Ċ"}, []int{0, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := bytesOnly.Encode(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			checkEncoding(t, bytesOnly, tt.text, e)
			if !slices.Equal(e.Pieces, tt.wantPieces) {
				t.Errorf("Pieces = %q, want %q", e.Pieces, tt.wantPieces)
			}
			if !slices.Equal(e.Words, tt.wantWords) {
				t.Errorf("Words = %v, want %v", e.Words, tt.wantWords)
			}
			if got := bytesOnly.Decode(e.IDs); got != tt.text {
				t.Errorf("Decode(Encode(x)) = %q", got)
			}

			e, err = merged.Encode(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			checkEncoding(t, merged, tt.text, e)
			if got := merged.Decode(e.IDs); got != tt.text {
				t.Errorf("with merges: Decode(Encode(x)) = %q", got)
			}
		})
	}
}

func TestEncodeLongLine(t *testing.T) {
	tok := goldenTokenizer(t)
	vocab := strings.Fields(strings.Join(smallCorpus, " "))
	words := make([]string, 10000)
	for i := range words {
		words[i] = vocab[i%len(vocab)]
	}
	text := strings.Join(words, " ")
	e, err := tok.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	checkEncoding(t, tok, text, e)
	if got := tok.Decode(e.IDs); got != text {
		t.Error("Decode(Encode(x)) != x")
	}
	if e.Words[len(e.Words)-1] != len(words)-1 {
		t.Errorf("last token in word %d, want %d", e.Words[len(e.Words)-1], len(words)-1)
	}
}

func TestEncodeInvalidUTF8(t *testing.T) {
	tok := goldenTokenizer(t)
	for _, tt := range []struct{ text, want string }{
		{"\xff", "invalid UTF-8 at byte 0"},
		{"ok \xc3(", "invalid UTF-8 at byte 3"},
		{"日本\xe8\xaa", "invalid UTF-8 at byte 6"},
		{"\xed\xa0\x80", "invalid UTF-8 at byte 0"}, // a surrogate
	} {
		_, err := tok.Encode(tt.text)
		if !errors.Is(err, ErrInvalidUTF8) || err.Error() != tt.want {
			t.Errorf("Encode(%q) error = %v, want %q", tt.text, err, tt.want)
		}
		fixed, changed := RepairUTF8(tt.text)
		if !changed || !utf8.ValidString(fixed) || !strings.Contains(fixed, "\uFFFD") {
			t.Errorf("RepairUTF8(%q) = %q, %v", tt.text, fixed, changed)
		}
		e, err := tok.Encode(fixed)
		if err != nil || tok.Decode(e.IDs) != fixed {
			t.Errorf("repaired %q does not round-trip: %v", fixed, err)
		}
	}
	if s, changed := RepairUTF8("fine ü"); changed || s != "fine ü" {
		t.Errorf("RepairUTF8(valid) = %q, %v", s, changed)
	}
}

func TestDecode(t *testing.T) {
	tok := goldenTokenizer(t)
	id := func(piece string) int {
		id, ok := tok.ID(piece)
		if !ok {
			t.Fatalf("no token %q", piece)
		}
		return id
	}
	a, sp, m, n := id("A"), id("Ġ"), id("m"), id("n")
	c3 := id("Ã") // the lead byte 0xC3 alone
	tests := []struct {
		name string
		ids  []int
		want string
	}{
		{"nil", nil, ""},
		{"specials only", []int{BOSID, PadID, EOSID, UnkID}, ""},
		{"specials skipped", []int{BOSID, a, sp, m, UnkID, n, EOSID, PadID}, "A mn"},
		{"out of range skipped", []int{-1, a, 1 << 30}, "A"},
		{"broken character", []int{a, c3, sp, m}, "A\uFFFD m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tok.Decode(tt.ids); got != tt.want {
				t.Errorf("Decode(%v) = %q, want %q", tt.ids, got, tt.want)
			}
		})
	}
}

func TestPieceAndID(t *testing.T) {
	tok := goldenTokenizer(t)
	for id := 0; id < tok.VocabSize(); id++ {
		p := tok.Piece(id)
		if got, ok := tok.ID(p); !ok || got != id {
			t.Fatalf("ID(Piece(%d) = %q) = %d, %v", id, p, got, ok)
		}
	}
	for _, id := range []int{-1, tok.VocabSize()} {
		if p := tok.Piece(id); p != "" {
			t.Errorf("Piece(%d) = %q, want \"\"", id, p)
		}
	}
	if _, ok := tok.ID("no such token"); ok {
		t.Error(`ID("no such token") found`)
	}
}

func TestEncodeConcurrent(t *testing.T) {
	tok := goldenTokenizer(t)
	want := make([][]int, len(smallCorpus))
	for i, s := range smallCorpus {
		e, err := tok.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = e.IDs
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for r := 0; r < 20; r++ {
				for i, s := range smallCorpus {
					e, err := tok.Encode(s)
					if err != nil || !slices.Equal(e.IDs, want[i]) {
						t.Errorf("concurrent Encode(%q) = %v, %v", s, e.IDs, err)
						return
					}
					if got := tok.Decode(e.IDs); got != s {
						t.Errorf("concurrent Decode = %q", got)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// Tokens per line of sentencepiece 0.1.97 BPE trained on train.de+train.en
// with vocab_size=8000 (model_type=bpe, character_coverage=1.0), measured
// on val.de and val.en; the issue asks for at most 10% more.
var sentencepieceTokensPerLine = map[string]float64{"val.de.gz": 15.31, "val.en.gz": 14.45}

func TestMulti30k(t *testing.T) {
	dir := multi30kDir(t)
	tok := multi30kTokenizer(t)
	if got := tok.VocabSize(); got != 8000 {
		t.Errorf("VocabSize() = %d, want 8000", got)
	}
	for _, name := range []string{"val.de.gz", "val.en.gz"} {
		lines := readGzipLines(t, filepath.Join(dir, name))
		tokens := 0
		for i, line := range lines {
			e, err := tok.Encode(line)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			if got := tok.Decode(e.IDs); got != line {
				t.Errorf("%s:%d: Decode(Encode(x)) = %q, want %q", name, i+1, got, line)
			}
			if i < 50 {
				checkEncoding(t, tok, line, e)
			}
			tokens += len(e.IDs)
		}
		perLine := float64(tokens) / float64(len(lines))
		limit := 1.1 * sentencepieceTokensPerLine[name]
		t.Logf("%s: %d lines, %.2f tokens a line (limit %.2f)", name, len(lines), perLine, limit)
		if perLine > limit {
			t.Errorf("%s: %.2f tokens a line, over %.2f", name, perLine, limit)
		}
	}
}

// TestMulti30kSugarmeStock checks on real text that sugarme's stock
// pre-tokenizer, loaded from the file, gives the same ids as Tokenizer's
// faster one.
func TestMulti30kSugarmeStock(t *testing.T) {
	dir := multi30kDir(t)
	tok := multi30kTokenizer(t)
	stock, err := loadSugar(tok.JSON())
	if err != nil {
		t.Fatal(err)
	}
	lines := readGzipLines(t, filepath.Join(dir, "val.de.gz"))
	for i, line := range lines[:300] {
		want, err := tok.Encode(line)
		if err != nil {
			t.Fatal(err)
		}
		got, err := stock.EncodeSingle(line, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Ids, want.IDs) {
			t.Fatalf("val.de:%d: stock sugarme ids %v, Tokenizer %v", i+1, got.Ids, want.IDs)
		}
		for j, o := range got.Offsets {
			if o[0] != want.Offsets[j][0] || o[1] != want.Offsets[j][1] {
				t.Fatalf("val.de:%d: stock sugarme offsets %v, Tokenizer %v", i+1, got.Offsets, want.Offsets)
			}
		}
	}
}

func FuzzEncodeDecode(f *testing.F) {
	tok := goldenTokenizer(f)
	stock, err := loadSugar(tok.JSON())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range append(smallCorpus, "", " ", "a  b\t", "\x00", "日本語 😀", "it's 'll", "<s></s>", "\xff") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		e, err := tok.Encode(text)
		if !utf8.ValidString(text) {
			if !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("Encode(%q) error = %v, want ErrInvalidUTF8", text, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkEncoding(t, tok, text, e)
		if got := tok.Decode(e.IDs); got != text {
			t.Fatalf("Decode(Encode(%q)) = %q", text, got)
		}
		if text == "" {
			return
		}
		got, err := stock.EncodeSingle(text, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Ids, e.IDs) {
			t.Fatalf("%q: stock sugarme ids %v, Tokenizer %v", text, got.Ids, e.IDs)
		}
	})
}

// BenchmarkEncode encodes with Encode, its piece cache warmed first
// ("fast") or emptied before each pass over the lines ("cold": every
// piece is merged by sugarme the first time the pass meets it), and with
// encodeSugar, sugarme's whole pipeline.
func BenchmarkEncode(b *testing.B) {
	tok := goldenTokenizer(b)
	lines := smallCorpus
	benchmarkEncode(b, tok, lines)
}

func BenchmarkEncodeMulti30k(b *testing.B) {
	tok := multi30kTokenizer(b)
	lines := readGzipLines(b, filepath.Join(multi30kDir(b), "val.de.gz"))
	benchmarkEncode(b, tok, lines)
}

func benchmarkEncode(b *testing.B, tok *Tokenizer, lines []string) {
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	for _, way := range []struct {
		name   string
		encode func(string) (Encoding, error)
		cold   bool
	}{{"fast", tok.Encode, false}, {"cold", tok.Encode, true}, {"sugarme", tok.encodeSugar, false}} {
		b.Run(way.name, func(b *testing.B) {
			for _, l := range lines {
				if _, err := way.encode(l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.SetBytes(int64(size / len(lines)))
			tokens, i := 0, 0
			for b.Loop() {
				if way.cold && i%len(lines) == 0 {
					tok.cache = newPieceCache(maxCacheEntries)
				}
				e, err := way.encode(lines[i%len(lines)])
				if err != nil {
					b.Fatal(err)
				}
				tokens += len(e.IDs)
				i++
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	tok := goldenTokenizer(b)
	e, err := tok.Encode(strings.Join(smallCorpus, " "))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = tok.Decode(e.IDs)
	}
}

func TestJSONIsHuggingFaceShaped(t *testing.T) {
	data := goldenTokenizer(t).JSON()
	for _, key := range []string{`"version": "1.0"`, `"added_tokens"`, `"pre_tokenizer": {"type": "ByteLevel"`, `"decoder": {"type": "ByteLevel"`, `"type": "BPE"`, `"vocab": {`, `"merges": [`} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("file lacks %s", key)
		}
	}
}

// TestPieceOffsetsMatchSugarme checks the offsets computed from the tokens,
// used for texts with NUL bytes, against sugarme's on texts without.
func TestPieceOffsetsMatchSugarme(t *testing.T) {
	tok := goldenTokenizer(t)
	for _, text := range append(smallCorpus, "  a  b ", "é!", "日本 😀x", "\u00a0.") {
		e, err := tok.encodeSugar(text)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pieceOffsets(text, e.Pieces)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, e.Offsets) {
			t.Errorf("%q: pieceOffsets %v, sugarme %v", text, got, e.Offsets)
		}
	}
	if _, err := pieceOffsets("ab", []string{"a", "c"}); err == nil {
		t.Error("pieceOffsets accepted tokens that do not spell the text")
	}
	if _, err := pieceOffsets("ab", []string{"a"}); err == nil {
		t.Error("pieceOffsets accepted tokens that spell part of the text")
	}
}

// BenchmarkEncodeSugarmeStock encodes with sugarme's pipeline exactly as its
// loader builds it, for comparison with BenchmarkEncodeMulti30k.
func BenchmarkEncodeSugarmeStock(b *testing.B) {
	tok := multi30kTokenizer(b)
	stock, err := loadSugar(tok.JSON())
	if err != nil {
		b.Fatal(err)
	}
	lines := readGzipLines(b, filepath.Join(multi30kDir(b), "val.de.gz"))
	b.ReportAllocs()
	tokens, i := 0, 0
	for b.Loop() {
		e, err := stock.EncodeSingle(lines[i%len(lines)], false)
		if err != nil {
			b.Fatal(err)
		}
		tokens += len(e.Ids)
		i++
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
}
