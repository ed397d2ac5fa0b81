// Package translatetest provides a small word-level tokenizer for testing
// package translate and the command line without trained tokenizer files.
package translatetest

import (
	"strings"
	"unicode/utf8"

	"github.com/attnmt/nmt/tokenize"
)

// Tokenizer maps whitespace-separated words to ids through a fixed
// vocabulary: Vocab[i] has id tokenize.NumSpecial+i, other words are <unk>.
// With Split, a word of more than 7 characters is cut in two pieces, the
// first ending in "@@", as subword tokenizers do. Decode joins the pieces
// with spaces and glues "@@" pieces to the next one, skipping special ids.
type Tokenizer struct {
	Vocab []string
	Split bool
	ids   map[string]int
}

// New returns a Tokenizer of the given vocabulary.
func New(vocab []string, split bool) *Tokenizer {
	t := &Tokenizer{Vocab: vocab, Split: split, ids: make(map[string]int, len(vocab))}
	for i, w := range vocab {
		t.ids[w] = tokenize.NumSpecial + i
	}
	return t
}

// VocabSize returns the number of ids, special ids included.
func (t *Tokenizer) VocabSize() int { return tokenize.NumSpecial + len(t.Vocab) }

// Encode tokenizes text.
func (t *Tokenizer) Encode(text string) (tokenize.Encoding, error) {
	enc := tokenize.Encoding{IDs: []int{}, Pieces: []string{}, Offsets: [][2]int{}, Words: []int{}}
	for w, word := range strings.Fields(text) {
		pieces := []string{word}
		if n := utf8.RuneCountInString(word); t.Split && n > 7 {
			cut := len(string([]rune(word)[:n/2]))
			pieces = []string{word[:cut] + "@@", word[cut:]}
		}
		for _, p := range pieces {
			id, ok := t.ids[p]
			if !ok {
				id = tokenize.UnkID
			}
			enc.IDs = append(enc.IDs, id)
			enc.Pieces = append(enc.Pieces, p)
			enc.Words = append(enc.Words, w)
		}
	}
	return enc, nil
}

// Piece returns the token of id, "" if there is none.
func (t *Tokenizer) Piece(id int) string {
	switch {
	case id >= tokenize.NumSpecial && id < t.VocabSize():
		return t.Vocab[id-tokenize.NumSpecial]
	case id == tokenize.UnkID:
		return tokenize.UnkToken
	case id == tokenize.EOSID:
		return tokenize.EOSToken
	}
	return ""
}

// Decode returns the text of ids.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id < tokenize.NumSpecial || id >= t.VocabSize() {
			continue
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "@@") {
			b.WriteByte(' ')
		}
		b.WriteString(t.Vocab[id-tokenize.NumSpecial])
	}
	return strings.ReplaceAll(b.String(), "@@", "")
}
