package translate

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/attnmt/nmt/corpus/lines"
	"github.com/attnmt/nmt/tokenize"
)

// Errors about one input line, reported with its number. A line that is
// not valid UTF-8 gets an error wrapping tokenize.ErrInvalidUTF8, as the
// tokenizer would give.
var (
	// ErrLineTooLong reports a line longer than Options.MaxLineBytes.
	ErrLineTooLong = errors.New("line too long")
	// ErrTooManyTokens reports a sentence of more than Options.MaxTokens tokens.
	ErrTooManyTokens = errors.New("too many tokens")
)

// line is one input line. A line with err set is not translated.
type line struct {
	num  int // 1-based
	text string
	err  error
}

// lineReader reads the lines of the input (package lines splits them):
// unlike corpus.LineReader by default it goes on after a line that is too
// long, which it discards, and after one that is not valid UTF-8, which it
// reports with the line.
type lineReader struct {
	lr    *lines.Reader
	max   int
	first int              // the number of the line before the first one read
	where func(int) string // names a line in errors
}

// newLineReader returns a reader of the lines of r, of at most maxBytes
// bytes each, whose read errors name line n as where(n).
func newLineReader(r io.Reader, maxBytes int, where func(int) string) *lineReader {
	return &lineReader{lr: lines.NewReader(r, lines.Options{MaxBytes: maxBytes}), max: maxBytes, where: where}
}

// next returns the next line, false at the end of the input, or an error
// from the underlying reader.
func (lr *lineReader) next() (line, bool, error) {
	b, tooLong, err := lr.lr.Next()
	switch {
	case err == io.EOF:
		return line{}, false, nil
	case err != nil:
		return line{}, false, fmt.Errorf("read %s: %w", lr.where(lr.first+lr.lr.Line()+1), err)
	}
	l := line{num: lr.first + lr.lr.Line()}
	switch {
	case tooLong:
		l.err = fmt.Errorf("%w (more than %d bytes)", ErrLineTooLong, lr.max)
	case !utf8.Valid(b):
		l.err = tokenize.ErrInvalidUTF8
		l.text = string(b)
	default:
		l.text = string(b)
	}
	return l, true, nil
}
