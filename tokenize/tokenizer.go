package tokenize

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	sugar "github.com/sugarme/tokenizer"
	sugarbpe "github.com/sugarme/tokenizer/model/bpe"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// Tokenizer encodes text to token ids and decodes ids back to text. It is
// safe for concurrent use.
type Tokenizer struct {
	tk     *sugar.Tokenizer // Decode's pipeline, and encodeSugar's
	bpe    *sugarbpe.BPE    // tk's model, which merges Encode's pieces
	cache  *pieceCache      // piece -> ids, as bpe merges it
	data   []byte           // the tokenizer.json bytes
	pieces []string         // id -> token as written in the file
	ids    map[string]int   // token -> id
}

// Encoding is the tokenization of one text.
type Encoding struct {
	// IDs are the token ids. Encode adds no BOS or EOS.
	IDs []int
	// Pieces are the tokens as written in the vocabulary, in the byte-level
	// alphabet: each byte of the text is one character ('Ġ' for a space,
	// "Ã¼" for the two bytes of 'ü'), and a multi-byte character may be
	// split between tokens.
	Pieces []string
	// Offsets are the byte spans [start, end) of the input that the tokens
	// come from. A token holding only part of a multi-byte character spans
	// the whole character.
	Offsets [][2]int
	// Words holds, for each token, the 0-based index of the input word it
	// belongs to, words being the whitespace-separated fields of the input
	// exactly as strings.Fields gives them, punctuation attached. A token is
	// in the word of its first non-space byte; a token of whitespace only is
	// in the next word, or in the last word at the end of the text, or -1
	// if the text has no words.
	Words []int
}

// Load reads a tokenizer.json file written by Save (or any file FromJSON
// accepts).
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w", err)
	}
	t, err := FromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	return t, nil
}

// FromJSON builds a tokenizer from tokenizer.json bytes, as returned by
// JSON. It checks the whole file (see the package documentation for the
// shape it accepts) and builds sugarme's pipeline from the tables it read,
// as sugarme's pretrained loader would build it from the file.
func FromJSON(data []byte) (*Tokenizer, error) {
	p, err := parseFile(data)
	if err != nil {
		return nil, err
	}
	tk, bpe := newSugar(p)
	tk.WithPreTokenizer(fastByteLevel{})
	return &Tokenizer{
		tk:     tk,
		bpe:    bpe,
		cache:  newPieceCache(maxCacheEntries),
		data:   bytes.Clone(data),
		pieces: p.pieces,
		ids:    p.ids,
	}, nil
}

// JSON returns the tokenizer.json bytes, the ones to embed in model files.
// The caller must not modify them.
func (t *Tokenizer) JSON() []byte { return t.data }

// Save writes the tokenizer.json file atomically (see package
// corpus/atomicfile): to a temporary file in the same directory, synced and
// renamed over path.
func (t *Tokenizer) Save(path string) error {
	err := atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(t.data)
		return err
	})
	if err != nil {
		return fmt.Errorf("save tokenizer: %w", err)
	}
	return nil
}

// NeverUnk reports that Encode never gives UnkID: every byte has a token
// (FromJSON refuses a vocabulary without all 256), so no text is unknown.
// A translator can then skip the work of replacing <unk> in outputs.
func (t *Tokenizer) NeverUnk() bool { return true }

// VocabSize returns the number of token ids, special tokens included.
func (t *Tokenizer) VocabSize() int { return len(t.pieces) }

// Piece returns the token with the given id as written in the vocabulary, or
// "" if there is no such id.
func (t *Tokenizer) Piece(id int) string {
	if id < 0 || id >= len(t.pieces) {
		return ""
	}
	return t.pieces[id]
}

// ID returns the id of a token written as in the vocabulary, and whether
// there is one.
func (t *Tokenizer) ID(piece string) (int, bool) {
	id, ok := t.ids[piece]
	return id, ok
}

// Encode tokenizes text. Text that is not valid UTF-8 gives an error
// wrapping ErrInvalidUTF8 (see RepairUTF8).
func (t *Tokenizer) Encode(text string) (Encoding, error) {
	if err := checkUTF8(text); err != nil {
		return Encoding{}, err
	}
	if text == "" {
		return emptyEncoding(), nil
	}
	return t.encode(text), nil
}

// emptyEncoding is the encoding of "".
func emptyEncoding() Encoding {
	return Encoding{IDs: []int{}, Pieces: []string{}, Offsets: [][2]int{}, Words: []int{}}
}

// encodeSugar is Encode through sugarme's whole pipeline, the reference
// that tests check Encode against.
func (t *Tokenizer) encodeSugar(text string) (Encoding, error) {
	if err := checkUTF8(text); err != nil {
		return Encoding{}, err
	}
	if text == "" {
		return emptyEncoding(), nil
	}
	enc, err := t.tk.EncodeSingle(text, false)
	if err != nil {
		return Encoding{}, fmt.Errorf("encode: %w", err)
	}
	n := len(enc.Ids)
	if len(enc.Tokens) != n || len(enc.Offsets) != n {
		return Encoding{}, fmt.Errorf("encode: sugarme returned %d ids, %d tokens and %d offsets", n, len(enc.Tokens), len(enc.Offsets))
	}
	e := Encoding{IDs: enc.Ids, Pieces: enc.Tokens}
	if strings.IndexByte(text, 0) >= 0 {
		// sugarme's offsets go wrong after a NUL byte (its NormalizedString
		// takes rune 0 for "no rune"): compute them from the tokens.
		e.Offsets, err = pieceOffsets(text, e.Pieces)
		if err != nil {
			return Encoding{}, err
		}
	} else {
		e.Offsets = make([][2]int, n)
		for i, o := range enc.Offsets {
			if len(o) != 2 || o[0] < 0 || o[0] > o[1] || o[1] > len(text) {
				return Encoding{}, fmt.Errorf("encode: sugarme returned offsets %v for token %d of a %d-byte text", o, i, len(text))
			}
			e.Offsets[i] = [2]int{o[0], o[1]}
		}
	}
	e.Words = wordIndex(text, e.Offsets)
	return e, nil
}

// pieceOffsets returns the byte spans of the tokens of text, which spell it
// byte for byte, widened to whole characters as sugarme does.
func pieceOffsets(text string, pieces []string) ([][2]int, error) {
	offsets := make([][2]int, len(pieces))
	pos := 0
	for i, p := range pieces {
		raw, ok := rawBytes(p)
		if !ok || !strings.HasPrefix(text[pos:], string(raw)) {
			return nil, fmt.Errorf("encode: token %d %q does not spell the text at byte %d", i, p, pos)
		}
		offsets[i] = charSpan(text, pos, pos+len(raw))
		pos += len(raw)
	}
	if pos != len(text) {
		return nil, fmt.Errorf("encode: tokens spell %d of %d bytes", pos, len(text))
	}
	return offsets, nil
}

// Decode returns the text of the given ids. Special ids and ids outside the
// vocabulary are skipped; byte sequences that are not valid UTF-8 (as a
// model may generate) become U+FFFD.
func (t *Tokenizer) Decode(ids []int) string {
	keep := make([]int, 0, len(ids))
	for _, id := range ids {
		if id >= NumSpecial && id < len(t.pieces) {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	s := t.tk.Decode(keep, false)
	return strings.ToValidUTF8(s, "\uFFFD")
}
