package tokenize

import "unicode/utf8"

// MaxPieceBytes bounds the pieces that BPE merges: a pre-tokenization
// piece longer than this (a "word" of 50,000 letters, a run of garbage
// symbols) is cut into chunks of at most MaxPieceBytes bytes, at character
// boundaries, before merging. BPE over a piece costs time quadratic in the
// piece's length; with the bound, encoding costs time linear in the text.
// No token of a trained vocabulary is longer than this (training cuts
// pieces the same way), and words of real text are far shorter, so the
// bound changes no encoding of ordinary text.
const MaxPieceBytes = 128

// splitBounded calls fn with the byte span of each piece of s as
// splitPieces gives them, pieces longer than MaxPieceBytes cut into
// chunks of at most MaxPieceBytes bytes ending at character boundaries,
// until fn returns false. s must be valid UTF-8.
func splitBounded(s string, fn func(start, end int) bool) {
	splitPieces(s, func(start, end int) bool {
		for end-start > MaxPieceBytes {
			cut := start + MaxPieceBytes
			for cut > start && !utf8.RuneStart(s[cut]) {
				cut--
			}
			if cut == start { // not UTF-8: cut anywhere
				cut = start + MaxPieceBytes
			}
			if !fn(start, cut) {
				return false
			}
			start = cut
		}
		return fn(start, end)
	})
}

// MinTokens returns a lower bound on the number of tokens Encode gives
// for text, without encoding it, counting up to limit+1 at most: the
// number of pieces BPE merges (see MaxPieceBytes), each of which gives at
// least one token. It costs a pass over the bytes (stopping once the
// count passes limit), so a caller that refuses texts of more than limit
// tokens can refuse a megabyte of garbage in about a millisecond instead
// of encoding it. text must be valid UTF-8.
func (t *Tokenizer) MinTokens(text string, limit int) int {
	n := 0
	splitBounded(text, func(int, int) bool {
		n++
		return n <= limit
	})
	return n
}
