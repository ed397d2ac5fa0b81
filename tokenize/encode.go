package tokenize

import (
	"strings"
	"sync"
	"unicode/utf8"

	sugarbpe "github.com/sugarme/tokenizer/model/bpe"
)

// maxCacheEntries bounds the pieces a Tokenizer's piece cache holds; once
// it is full, new pieces are merged on every use and not stored (as
// HuggingFace's and sugarme's BPE caches do). A caption corpus has some
// tens of thousands of distinct pieces. A cache full of word-sized pieces
// takes about 8 MiB, one full of the longest pieces it keeps about 25 MiB.
const maxCacheEntries = 1 << 16

// maxCachedPieceBytes is the longest piece, in bytes, that the piece cache
// stores: longer ones (garbage, long symbol runs) are rare and merged on
// every use, so that they take no room from words.
const maxCachedPieceBytes = 64

// pieceCache maps pre-tokenization pieces, as bytes of the text, to the
// token ids sugarme's BPE merges them into. It is safe for concurrent use
// and holds at most max entries.
type pieceCache struct {
	mu  sync.RWMutex
	m   map[string][]int32
	max int
}

// newPieceCache returns an empty cache that holds at most max pieces.
func newPieceCache(max int) *pieceCache {
	return &pieceCache{m: make(map[string][]int32), max: max}
}

// get returns the ids of piece, if cached. The caller must not modify
// them.
func (c *pieceCache) get(piece string) ([]int32, bool) {
	c.mu.RLock()
	ids, ok := c.m[piece]
	c.mu.RUnlock()
	return ids, ok
}

// add stores the ids of piece unless the cache is full or the piece too
// long. The cache keeps ids; piece is copied.
func (c *pieceCache) add(piece string, ids []int32) {
	if len(piece) > maxCachedPieceBytes {
		return
	}
	c.mu.Lock()
	if len(c.m) < c.max {
		c.m[strings.Clone(piece)] = ids
	}
	c.mu.Unlock()
}

// mergePiece returns the token ids of one piece of text (its raw bytes):
// what sugarme's BPE model, given the piece in the byte-level alphabet as
// sugarme's pipeline gives it, merges it into.
func mergePiece(model *sugarbpe.BPE, piece string) []int32 {
	chars := model.MergeWord(byteLevel(piece)).GetChars()
	ids := make([]int32, len(chars))
	for i, id := range chars {
		ids[i] = int32(id)
	}
	return ids
}

// appendPieceIDs appends the token ids of a piece of text to dst, from
// the cache or, on a miss, merged by sugarme's BPE and cached.
func (t *Tokenizer) appendPieceIDs(dst []int32, piece string) []int32 {
	ids, ok := t.cache.get(piece)
	if !ok {
		ids = mergePiece(t.bpe, piece)
		t.cache.add(piece, ids)
	}
	return append(dst, ids...)
}

// encode is Encode for valid, non-empty UTF-8 text. It gives what
// encodeSugar gives: the pieces are split as fastByteLevel splits them,
// each is merged by sugarme's BPE model (through the piece cache), and the
// offsets are the tokens' bytes widened to whole characters, as sugarme
// maps them back to the text.
func (t *Tokenizer) encode(text string) Encoding {
	var buf [256]int32 // the ids of a sentence, without allocating
	ids := buf[:0]
	splitBounded(text, func(start, end int) bool {
		ids = t.appendPieceIDs(ids, text[start:end])
		return true
	})
	n := len(ids)
	e := Encoding{IDs: make([]int, n), Pieces: make([]string, n), Offsets: make([][2]int, n)}
	pos := 0
	for i, id := range ids {
		piece := t.pieces[id]
		end := pos + utf8.RuneCountInString(piece) // a character a byte
		e.IDs[i], e.Pieces[i], e.Offsets[i] = int(id), piece, charSpan(text, pos, end)
		pos = end
	}
	e.Words = wordIndex(text, e.Offsets)
	return e
}

// charSpan returns the byte span [start, end) of text widened to whole
// characters.
func charSpan(text string, start, end int) [2]int {
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return [2]int{start, end}
}
