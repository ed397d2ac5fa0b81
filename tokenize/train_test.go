package tokenize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveMerges is a reference BPE: it recounts every pair before each merge.
// It follows the same rules as Trainer: pieces from splitBounded, bytes as
// base tokens, the most frequent pair first with ties to the smaller ids,
// pairs below minFreq never merged, no token spelled like a special token,
// an existing token's id reused.
func naiveMerges(lines []string, vocabSize, minFreq int) []string {
	counts := map[string]int64{}
	for _, l := range lines {
		splitBounded(l, func(s, e int) bool { counts[l[s:e]]++; return true })
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vocab := []string{PadToken, UnkToken, BOSToken, EOSToken}
	for b := 0; b < 256; b++ {
		vocab = append(vocab, string(byteRune(byte(b))))
	}
	words := make([][]int32, len(keys))
	for i, k := range keys {
		for j := 0; j < len(k); j++ {
			words[i] = append(words[i], NumSpecial+int32(k[j]))
		}
	}
	banned := map[uint64]bool{}
	var merges []string
	for len(vocab) < vocabSize {
		pc := map[uint64]int64{}
		for i, w := range words {
			for j := 0; j+1 < len(w); j++ {
				pc[pairKey(w[j], w[j+1])] += counts[keys[i]]
			}
		}
		best, bestC := uint64(0), int64(-1)
		for p, c := range pc {
			if banned[p] || c < int64(minFreq) {
				continue
			}
			if c > bestC || (c == bestC && p < best) {
				best, bestC = p, c
			}
		}
		if bestC < 0 {
			break
		}
		a, b := unpair(best)
		text := vocab[a] + vocab[b]
		if isSpecialToken(text) {
			banned[best] = true
			continue
		}
		id := int32(slices.Index(vocab, text))
		if id < 0 {
			id = int32(len(vocab))
			vocab = append(vocab, text)
		}
		merges = append(merges, vocab[a]+" "+vocab[b])
		for i, w := range words {
			var out []int32
			for j := 0; j < len(w); j++ {
				if j+1 < len(w) && w[j] == a && w[j+1] == b {
					out = append(out, id)
					j++
					continue
				}
				out = append(out, w[j])
			}
			words[i] = out
		}
	}
	return merges
}

// trainedMerges returns the merges of a tokenizer as "a b" strings.
func trainedMerges(t *testing.T, tok *Tokenizer) []string {
	t.Helper()
	p, err := parseFile(tok.JSON())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(p.merges))
	for i, m := range p.merges {
		out[i] = m[0] + " " + m[1]
	}
	return out
}

// randomLines makes lines from a small alphabet, so that many pairs tie and
// repeat.
func randomLines(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	alphabet := []string{"a", "b", "c", "ä", " ", " ", "'s", "<", "/", ">", "s", "1", "."}
	lines := make([]string, n)
	for i := range lines {
		var sb strings.Builder
		for j := r.IntN(40); j > 0; j-- {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		lines[i] = sb.String()
	}
	return lines
}

func TestTrainMatchesNaiveBPE(t *testing.T) {
	tests := []struct {
		name      string
		lines     []string
		vocabSize int
		minFreq   int
	}{
		{"small corpus", smallCorpus, 400, 2},
		{"small corpus min 1", smallCorpus, 600, 1},
		{"repeats", []string{"aaaaaaa aaaa", "abababab", "aaa bbb aaa"}, 300, 1},
		{"special spellings", []string{"<pad> <pad> <unk> <s> </s> <s>", "<pad><pad>"}, 300, 1},
		{"random 1", randomLines(1, 200), 500, 2},
		{"random 2", randomLines(2, 300), 400, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := trainLines(t, TrainOptions{VocabSize: tt.vocabSize, MinFrequency: tt.minFreq}, tt.lines...)
			got := trainedMerges(t, tok)
			want := naiveMerges(tt.lines, tt.vocabSize, tt.minFreq)
			if !slices.Equal(got, want) {
				n := 0
				for n < min(len(got), len(want)) && got[n] == want[n] {
					n++
				}
				t.Fatalf("%d merges, reference has %d; first difference at merge %d", len(got), len(want), n+1)
			}
			if len(got) == 0 {
				t.Fatal("no merges learned")
			}
		})
	}
}

