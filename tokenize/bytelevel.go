package tokenize

import "strings"

// The byte-level alphabet is GPT-2's bytes_to_unicode table, the one used by
// HuggingFace's and sugarme's ByteLevel pre-tokenizer and decoder: printable
// bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves and the other 68
// bytes, in increasing order, for U+0100..U+0143 (so ' ' is 'Ġ', U+0120).

// selfMapped reports whether byte b is written as the character with the
// same code point.
func selfMapped(b byte) bool {
	return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE
}

// byteRune returns the character that stands for byte b.
func byteRune(b byte) rune {
	switch {
	case selfMapped(b):
		return rune(b)
	case b <= ' ':
		return 0x100 + rune(b)
	case b <= 0xA0: // 0x7F..0xA0
		return 0x100 + 33 + rune(b-0x7F)
	default: // 0xAD
		return 0x100 + 33 + 34
	}
}

// runeByte is the inverse of byteRune.
func runeByte(r rune) (byte, bool) {
	switch {
	case r < 0x100:
		if selfMapped(byte(r)) {
			return byte(r), true
		}
		return 0, false
	case r <= 0x100+' ':
		return byte(r - 0x100), true
	case r < 0x100+33+34:
		return byte(r-0x100-33) + 0x7F, true
	case r == 0x100+33+34:
		return 0xAD, true
	}
	return 0, false
}

// byteLevel writes raw bytes as byte-level characters.
func byteLevel(raw string) string {
	var sb strings.Builder
	sb.Grow(2 * len(raw))
	for i := 0; i < len(raw); i++ {
		sb.WriteRune(byteRune(raw[i]))
	}
	return sb.String()
}

// rawBytes converts a byte-level string back to the bytes it stands for. It
// reports false if the string holds a character outside the alphabet.
func rawBytes(piece string) ([]byte, bool) {
	out := make([]byte, 0, len(piece))
	for _, r := range piece {
		b, ok := runeByte(r)
		if !ok {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}
