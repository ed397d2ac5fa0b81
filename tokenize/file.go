package tokenize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The tokenizer.json layout written by encodeFile and accepted by FromJSON
// is HuggingFace's (tokenizers' Tokenizer serialization, version "1.0") for
// a byte-level BPE without normalizer, post-processor, truncation, padding
// or dropout.

// fileVersion is the "version" field of tokenizer.json files.
const fileVersion = "1.0"

// encodeFile writes the tokenizer.json bytes for a vocabulary (index = id)
// and its merges: keys in HuggingFace's order, the vocabulary in id order,
// one vocabulary entry or merge a line.
func encodeFile(vocab []string, merges []merge) []byte {
	var b bytes.Buffer
	b.Grow(40 * len(vocab))
	b.WriteString("{\n")
	b.WriteString(`  "version": "` + fileVersion + `",` + "\n")
	b.WriteString(`  "truncation": null,` + "\n")
	b.WriteString(`  "padding": null,` + "\n")
	b.WriteString(`  "added_tokens": [` + "\n")
	for id, s := range specialTokens() {
		fmt.Fprintf(&b, `    {"id": %d, "content": %s, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}`, id, quote(s))
		if id < NumSpecial-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  ],\n")
	b.WriteString(`  "normalizer": null,` + "\n")
	b.WriteString(`  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},` + "\n")
	b.WriteString(`  "post_processor": null,` + "\n")
	b.WriteString(`  "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},` + "\n")
	b.WriteString(`  "model": {` + "\n")
	b.WriteString(`    "type": "BPE",` + "\n")
	b.WriteString(`    "dropout": null,` + "\n")
	b.WriteString(`    "unk_token": ` + quote(UnkToken) + ",\n")
	b.WriteString(`    "continuing_subword_prefix": null,` + "\n")
	b.WriteString(`    "end_of_word_suffix": null,` + "\n")
	b.WriteString(`    "fuse_unk": false,` + "\n")
	b.WriteString(`    "byte_fallback": false,` + "\n")
	b.WriteString(`    "vocab": {` + "\n")
	for id, s := range vocab {
		b.WriteString("      " + quote(s) + ": " + strconv.Itoa(id))
		if id < len(vocab)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("    },\n")
	b.WriteString(`    "merges": [` + "\n")
	for i, m := range merges {
		b.WriteString("      " + quote(vocab[m.left]+" "+vocab[m.right]))
		if i < len(merges)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("    ]\n")
	b.WriteString("  }\n")
	b.WriteString("}\n")
	return b.Bytes()
}

// quote returns s as a JSON string, without HTML escaping.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// fileJSON is the part of tokenizer.json that FromJSON reads.
type fileJSON struct {
	Version       *string          `json:"version"`
	Truncation    json.RawMessage  `json:"truncation"`
	Padding       json.RawMessage  `json:"padding"`
	AddedTokens   []addedTokenJSON `json:"added_tokens"`
	Normalizer    json.RawMessage  `json:"normalizer"`
	PreTokenizer  *byteLevelJSON   `json:"pre_tokenizer"`
	PostProcessor json.RawMessage  `json:"post_processor"`
	Decoder       *byteLevelJSON   `json:"decoder"`
	Model         *modelJSON       `json:"model"`
}

type addedTokenJSON struct {
	ID      int    `json:"id"`
	Content string `json:"content"`
	Special bool   `json:"special"`
}

// byteLevelJSON is a ByteLevel pre-tokenizer or decoder. sugarme reads both
// flags as booleans, so they are decoded here to check their types.
type byteLevelJSON struct {
	Type           string `json:"type"`
	AddPrefixSpace bool   `json:"add_prefix_space"`
	TrimOffsets    bool   `json:"trim_offsets"`
}

type modelJSON struct {
	Type                    string            `json:"type"`
	Dropout                 json.RawMessage   `json:"dropout"`
	UnkToken                *string           `json:"unk_token"`
	ContinuingSubwordPrefix json.RawMessage   `json:"continuing_subword_prefix"`
	EndOfWordSuffix         json.RawMessage   `json:"end_of_word_suffix"`
	ByteFallback            bool              `json:"byte_fallback"`
	Vocab                   map[string]int    `json:"vocab"`
	Merges                  []json.RawMessage `json:"merges"`
}

// isNull reports whether a raw JSON value is absent or null.
func isNull(m json.RawMessage) bool {
	return len(m) == 0 || string(bytes.TrimSpace(m)) == "null"
}

// parsed is a checked tokenizer file.
type parsed struct {
	pieces  []string       // id -> token as written in the file
	ids     map[string]int // token -> id
	merges  [][2]string
	decoder byteLevelJSON
}

// parseFile decodes and checks tokenizer.json bytes. Every error says what
// is wrong with which field.
func parseFile(data []byte) (*parsed, error) {
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decode tokenizer.json: %w", err)
	}
	switch {
	case f.Version == nil || *f.Version != fileVersion:
		return nil, fmt.Errorf(`field "version": want %q`, fileVersion)
	case !isNull(f.Truncation):
		return nil, fmt.Errorf(`field "truncation": want null`)
	case !isNull(f.Padding):
		return nil, fmt.Errorf(`field "padding": want null`)
	case !isNull(f.Normalizer):
		return nil, fmt.Errorf(`field "normalizer": want null`)
	case !isNull(f.PostProcessor):
		return nil, fmt.Errorf(`field "post_processor": want null`)
	case f.PreTokenizer == nil || f.PreTokenizer.Type != "ByteLevel" || f.PreTokenizer.AddPrefixSpace:
		return nil, fmt.Errorf(`field "pre_tokenizer": want ByteLevel without prefix space`)
	case f.Decoder == nil || f.Decoder.Type != "ByteLevel":
		return nil, fmt.Errorf(`field "decoder": want ByteLevel`)
	case f.Model == nil || f.Model.Type != "BPE":
		return nil, fmt.Errorf(`field "model": want type BPE`)
	}
	m := f.Model
	switch {
	case !isNull(m.Dropout):
		return nil, fmt.Errorf(`field "model.dropout": want null`)
	case !isNull(m.ContinuingSubwordPrefix):
		return nil, fmt.Errorf(`field "model.continuing_subword_prefix": want null`)
	case !isNull(m.EndOfWordSuffix):
		return nil, fmt.Errorf(`field "model.end_of_word_suffix": want null`)
	case m.ByteFallback:
		return nil, fmt.Errorf(`field "model.byte_fallback": want false`)
	case m.UnkToken == nil || *m.UnkToken != UnkToken:
		return nil, fmt.Errorf(`field "model.unk_token": want %q`, UnkToken)
	}
	if err := checkAddedTokens(f.AddedTokens); err != nil {
		return nil, err
	}
	if m.Merges == nil {
		return nil, fmt.Errorf(`field "model.merges": want a list`)
	}
	p, err := checkVocab(m.Vocab)
	if err != nil {
		return nil, err
	}
	p.merges = make([][2]string, len(m.Merges))
	for i, raw := range m.Merges {
		pair, err := decodeMerge(raw)
		if err != nil {
			return nil, fmt.Errorf("merge %d: %w", i+1, err)
		}
		for _, s := range pair {
			if id, ok := p.ids[s]; !ok || IsSpecial(id) {
				return nil, fmt.Errorf("merge %d: %q is not an ordinary vocabulary token", i+1, s)
			}
		}
		if id, ok := p.ids[pair[0]+pair[1]]; !ok || IsSpecial(id) {
			return nil, fmt.Errorf("merge %d: result %q is not an ordinary vocabulary token", i+1, pair[0]+pair[1])
		}
		p.merges[i] = pair
	}
	p.decoder = *f.Decoder
	return p, nil
}

// checkAddedTokens checks that the added tokens are exactly the special
// tokens with their fixed ids.
func checkAddedTokens(added []addedTokenJSON) error {
	want := specialTokens()
	if len(added) != len(want) {
		return fmt.Errorf(`field "added_tokens": want the %d special tokens %q, got %d tokens`, len(want), want, len(added))
	}
	for _, a := range added {
		if a.ID < 0 || a.ID >= len(want) || want[a.ID] != a.Content || !a.Special {
			return fmt.Errorf(`field "added_tokens": token %q with id %d: want the special tokens %q with ids 0..%d`, a.Content, a.ID, want, len(want)-1)
		}
	}
	return nil
}

// checkVocab checks that the ids are 0..n-1, the special tokens hold their
// ids, every byte has its token and every other token is made of byte
// characters.
func checkVocab(vocab map[string]int) (*parsed, error) {
	n := len(vocab)
	if n < baseVocabSize {
		return nil, fmt.Errorf(`field "model.vocab": %d tokens, want at least %d`, n, baseVocabSize)
	}
	pieces := make([]string, n)
	for s, id := range vocab {
		if id < 0 || id >= n {
			return nil, fmt.Errorf(`field "model.vocab": token %q has id %d, outside 0..%d`, s, id, n-1)
		}
		if pieces[id] != "" {
			return nil, fmt.Errorf(`field "model.vocab": id %d used twice`, id)
		}
		if s == "" {
			return nil, fmt.Errorf(`field "model.vocab": empty token with id %d`, id)
		}
		pieces[id] = s
	}
	for id, s := range specialTokens() {
		if pieces[id] != s {
			return nil, fmt.Errorf(`field "model.vocab": id %d is %q, want %q`, id, pieces[id], s)
		}
	}
	for b := 0; b < 256; b++ {
		if _, ok := vocab[string(byteRune(byte(b)))]; !ok {
			return nil, fmt.Errorf(`field "model.vocab": no token for byte 0x%02x`, b)
		}
	}
	for id := NumSpecial; id < n; id++ {
		if _, ok := rawBytes(pieces[id]); !ok {
			return nil, fmt.Errorf(`field "model.vocab": token %q (id %d) is not made of byte-level characters`, pieces[id], id)
		}
	}
	return &parsed{pieces: pieces, ids: vocab}, nil
}

// plainString returns the string a JSON value holds when it is a string
// without escapes in valid UTF-8, whose value is the bytes between its
// quotes (raw is valid JSON: it has no control characters), and whether
// it is one; json.Unmarshal decodes the others.
func plainString(raw json.RawMessage) (string, bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' || bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
		return "", false
	}
	return string(raw[1 : n-1]), true
}

// decodeMerge reads a merge written as "a b" or as ["a", "b"].
func decodeMerge(raw json.RawMessage) ([2]string, error) {
	s, isString := plainString(raw)
	if !isString {
		isString = json.Unmarshal(raw, &s) == nil
	}
	if isString {
		left, right, ok := strings.Cut(s, " ")
		if !ok || strings.Contains(right, " ") {
			return [2]string{}, fmt.Errorf("%q is not two tokens separated by a space", s)
		}
		return [2]string{left, right}, nil
	}
	var pair []string
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return [2]string{}, fmt.Errorf("%s is neither \"a b\" nor [\"a\", \"b\"]", raw)
	}
	return [2]string{pair[0], pair[1]}, nil
}
