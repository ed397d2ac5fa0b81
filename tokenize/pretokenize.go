package tokenize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitPieces calls fn with the byte span of each pre-tokenization piece of
// s, in order, until fn returns false; the spans cover s exactly. It implements, without regular
// expressions, what sugarme's ByteLevel pre-tokenizer does with the pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+
//
// (leftmost-first, the text between matches kept as pieces), where \s is
// Go's ASCII class [\t\n\f\r ]. s must be valid UTF-8.
func splitPieces(s string, fn func(start, end int) bool) {
	for i := 0; i < len(s); {
		end := matchAt(s, i)
		if end < 0 { // whitespace that starts no match: a gap piece
			end = i + 1
			for end < len(s) && matchAt(s, end) < 0 {
				end++
			}
		}
		if !fn(i, end) {
			return
		}
		i = end
	}
}

// charClass is the class of a character in the pattern.
type charClass uint8

const (
	classSpace charClass = iota // \s
	classLetter
	classNumber
	classOther
)

// classOf returns the class of the character starting at s[i] and its size.
func classOf(s string, i int) (charClass, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r':
			return classSpace, 1
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			return classLetter, 1
		case c >= '0' && c <= '9':
			return classNumber, 1
		}
		return classOther, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case unicode.IsLetter(r):
		return classLetter, size
	case unicode.IsNumber(r):
		return classNumber, size
	}
	return classOther, size
}

// matchAt returns the end of the pattern's match starting at s[i], or -1 if
// no match starts there.
func matchAt(s string, i int) int {
	if s[i] == '\'' {
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "s"), strings.HasPrefix(rest, "t"),
			strings.HasPrefix(rest, "m"), strings.HasPrefix(rest, "d"):
			return i + 2
		case strings.HasPrefix(rest, "re"), strings.HasPrefix(rest, "ve"),
			strings.HasPrefix(rest, "ll"):
			return i + 3
		}
	}
	class, size := classOf(s, i)
	start := i + size
	if class == classSpace {
		if s[i] != ' ' || start >= len(s) {
			return -1
		}
		class, size = classOf(s, start)
		if class == classSpace {
			return -1
		}
		start += size
	}
	for start < len(s) {
		c, size := classOf(s, start)
		if c != class {
			break
		}
		start += size
	}
	return start
}
