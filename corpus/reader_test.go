package corpus

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// errCheck describes an expected error: nil for none.
type errCheck func(error) bool

func isLineErr(file string, line int, target error) errCheck {
	return func(err error) bool {
		var le *LineError
		return errors.As(err, &le) && le.File == file && le.Line == line && (target == nil || errors.Is(err, target))
	}
}

func isMismatch(longer string, line int) errCheck {
	return func(err error) bool {
		var me *MismatchError
		return errors.As(err, &me) && me.Src == "s" && me.Tgt == "t" && me.Longer == longer && me.Line == line &&
			strings.Contains(err.Error(), "s") && strings.Contains(err.Error(), "t")
	}
}

func TestParallelReader(t *testing.T) {
	tests := []struct {
		name      string
		src, tgt  string
		gzSrc     bool
		policy    UTF8Policy
		maxLine   int
		want      []Pair
		wantErr   errCheck
		skipped   int
		repaired  int
		errSubstr string
	}{
		{name: "two lines", src: "a b\nc\n", tgt: "x\ny z\n",
			want: []Pair{{"a b", "x", 1}, {"c", "y z", 2}}},
		{name: "crlf", src: "a\r\nb\r\n", tgt: "x\r\ny\n",
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "no final newline", src: "a\nb", tgt: "x\ny",
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "crlf no final newline", src: "a\r\nb\r", tgt: "x\ny",
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "bom", src: "\ufeffa\nb\n", tgt: "\ufeffx\ny\n",
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "bom only on first line", src: "a\n\ufeffb\n", tgt: "x\ny\n",
			want: []Pair{{"a", "x", 1}, {"\ufeffb", "y", 2}}},
		{name: "empty lines kept", src: "\na\n", tgt: "x\n\n",
			want: []Pair{{"", "x", 1}, {"a", "", 2}}},
		{name: "both empty", src: "", tgt: ""},
		{name: "gzip source", src: "a\nb\n", tgt: "x\ny\n", gzSrc: true,
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "source longer", src: "a\nb\nc\n", tgt: "x\ny\n",
			want: []Pair{{"a", "x", 1}, {"b", "y", 2}}, wantErr: isMismatch("s", 3),
			errSubstr: "t ends after 2 lines, first unmatched line is s:3"},
		{name: "target longer", src: "a\n", tgt: "x\ny\nz\n",
			want: []Pair{{"a", "x", 1}}, wantErr: isMismatch("t", 2)},
		{name: "target empty", src: "a\n", tgt: "", wantErr: isMismatch("s", 1)},
		{name: "extra empty line is a line", src: "a\n\n", tgt: "x\n", want: []Pair{{"a", "x", 1}}, wantErr: isMismatch("s", 2)},
		{name: "invalid utf8 in target", src: "a\nb\n", tgt: "x\n\xff\n",
			want: []Pair{{"a", "x", 1}}, wantErr: isLineErr("t", 2, ErrInvalidUTF8), errSubstr: "t:2: invalid UTF-8"},
		{name: "invalid utf8 in source", src: "a\xc3\n", tgt: "x\n", wantErr: isLineErr("s", 1, ErrInvalidUTF8)},
		{name: "invalid utf8 skipped", src: "a\n\xffb\nc\n", tgt: "x\ny\nz\n", policy: UTF8Skip,
			want: []Pair{{"a", "x", 1}, {"c", "z", 3}}, skipped: 1},
		{name: "invalid utf8 replaced", src: "a\xffb\n", tgt: "x\n", policy: UTF8Replace,
			want: []Pair{{"a\ufffdb", "x", 1}}, repaired: 1},
		{name: "line too long", src: "abc\nabcdefgh\n", tgt: "x\ny\n", maxLine: 4,
			want: []Pair{{"abc", "x", 1}}, wantErr: isLineErr("s", 2, ErrLineTooLong)},
		{name: "corrupt gzip", src: "\x1f\x8bjunk", tgt: "x\n", wantErr: isLineErr("s", 1, nil)},
		{name: "utf8 kept", src: "Straße über\n", tgt: "street over\n",
			want: []Pair{{"Straße über", "street over", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			if tt.gzSrc {
				src = gz(t, tt.src)
			}
			r := NewParallelReader(bytes.NewReader(src), "s", strings.NewReader(tt.tgt), "t")
			r.InvalidUTF8 = tt.policy
			r.MaxLineBytes = tt.maxLine
			got, err := ReadAll(r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pairs = %+v, want %+v", got, tt.want)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != nil && (err == nil || !tt.wantErr(err)):
				t.Errorf("error = %v (%T), not the expected one", err, err)
			case tt.errSubstr != "" && !strings.Contains(err.Error(), tt.errSubstr):
				t.Errorf("error %q does not contain %q", err, tt.errSubstr)
			}
			if r.Skipped() != tt.skipped || r.Replaced() != tt.repaired {
				t.Errorf("skipped, replaced = %d, %d; want %d, %d", r.Skipped(), r.Replaced(), tt.skipped, tt.repaired)
			}
		})
	}
}

func TestTSVReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		policy  UTF8Policy
		want    []Pair
		wantErr errCheck
	}{
		{name: "two lines", in: "a b\tx\nc\ty z\n", want: []Pair{{"a b", "x", 1}, {"c", "y z", 2}}},
		{name: "crlf and bom", in: "\ufeffa\tx\r\nb\ty", want: []Pair{{"a", "x", 1}, {"b", "y", 2}}},
		{name: "empty sides", in: "\tx\na\t\n", want: []Pair{{"", "x", 1}, {"a", "", 2}}},
		{name: "no tab", in: "a\tx\nbroken\n", want: []Pair{{"a", "x", 1}}, wantErr: isLineErr("f.tsv", 2, ErrFieldCount)},
		{name: "empty line", in: "a\tx\n\n", want: []Pair{{"a", "x", 1}}, wantErr: isLineErr("f.tsv", 2, ErrFieldCount)},
		{name: "three fields", in: "a\tx\ty\n", wantErr: isLineErr("f.tsv", 1, ErrFieldCount)},
		{name: "invalid utf8", in: "a\tx\xff\n", wantErr: isLineErr("f.tsv", 1, ErrInvalidUTF8)},
		{name: "invalid utf8 skipped", in: "a\tx\xff\nb\ty\n", policy: UTF8Skip, want: []Pair{{"b", "y", 2}}},
		{name: "gzip", in: string(gz(t, "a\tx\n")), want: []Pair{{"a", "x", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewTSVReader(strings.NewReader(tt.in), "f.tsv")
			r.InvalidUTF8 = tt.policy
			got, err := ReadAll(r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pairs = %+v, want %+v", got, tt.want)
			}
			if (err != nil) != (tt.wantErr != nil) || (err != nil && !tt.wantErr(err)) {
				t.Errorf("error = %v, not the expected one", err)
			}
		})
	}
}

