package corpus

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitLines is the reference line splitter the readers must agree with.
func splitLines(s string) []string {
	s = strings.TrimPrefix(s, "\ufeff")
	if s == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"", "\n", "a\nb", "\ufeffa\r\nb\r\n", "a\xffb\n", "\r\r\n\n", string(gz(f, "x\ny"))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewLineReader(bytes.NewReader(in), "f")
		r.InvalidUTF8 = UTF8Replace
		var got []string
		for r.Next() {
			if r.Line() != len(got)+1 {
				t.Fatalf("line number %d for line %d", r.Line(), len(got)+1)
			}
			if !utf8.ValidString(r.Text()) {
				t.Fatalf("invalid UTF-8 returned at line %d", r.Line())
			}
			got = append(got, r.Text())
		}
		if isGzip(in) {
			return // content is whatever the stream decompresses to
		}
		if err := r.Err(); err != nil {
			t.Fatalf("plain input: %v", err)
		}
		want := splitLines(string(in))
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != strings.ToValidUTF8(want[i], "\ufffd") {
				t.Fatalf("line %d = %q, want %q", i+1, got[i], want[i])
			}
		}

		// With ReportLineErrors and a small limit, every line comes back,
		// long ones with ErrLineTooLong and invalid ones as they are.
		r = NewLineReader(bytes.NewReader(in), "f")
		r.MaxLineBytes, r.ReportLineErrors = 8, true
		n := 0
		for ; r.Next(); n++ {
			w := want[n]
			switch err := r.LineErr(); {
			case len(w) > 8:
				if !errors.Is(err, ErrLineTooLong) || r.Text() != "" {
					t.Fatalf("line %d (%d bytes): %q, %v; want ErrLineTooLong", n+1, len(w), r.Text(), err)
				}
			case !utf8.ValidString(w):
				if !errors.Is(err, ErrInvalidUTF8) || r.Text() != w {
					t.Fatalf("line %d: %q, %v; want %q with ErrInvalidUTF8", n+1, r.Text(), err, w)
				}
			case err != nil || r.Text() != w || r.Line() != n+1:
				t.Fatalf("line %d: %q, %v at %d; want %q", n+1, r.Text(), err, r.Line(), w)
			}
		}
		if n != len(want) || r.Err() != nil {
			t.Fatalf("report mode: %d lines, %v; want %d", n, r.Err(), len(want))
		}
	})
}

func FuzzTSVReader(f *testing.F) {
	for _, s := range []string{"a\tb\n", "a\tb\tc\n", "\t\n", "no tab", "\ufeffa\tb\r\n", "a\t\xff\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewTSVReader(bytes.NewReader(in), "f.tsv")
		n := 0
		for r.Next() {
			n++
			p := r.Pair()
			if p.Line != n || strings.Contains(p.Src, "\t") || strings.Contains(p.Tgt, "\t") {
				t.Fatalf("bad pair %+v as pair %d", p, n)
			}
		}
		if isGzip(in) {
			return
		}
		lines := splitLines(string(in))
		var le *LineError
		if err := r.Err(); err == nil {
			if n != len(lines) {
				t.Fatalf("read %d pairs of %d lines without error", n, len(lines))
			}
		} else if !errors.As(err, &le) || le.Line != n+1 {
			t.Fatalf("error %v after %d pairs, want a LineError for line %d", err, n, n+1)
		}
	})
}

func FuzzParallelReader(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte("x\ny\n"))
	f.Add([]byte("a\nb\nc"), []byte("x\n"))
	f.Add([]byte(""), []byte("\n"))
	f.Fuzz(func(t *testing.T, src, tgt []byte) {
		if isGzip(src) || isGzip(tgt) {
			return
		}
		r := NewParallelReader(bytes.NewReader(src), "s", bytes.NewReader(tgt), "t")
		r.InvalidUTF8 = UTF8Replace
		pairs, err := ReadAll(r)
		ns, nt := len(splitLines(string(src))), len(splitLines(string(tgt)))
		if len(pairs) != min(ns, nt) {
			t.Fatalf("%d pairs from %d and %d lines", len(pairs), ns, nt)
		}
		var me *MismatchError
		switch {
		case ns == nt && err != nil:
			t.Fatalf("equal lengths: %v", err)
		case ns != nt && (!errors.As(err, &me) || me.Line != min(ns, nt)+1):
			t.Fatalf("lengths %d and %d: error %v, want mismatch at line %d", ns, nt, err, min(ns, nt)+1)
		}
	})
}
