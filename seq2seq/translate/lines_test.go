package translate

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attnmt/nmt/corpus/lines"
	"github.com/attnmt/nmt/tokenize"
)

func readAll(t *testing.T, in string, maxBytes int) []line {
	t.Helper()
	lr := newLineReader(strings.NewReader(in), maxBytes, func(n int) string { return fmt.Sprintf("line %d", n) })
	var lines []line
	for {
		l, ok, err := lr.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return lines
		}
		lines = append(lines, l)
	}
}

func TestLineReader(t *testing.T) {
	type want struct {
		text string
		err  error
	}
	tests := []struct {
		name string
		in   string
		max  int
		want []want
	}{
		{"empty", "", 100, nil},
		{"one empty line", "\n", 100, []want{{"", nil}}},
		{"no final newline", "a\nb", 100, []want{{"a", nil}, {"b", nil}}},
		{"crlf", "a\r\nb\r\n", 100, []want{{"a", nil}, {"b", nil}}},
		{"bom", "\xef\xbb\xbfa\n\xef\xbb\xbfb\n", 100, []want{{"a", nil}, {"\xef\xbb\xbfb", nil}}},
		{"invalid", "a\xff\nb\n", 100, []want{{"a\xff", tokenize.ErrInvalidUTF8}, {"b", nil}}},
		{"too long", "abcdef\nabc\nabcd\r\n", 4, []want{{"", ErrLineTooLong}, {"abc", nil}, {"abcd", nil}}},
		{"too long at end", "abc\nabcdefgh", 4, []want{{"abc", nil}, {"", ErrLineTooLong}}},
		{"longer than the buffer", strings.Repeat("x", 200<<10) + "\nok\n", 100 << 10, []want{{"", ErrLineTooLong}, {"ok", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, tt.in, tt.max)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines, want %d", len(got), len(tt.want))
			}
			for i, l := range got {
				if l.num != i+1 || l.text != tt.want[i].text || !errors.Is(l.err, tt.want[i].err) {
					t.Errorf("line %d: got %d %q %v, want %q %v", i+1, l.num, l.text, l.err, tt.want[i].text, tt.want[i].err)
				}
			}
		})
	}
}

func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"", "\n", "a\nb", "a\r\n\r\n", "\xef\xbb\xbfx\n", "\xff\n", "long line here\nx"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		max = 1 + max&63
		got := readAll(t, in, max)
		// The lines are package lines' (tested against strings.Split
		// there), with an error for a long or invalid one.
		want := splitAll(t, in, max)
		if len(got) != len(want) {
			t.Fatalf("got %d lines, want %d", len(got), len(want))
		}
		for i, l := range got {
			w := want[i]
			switch {
			case w == nil:
				if !errors.Is(l.err, ErrLineTooLong) || l.text != "" {
					t.Errorf("line %d: got %q %v, want ErrLineTooLong", i+1, l.text, l.err)
				}
			case l.text != *w:
				t.Errorf("line %d: got %q, want %q", i+1, l.text, *w)
			case errors.Is(l.err, tokenize.ErrInvalidUTF8) == utf8.ValidString(*w):
				t.Errorf("line %d %q: error %v", i+1, *w, l.err)
			}
		}
	})
}

// splitAll returns the lines of package lines' reader, nil for a line
// over maxBytes.
func splitAll(t *testing.T, in string, maxBytes int) []*string {
	t.Helper()
	lr := lines.NewReader(strings.NewReader(in), lines.Options{MaxBytes: maxBytes})
	var out []*string
	for {
		b, tooLong, err := lr.Next()
		switch {
		case err == io.EOF:
			return out
		case err != nil:
			t.Fatal(err)
		case tooLong:
			out = append(out, nil)
		default:
			s := string(b)
			out = append(out, &s)
		}
	}
}