func TestLineReader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		policy UTF8Policy
		want   []string
		lines  []int
		err    errCheck
	}{
		{name: "plain", in: "a\nb\n", want: []string{"a", "b"}, lines: []int{1, 2}},
		{name: "empty", in: ""},
		{name: "only newline", in: "\n", want: []string{""}, lines: []int{1}},
		{name: "bom crlf", in: "\ufeffa\r\n\r\nb", want: []string{"a", "", "b"}, lines: []int{1, 2, 3}},
		{name: "lone cr kept inside", in: "a\rb\n", want: []string{"a\rb"}, lines: []int{1}},
		{name: "skip keeps numbering", in: "a\n\xff\nb\n", policy: UTF8Skip, want: []string{"a", "b"}, lines: []int{1, 3}},
		{name: "error", in: "a\n\xff\n", want: []string{"a"}, lines: []int{1}, err: isLineErr("f", 2, ErrInvalidUTF8)},
		{name: "gzip", in: string(gz(t, "a\nb")), want: []string{"a", "b"}, lines: []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewLineReader(strings.NewReader(tt.in), "f")
			r.InvalidUTF8 = tt.policy
			var got []string
			var lines []int
			for r.Next() {
				got = append(got, r.Text())
				lines = append(lines, r.Line())
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("got %q at lines %v, want %q at %v", got, lines, tt.want, tt.lines)
			}
			if err := r.Err(); (err != nil) != (tt.err != nil) || (err != nil && !tt.err(err)) {
				t.Errorf("error = %v, not the expected one", err)
			}
		})
	}
}