func TestTrainVocabulary(t *testing.T) {
	tests := []struct {
		name      string
		opts      TrainOptions
		lines     []string
		wantSize  int
		wantToken string // a token that must be learned, or ""
	}{
		{"base only", TrainOptions{VocabSize: 260}, smallCorpus, 260, ""},
		{"exact size", TrainOptions{VocabSize: 300}, smallCorpus, 300, "Ġa"},
		{"too few pairs", TrainOptions{VocabSize: 100000, MinFrequency: 1}, []string{"ab ab"}, 262, "Ġab"},
		{"default min frequency", TrainOptions{VocabSize: 1000}, []string{"ab ab"}, 261, "ab"},
		{"min frequency", TrainOptions{VocabSize: 1000, MinFrequency: 3}, []string{"ab ab ab cd cd"}, 261, "ab"},
		{"empty text", TrainOptions{VocabSize: 1000}, []string{"", ""}, 260, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := trainLines(t, tt.opts, tt.lines...)
			if got := tok.VocabSize(); got != tt.wantSize {
				t.Errorf("VocabSize() = %d, want %d", got, tt.wantSize)
			}
			for id, s := range specialTokens() {
				if got := tok.Piece(id); got != s {
					t.Errorf("Piece(%d) = %q, want %q", id, got, s)
				}
			}
			if tt.wantToken != "" {
				if _, ok := tok.ID(tt.wantToken); !ok {
					t.Errorf("token %q not learned", tt.wantToken)
				}
			}
		})
	}
}

func TestTrainNeverLearnsSpecialSpellings(t *testing.T) {
	line := strings.Repeat("<pad><unk><s></s>", 50)
	tok := trainLines(t, TrainOptions{VocabSize: 400, MinFrequency: 1}, line, line)
	for id, s := range specialTokens() {
		if got, _ := tok.ID(s); got != id {
			t.Errorf("ID(%q) = %d, want %d", s, got, id)
		}
	}
	e, err := tok.Encode(line)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range e.IDs {
		if IsSpecial(id) {
			t.Fatalf("token %d of the text is the special id %d", i, id)
		}
	}
	if got := tok.Decode(e.IDs); got != line {
		t.Errorf("Decode(Encode(x)) = %q, want %q", got, line)
	}
}

func TestTrainDeterministic(t *testing.T) {
	a := trainLines(t, TrainOptions{VocabSize: 500, MinFrequency: 1}, randomLines(7, 300)...)
	b := trainLines(t, TrainOptions{VocabSize: 500, MinFrequency: 1}, randomLines(7, 300)...)
	if !bytes.Equal(a.JSON(), b.JSON()) {
		t.Error("two trainings on the same text gave different files")
	}
}

