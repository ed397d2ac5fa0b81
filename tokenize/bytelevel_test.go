package tokenize

import (
	"testing"

	"github.com/sugarme/tokenizer/pretokenizer"
)

func TestByteRuneMatchesSugarme(t *testing.T) {
	want := pretokenizer.GenerateBytesChar()
	seen := make(map[rune]bool)
	for b := 0; b < 256; b++ {
		r := byteRune(byte(b))
		if got := string(r); got != want[uint8(b)] {
			t.Errorf("byteRune(0x%02x) = %q, sugarme has %q", b, got, want[uint8(b)])
		}
		if seen[r] {
			t.Errorf("byteRune(0x%02x) = %q is used twice", b, r)
		}
		seen[r] = true
		back, ok := runeByte(r)
		if !ok || back != byte(b) {
			t.Errorf("runeByte(%q) = 0x%02x, %v; want 0x%02x", r, back, ok, b)
		}
	}
}

func TestRuneByteRejects(t *testing.T) {
	for _, r := range []rune{' ', '\n', 0, 0x7F, 0xAD, 0x100 + 68, 0x144, '€', '😀'} {
		if b, ok := runeByte(r); ok {
			t.Errorf("runeByte(%q) = 0x%02x, true; want false", r, b)
		}
	}
}

func TestRawBytesRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a b", "fährt", "\x00\xff\t\n", "日本😀"} {
		got, ok := rawBytes(byteLevel(s))
		if !ok || string(got) != s {
			t.Errorf("rawBytes(byteLevel(%q)) = %q, %v", s, got, ok)
		}
	}
}
