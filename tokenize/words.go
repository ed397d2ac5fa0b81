package tokenize

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

// wordIndex returns, for each token span of text, the index of the
// whitespace-separated word it belongs to (see Encoding.Words).
func wordIndex(text string, offsets [][2]int) []int {
	// ends[i] is the byte offset just past word i.
	var buf [64]int // the words of a sentence, without allocating
	ends := buf[:0]
	inWord := false
	for i, r := range text {
		space := unicode.IsSpace(r)
		switch {
		case !space && !inWord:
			inWord = true
		case space && inWord:
			ends = append(ends, i)
			inWord = false
		}
	}
	if inWord {
		ends = append(ends, len(text))
	}
	words := make([]int, len(offsets))
	for i, o := range offsets {
		pos := firstNonSpace(text, o[0], o[1])
		if pos < 0 {
			pos = o[1] // whitespace only: the next word
		}
		w := sort.SearchInts(ends, pos+1) // first word ending after pos
		if w == len(ends) {
			w = len(ends) - 1 // after the last word, or no words: -1
		}
		words[i] = w
	}
	return words
}

// firstNonSpace returns the offset of the first non-space character in
// text[start:end], or -1.
func firstNonSpace(text string, start, end int) int {
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return -1
}