// TestTrainSegmentationMatchesSugarme checks that sugarme applies every
// learned merge it can: within a pre-tokenization piece, no two adjacent
// tokens of an encoded line form a learned merge.
func TestTrainSegmentationMatchesSugarme(t *testing.T) {
	tok := trainLines(t, TrainOptions{VocabSize: 330, MinFrequency: 1}, smallCorpus...)
	merged := map[string]bool{}
	for _, m := range trainedMerges(t, tok) {
		merged[m] = true
	}
	checked := 0
	for _, line := range append(smallCorpus, randomLines(4, 20)...) {
		e, err := tok.Encode(line)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(e.Pieces); i++ {
			if e.Offsets[i][1] != e.Offsets[i+1][0] || !sameSplit(line, e.Offsets[i][0], e.Offsets[i+1][1]) {
				continue
			}
			checked++
			if merged[e.Pieces[i]+" "+e.Pieces[i+1]] {
				t.Errorf("%q: tokens %q and %q are left unmerged though the merge exists", line, e.Pieces[i], e.Pieces[i+1])
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d adjacent tokens checked", checked)
	}
}

// sameSplit reports whether text[start:end] lies within one pre-tokenization
// piece.
func sameSplit(text string, start, end int) bool {
	ok := false
	splitBounded(text, func(s, e int) bool {
		if s <= start && end <= e {
			ok = true
		}
		return true
	})
	return ok
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    TrainOptions
		text    string
		wantErr string
		is      error
	}{
		{"small vocabulary", TrainOptions{VocabSize: 259}, "a", "below the 260", nil},
		{"negative frequency", TrainOptions{MinFrequency: -1}, "a", "minimum frequency", nil},
		{"invalid UTF-8", TrainOptions{}, "ok\nok\nbad \xff here\n", "text 1:3: invalid UTF-8 at byte 4", ErrInvalidUTF8},
		{"truncated rune", TrainOptions{}, "\xe6\x97", "text 1:1: invalid UTF-8 at byte 0", ErrInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(context.Background(), tt.opts, strings.NewReader(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Train() error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Train() error = %v, want one wrapping %v", err, tt.is)
			}
		})
	}
}

func TestTrainRepairUTF8(t *testing.T) {
	tr, err := NewTrainer(TrainOptions{VocabSize: 1000, RepairUTF8: true})
	if err != nil {
		t.Fatal(err)
	}
	text := "good line\r\nbad \xff\xfe line\nanother \xc3 one\nfine\n"
	if err := tr.AddText("in.txt", strings.NewReader(text)); err != nil {
		t.Fatal(err)
	}
	st := tr.Stats()
	if st.Lines != 4 || st.RepairedLines != 2 {
		t.Errorf("Stats() = %+v, want 4 lines, 2 repaired", st)
	}
	tok, err := tr.Train(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tok.ID(byteLevel(" \uFFFD")); !ok {
		t.Error(`" \uFFFD", seen twice, was not learned as a token`)
	}
}

func TestTrainCancelAndProgress(t *testing.T) {
	lines := randomLines(3, 500)
	var calls []TrainProgress
	opts := TrainOptions{VocabSize: 600, MinFrequency: 1, Progress: func(p TrainProgress) { calls = append(calls, p) }}
	tok := trainLines(t, opts, lines...)
	if len(calls) < 2 {
		t.Fatalf("Progress called %d times, want at least 2", len(calls))
	}
	last := calls[len(calls)-1]
	if last.Target != 340 || last.Merges != len(trainedMerges(t, tok)) {
		t.Errorf("last progress %+v, want target 340 and %d merges", last, len(trainedMerges(t, tok)))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Train(ctx, TrainOptions{VocabSize: 600, MinFrequency: 1}, strings.NewReader(strings.Join(lines, "\n")))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Train() with a cancelled context: error %v, want context.Canceled", err)
	}
}

func TestTrainLongLine(t *testing.T) {
	words := make([]string, 10000)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i%97)
	}
	line := strings.Join(words, " ")
	tok := trainLines(t, TrainOptions{VocabSize: 400}, line)
	e, err := tok.Encode(line)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Decode(e.IDs); got != line {
		t.Error("Decode(Encode(x)) != x for a 10,000-word line")
	}
	if e.Words[len(e.Words)-1] != 9999 {
		t.Errorf("last token in word %d, want 9999", e.Words[len(e.Words)-1])
	}
}

func BenchmarkTrain(b *testing.B) {
	var lines []string
	for i := 0; i < 50; i++ {
		lines = append(lines, smallCorpus...)
	}
	lines = append(lines, randomLines(5, 2000)...)
	text := strings.Join(lines, "\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Train(context.Background(), TrainOptions{VocabSize: 2000}, strings.NewReader(text)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainMulti30k(b *testing.B) {
	dir := multi30kDir(b)
	de := strings.Join(readGzipLines(b, dir+"/train.de.gz"), "\n")
	en := strings.Join(readGzipLines(b, dir+"/train.en.gz"), "\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(de) + len(en)))
	for b.Loop() {
		if _, err := Train(context.Background(), TrainOptions{VocabSize: 8000}, strings.NewReader(de), strings.NewReader(en)); err != nil {
			b.Fatal(err)
		}
	}
}