// TestOpenDetectsGzipByContent checks that gzip is recognised whatever the
// file name, and plain text too.
func TestOpenDetectsGzipByContent(t *testing.T) {
	dir := t.TempDir()
	src, tgt := filepath.Join(dir, "src.txt"), filepath.Join(dir, "tgt.gz")
	if err := os.WriteFile(src, gz(t, "eins\nzwei\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tgt, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParallel(src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"eins", "one", 1}, {"zwei", "two", 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	rc, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "eins\nzwei\n" || rc.Close() != nil {
		t.Errorf("Open read %q, %v", b, err)
	}
	if _, err := ReadParallel(src, filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want not exist", err)
	}
}

func TestPolicyParse(t *testing.T) {
	for _, p := range []UTF8Policy{UTF8Error, UTF8Skip, UTF8Replace} {
		got, err := ParseUTF8Policy(p.String())
		if err != nil || got != p {
			t.Errorf("ParseUTF8Policy(%q) = %v, %v", p, got, err)
		}
	}
	if _, err := ParseUTF8Policy("ignore"); err == nil {
		t.Error("ParseUTF8Policy(ignore) succeeded")
	}
}

func TestBOMOnlyFileIsEmpty(t *testing.T) {
	r := NewLineReader(strings.NewReader("\ufeff"), "f")
	if r.Next() {
		t.Errorf("read line %q from a file holding only a BOM", r.Text())
	}
}

// TestLineLimit checks that MaxLineBytes counts the line without its
// ending, exactly.
func TestLineLimit(t *testing.T) {
	tests := []struct {
		in     string
		tooBig bool
	}{
		{"abcd\n", false},
		{"abcd\r\n", false},
		{"abcd", false},
		{"abcde\n", true},
		{"abcde\r\n", true},
		{"abcde", true},
		{"abcd\r\r\n", true}, // only one "\r" belongs to the ending
	}
	for _, tt := range tests {
		r := NewLineReader(strings.NewReader(tt.in), "f")
		r.MaxLineBytes = 4
		ok := r.Next()
		if tooBig := errors.Is(r.Err(), ErrLineTooLong); ok == tt.tooBig || tooBig != tt.tooBig {
			t.Errorf("%q: Next %v, Err %v; want too long %v", tt.in, ok, r.Err(), tt.tooBig)
		}
	}
}

// TestLineReaderReportLineErrors checks the mode that returns bad lines
// with their errors and goes on.
func TestLineReaderReportLineErrors(t *testing.T) {
	long := strings.Repeat("x", 70<<10) // longer than the read buffer
	type line struct {
		text string
		num  int
		err  error // nil, ErrLineTooLong or ErrInvalidUTF8
	}
	tests := []struct {
		name   string
		in     string
		policy UTF8Policy
		max    int
		want   []line
	}{
		{name: "too long in the middle", in: "a\nabcdef\nb\n", max: 4,
			want: []line{{"a", 1, nil}, {"", 2, ErrLineTooLong}, {"b", 3, nil}}},
		{name: "too long at the end without newline", in: "a\nabcdef", max: 4,
			want: []line{{"a", 1, nil}, {"", 2, ErrLineTooLong}}},
		{name: "longer than the buffer", in: "a\n" + long + "\r\nb", max: 1 << 10,
			want: []line{{"a", 1, nil}, {"", 2, ErrLineTooLong}, {"b", 3, nil}}},
		{name: "invalid utf8 kept with its error", in: "\xffa\nb\n",
			want: []line{{"\xffa", 1, ErrInvalidUTF8}, {"b", 2, nil}}},
		{name: "skip still skips", in: "\xffa\nb\n", policy: UTF8Skip,
			want: []line{{"b", 2, nil}}},
		{name: "replace still replaces", in: "\xffa\nabcdef\n", policy: UTF8Replace, max: 4,
			want: []line{{"\ufffda", 1, nil}, {"", 2, ErrLineTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewLineReader(strings.NewReader(tt.in), "f")
			r.InvalidUTF8, r.MaxLineBytes, r.ReportLineErrors = tt.policy, tt.max, true
			var got []line
			for r.Next() {
				l := line{r.Text(), r.Line(), nil}
				if err := r.LineErr(); err != nil {
					if !isLineErr("f", r.Line(), nil)(err) {
						t.Errorf("line %d: error %v is not a *LineError naming it", r.Line(), err)
					}
					for _, e := range []error{ErrLineTooLong, ErrInvalidUTF8} {
						if errors.Is(err, e) {
							l.err = e
						}
					}
				}
				got = append(got, l)
			}
			if err := r.Err(); err != nil {
				t.Errorf("Err() = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
