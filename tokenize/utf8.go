package tokenize

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalidUTF8 is returned, wrapped, for text that is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("invalid UTF-8")

// checkUTF8 returns nil if s is valid UTF-8, or an error wrapping
// ErrInvalidUTF8 that gives the byte offset of the first invalid sequence.
func checkUTF8(s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%w at byte %d", ErrInvalidUTF8, i)
		}
		i += size
	}
	return ErrInvalidUTF8 // not reached
}

// RepairUTF8 returns s with each run of invalid UTF-8 bytes replaced by
// U+FFFD, the replacement character, and reports whether it changed s.
func RepairUTF8(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	return strings.ToValidUTF8(s, "\uFFFD"), true
}
