package eval

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		err      string
	}{
		{"empty", "", nil, ""},
		{"trailing newline", "a\nb\n", []string{"a", "b"}, ""},
		{"no trailing newline", "a\nb", []string{"a", "b"}, ""},
		{"empty lines", "\n\n", []string{"", ""}, ""},
		{"rstrip", "a \t\r\n b\u00a0\n", []string{"a", " b"}, ""},
		{"carriage return is not a line end", "a\rb\n", []string{"a\rb"}, ""},
		{"unicode line separator is not a line end", "a\u2028b", []string{"a\u2028b"}, ""},
		{"invalid UTF-8", "ok\nbad \xff\n", []string{"ok"}, "hyp.txt:2: invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.in), "hyp.txt")
			var got []string
			for lr.Next() {
				got = append(got, lr.Text())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines %q, want %q", got, tt.want)
			}
			if err := lr.Err(); (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
		})
	}
}

func TestReadParallel(t *testing.T) {
	read := func(hyp string, refs ...string) ([]string, error) {
		var rs []*LineReader
		for i, r := range refs {
			rs = append(rs, NewLineReader(strings.NewReader(r), "ref"+string(rune('1'+i))))
		}
		var got []string
		err := ReadParallel(context.Background(), NewLineReader(strings.NewReader(hyp), "hyp"), rs,
			func(n int, h string, r []string) error {
				got = append(got, strings.Join(append([]string{h}, r...), "|"))
				return nil
			})
		return got, err
	}
	got, err := read("a\nb\n", "A\nB", "x\ny\n")
	if err != nil || !slices.Equal(got, []string{"a|A|x", "b|B|y"}) {
		t.Errorf("got %q, %v", got, err)
	}
	for _, tt := range []struct {
		hyp  string
		refs []string
		want string
	}{
		{"a\nb\nc\n", []string{"A\n"}, "line counts differ: hyp has 3 lines, ref1 has 1"},
		{"a\n", []string{"A\nB\n"}, "line counts differ: hyp has 1 lines, ref1 has 2"},
		{"a\n", []string{"A\n", "x\ny\nz\n"}, "line counts differ: hyp has 1 lines, ref2 has 3"},
	} {
		if _, err := read(tt.hyp, tt.refs...); err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

func FuzzLineReader(f *testing.F) {
	f.Add("a\nb \r\n\n")
	f.Add("\xff\n")
	f.Fuzz(func(t *testing.T, in string) {
		lr := NewLineReader(strings.NewReader(in), "f")
		n := 0
		for lr.Next() {
			n++
			if strings.Contains(lr.Text(), "\n") || lr.Line() != n {
				t.Fatalf("line %d: %q", lr.Line(), lr.Text())
			}
			if s := lr.Text(); s != pyRStrip(s) {
				t.Fatalf("trailing whitespace left in %q", s)
			}
		}
		if lr.Err() != nil {
			return
		}
		want := strings.Count(in, "\n")
		if in != "" && !strings.HasSuffix(in, "\n") {
			want++
		}
		if n != want {
			t.Fatalf("%d lines, want %d", n, want)
		}
	})
}
