package lines

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// line is what Next returned for one line.
type line struct {
	text    string
	tooLong bool
}

func readAll(t *testing.T, r io.Reader, opt Options) ([]line, error) {
	t.Helper()
	lr := NewReader(r, opt)
	var got []line
	for {
		b, tooLong, err := lr.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return got, err
		}
		got = append(got, line{string(b), tooLong})
		if lr.Line() != len(got) {
			t.Fatalf("Line() = %d after %d lines", lr.Line(), len(got))
		}
	}
}

func TestReader(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	tests := []struct {
		name string
		in   string
		opt  Options
		want []line
	}{
		{"empty", "", Options{}, nil},
		{"one empty line", "\n", Options{}, []line{{"", false}}},
		{"no final newline", "a\nb", Options{}, []line{{"a", false}, {"b", false}}},
		{"crlf", "a\r\nb\r\n", Options{}, []line{{"a", false}, {"b", false}}},
		{"one cr dropped per line", "a\r\r\n\r", Options{}, []line{{"a\r", false}, {"", false}}},
		{"bom dropped at the start only", "\xef\xbb\xbfa\n\xef\xbb\xbfb\n", Options{}, []line{{"a", false}, {"\xef\xbb\xbfb", false}}},
		{"bom alone", "\xef\xbb\xbf", Options{}, nil},
		{"bom kept", "\xef\xbb\xbfa\n", Options{KeepBOM: true}, []line{{"\xef\xbb\xbfa", false}}},
		{"invalid utf-8 passed on", "a\xff\n", Options{}, []line{{"a\xff", false}}},
		{"too long", "abcdef\nabc\nabcd\r\n", Options{MaxBytes: 4}, []line{{"", true}, {"abc", false}, {"abcd", false}}},
		{"too long at end", "abc\nabcdefgh", Options{MaxBytes: 4}, []line{{"abc", false}, {"", true}}},
		{"longer than the buffer", long + "\nok\n", Options{MaxBytes: 100 << 10}, []line{{"", true}, {"ok", false}}},
		{"no limit", long + "\n", Options{}, []line{{long, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time as well: lines split across reads.
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, err := readAll(t, r, tt.opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("got %d lines %+v, want %d", len(got), got, len(tt.want))
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("line %d: got %+v, want %+v", i+1, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	lr := NewReader(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)), Options{})
	if b, _, err := lr.Next(); err != nil || string(b) != "a" {
		t.Fatalf("first line: %q, %v", b, err)
	}
	if _, _, err := lr.Next(); !errors.Is(err, boom) || lr.Line() != 1 {
		t.Fatalf("got error %v after line %d, want the reader's after line 1", err, lr.Line())
	}
}

// FuzzReader compares the lines with strings.Split's.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"", "\n", "a\nb", "a\r\n\r\n", "\xef\xbb\xbfx\n", "\xff\n", "long line here\nx"} {
		f.Add(s, 5, false)
	}
	f.Fuzz(func(t *testing.T, in string, max int, keepBOM bool) {
		max = max & 63 // 0: no limit
		got, err := readAll(t, strings.NewReader(in), Options{MaxBytes: max, KeepBOM: keepBOM})
		if err != nil {
			t.Fatal(err)
		}
		body := in
		if !keepBOM {
			body = strings.TrimPrefix(in, "\xef\xbb\xbf")
		}
		want := strings.Split(body, "\n")
		if strings.HasSuffix(body, "\n") || body == "" {
			want = want[:len(want)-1]
		}
		if len(got) != len(want) {
			t.Fatalf("got %d lines, want %d", len(got), len(want))
		}
		for i, l := range got {
			w := strings.TrimSuffix(want[i], "\r")
			if tooLong := max > 0 && len(w) > max; l != (line{map[bool]string{false: w}[tooLong], tooLong}) {
				t.Errorf("line %d: got %+v, want %q (limit %d)", i+1, l, w, max)
			}
		}
	})
}
