package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/attnmt/nmt/corpus/lines"
)

// LineReader reads text line by line the way the sacreBLEU command line
// reads its files: lines end at "\n" only, must be valid UTF-8, and lose
// their trailing whitespace (Python's str.rstrip). A final line without a
// newline counts; an empty input has no lines.
type LineReader struct {
	lr   *lines.Reader
	name string
	line int
	text string
	err  error
	done bool
}

// NewLineReader returns a LineReader of r. name (usually the file path)
// prefixes the errors, which also give the line number.
func NewLineReader(r io.Reader, name string) *LineReader {
	// No byte order mark is dropped: sacreBLEU keeps U+FEFF at the
	// start of the first line (Python's "utf-8" codec), and so must eval
	// to score as it does.
	return &LineReader{lr: lines.NewReader(r, lines.Options{KeepBOM: true}), name: name}
}

// Next advances to the next line and reports whether there is one. After
// Next returns false, Err tells whether reading failed.
func (l *LineReader) Next() bool {
	if l.done {
		return false
	}
	b, _, err := l.lr.Next() // no length limit: never too long
	if err != nil {
		l.done = true
		if !errors.Is(err, io.EOF) {
			l.err = fmt.Errorf("read %s: %w", l.name, err)
		}
		return false
	}
	l.line = l.lr.Line()
	if !utf8.Valid(b) {
		l.done = true
		l.err = fmt.Errorf("%s:%d: invalid UTF-8", l.name, l.line)
		return false
	}
	// "\r\n" is gone with the line ending, and any other "\r" at the
	// end with the trailing whitespace, as sacreBLEU splits at "\n" only.
	l.text = pyRStrip(string(b))
	return true
}

// Text returns the current line without its trailing whitespace.
func (l *LineReader) Text() string { return l.text }

// Line returns the 1-based number of the current line, or after the end
// the number of lines read.
func (l *LineReader) Line() int { return l.line }

// Err returns the first error met, nil at a clean end of input.
func (l *LineReader) Err() error { return l.err }

// ReadParallel reads a hypothesis stream and its reference streams in
// step and calls fn with each line number (1-based) and the lines. The
// streams must have the same number of lines; otherwise the error names
// both counts. fn's refs slice is reused between calls. ReadParallel stops
// early when ctx is done or fn returns an error.
func ReadParallel(ctx context.Context, hyp *LineReader, refs []*LineReader, fn func(line int, hyp string, refs []string) error) error {
	refLines := make([]string, len(refs))
	for n := 1; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		more := hyp.Next()
		if err := hyp.Err(); err != nil {
			return err
		}
		mismatch := false
		for i, r := range refs {
			if r.Next() != more {
				mismatch = true
			}
			if err := r.Err(); err != nil {
				return err
			}
			refLines[i] = r.Text()
		}
		if mismatch {
			return countMismatch(hyp, refs)
		}
		if !more {
			return nil
		}
		if err := fn(n, hyp.Text(), refLines); err != nil {
			return err
		}
	}
}

// countMismatch reads every stream to its end and reports the line counts.
func countMismatch(hyp *LineReader, refs []*LineReader) error {
	count := func(l *LineReader) (int, error) {
		for l.Next() {
		}
		return l.Line(), l.Err()
	}
	nh, err := count(hyp)
	if err != nil {
		return err
	}
	for _, r := range refs {
		nr, err := count(r)
		if err != nil {
			return err
		}
		if nr != nh {
			return fmt.Errorf("line counts differ: %s has %d lines, %s has %d", hyp.name, nh, r.name, nr)
		}
	}
	return fmt.Errorf("line counts differ") // unreachable: some count differed
}
