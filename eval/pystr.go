package eval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds Python's string semantics that sacreBLEU depends on:
// str.isspace, str.split() and str.lower().

// isPySpace reports whether Python's str.isspace holds for r: the Unicode
// White_Space characters plus the information separators U+001C..U+001F.
func isPySpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	switch {
	case r == 0x85, r == 0xA0, r == 0x1680:
		return true
	case r >= 0x2000 && r <= 0x200A:
		return true
	case r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// asciiSpace marks the ASCII bytes Python treats as whitespace.
var asciiSpace = [utf8.RuneSelf]bool{
	'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true,
	0x1C: true, 0x1D: true, 0x1E: true, 0x1F: true,
}

// pyFields splits s on runs of Python whitespace like str.split() and
// appends the fields to dst.
func pyFields(dst []string, s string) []string {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		space := false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = isPySpace(r)
		}
		if space {
			if start >= 0 {
				dst = append(dst, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// pyRStrip removes trailing Python whitespace like str.rstrip().
func pyRStrip(s string) string {
	for len(s) > 0 {
		if c := s[len(s)-1]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return s
			}
			s = s[:len(s)-1]
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !isPySpace(r) { // utf8.RuneError is not a space
			return s
		}
		s = s[:len(s)-size]
	}
	return s
}

// pyLower lowercases s like Python's str.lower(): the Unicode full
// lowercase mapping, which differs from the simple one only for U+0130
// (İ becomes "i̇") and the final-sigma rule for U+03A3.
func pyLower(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(s) + 4)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			sb.WriteByte(s[i]) // not valid UTF-8: keep the byte
		case r == 0x130:
			sb.WriteString("i\u0307")
		case r == 0x3A3:
			if finalSigma(s, i, i+size) {
				sb.WriteRune(0x3C2)
			} else {
				sb.WriteRune(0x3C3)
			}
		default:
			sb.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return sb.String()
}

// finalSigma reports whether the capital sigma at s[start:end] is in the
// Final_Sigma context, as CPython's handle_capital_sigma decides it: a cased
// letter before it and none after it, skipping case-ignorable characters.
func finalSigma(s string, start, end int) bool {
	j := start
	var c rune
	found := false
	for j > 0 {
		var size int
		c, size = utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if !isCaseIgnorable(c) {
			found = true
			break
		}
	}
	if !found || !isCased(c) {
		return false
	}
	for k := end; k < len(s); {
		r, size := utf8.DecodeRuneInString(s[k:])
		if !isCaseIgnorable(r) {
			return !isCased(r)
		}
		k += size
	}
	return true
}

// isCased reports the Unicode Cased property: Lowercase, Uppercase or Lt.
func isCased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// isCaseIgnorable reports the Unicode Case_Ignorable property: categories
// Mn, Me, Cf, Lm and Sk and the Word_Break classes MidLetter, MidNumLet and
// Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
