package corpus

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/attnmt/nmt/corpus/lines"
)

// DefaultMaxLineBytes is the longest line a reader accepts when its
// MaxLineBytes field is zero.
const DefaultMaxLineBytes = 1 << 20

// UTF8Policy says what a reader does with a line that is not valid UTF-8.
type UTF8Policy int

// The policies for invalid UTF-8.
const (
	UTF8Error   UTF8Policy = iota // stop with a *LineError wrapping ErrInvalidUTF8 (default)
	UTF8Skip                      // drop the line (or pair) and count it
	UTF8Replace                   // replace each invalid byte sequence by U+FFFD and count the line
)

// String returns the policy's name: "error", "skip" or "replace".
func (p UTF8Policy) String() string {
	switch p {
	case UTF8Error:
		return "error"
	case UTF8Skip:
		return "skip"
	case UTF8Replace:
		return "replace"
	}
	return "UTF8Policy(?)"
}

// ParseUTF8Policy returns the policy named "error", "skip" or "replace".
func ParseUTF8Policy(s string) (UTF8Policy, error) {
	for _, p := range []UTF8Policy{UTF8Error, UTF8Skip, UTF8Replace} {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, errors.New(`invalid UTF-8 policy "` + s + `": want error, skip or replace`)
}

// utf8Check applies a UTF8Policy to lines or pairs and counts what it did:
// the one place both readers decide what to do with invalid UTF-8.
type utf8Check struct {
	skipped, replaced int
}

// apply checks the sides of one line or pair (one text, or two). It
// returns keep=true when they are to be used, repairing them in place under
// UTF8Replace; otherwise bad is -1 for a line or pair that UTF8Skip drops,
// or the index of the first invalid text under UTF8Error.
func (c *utf8Check) apply(p UTF8Policy, texts []string) (keep bool, bad int) {
	bad = -1
	for i, t := range texts {
		if !utf8.ValidString(t) {
			bad = i
			break
		}
	}
	if bad < 0 {
		return true, -1
	}
	switch p {
	case UTF8Skip:
		c.skipped++
		return false, -1
	case UTF8Replace:
		c.replaced++
		for i, t := range texts {
			texts[i] = strings.ToValidUTF8(t, "\uFFFD")
		}
		return true, -1
	}
	return false, bad
}

// LineReader streams the lines of one plain or gzip file, without their
// line endings ("\n" or "\r\n"), with 1-based line numbers; a UTF-8 byte
// order mark at the start of the file is dropped. Set its exported fields
// before the first call to Next.
//
// By default a line that is too long, or not valid UTF-8 under UTF8Error,
// stops the reader with a *LineError that Err returns. With
// ReportLineErrors set, such a line is returned like any other, with its
// error in LineErr, and reading carries on with the next line.
type LineReader struct {
	// InvalidUTF8 says what to do with lines that are not valid UTF-8.
	InvalidUTF8 UTF8Policy
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// ReportLineErrors makes Next return a line that is longer than
	// MaxLineBytes (with Text "": its bytes are discarded) or, under
	// UTF8Error, not valid UTF-8 (with Text holding its bytes unchanged),
	// with a *LineError for it in LineErr, and go on with the next line
	// instead of stopping. Err then only reports read errors.
	ReportLineErrors bool

	name    string
	in      io.Reader
	closer  io.Closer
	lr      *lines.Reader
	max     int
	line    int
	text    string
	lineErr error
	err     error
	utf8    utf8Check
}

// OpenLines opens a plain or gzip file for reading line by line.
func OpenLines(path string) (*LineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := NewLineReader(f, path)
	r.closer = f
	return r, nil
}

// NewLineReader returns a LineReader of r, which may be gzip-compressed.
// The name is used in error messages.
func NewLineReader(r io.Reader, name string) *LineReader {
	return &LineReader{name: name, in: r}
}

// Next advances to the next line and reports whether there is one. It
// returns false at the end of the input or on an error, which Err returns.
func (r *LineReader) Next() bool {
	r.text, r.lineErr = "", nil
	for {
		text, tooLong, ok := r.nextRaw()
		if !ok {
			return false
		}
		if tooLong {
			return r.lineError(r.tooLong(), "")
		}
		texts := [1]string{text}
		keep, bad := r.utf8.apply(r.InvalidUTF8, texts[:])
		if keep {
			r.text = texts[0]
			return true
		}
		if bad >= 0 {
			return r.lineError(ErrInvalidUTF8, text)
		}
	}
}

// lineError handles a bad current line: it stops the reader, or with
// ReportLineErrors returns the line with its error.
func (r *LineReader) lineError(err error, text string) bool {
	le := &LineError{File: r.name, Line: r.line, Err: err}
	if !r.ReportLineErrors {
		r.err = le
		return false
	}
	r.text, r.lineErr = text, le
	return true
}

// tooLong returns the error for a line over the limit, naming the limit.
func (r *LineReader) tooLong() error {
	return fmt.Errorf("%w (more than %d bytes)", ErrLineTooLong, r.max)
}

// nextRaw reads the next line without checking its encoding. A line longer
// than the limit is read to its end, discarded and reported as tooLong.
func (r *LineReader) nextRaw() (text string, tooLong, ok bool) {
	if r.err != nil {
		return "", false, false
	}
	if r.lr == nil && !r.start() {
		return "", false, false
	}
	b, tooLong, err := r.lr.Next()
	switch {
	case err == io.EOF:
		return "", false, false
	case err != nil:
		r.err = &LineError{File: r.name, Line: r.line + 1, Err: err}
		return "", false, false
	}
	r.line = r.lr.Line()
	return string(b), tooLong, true
}

// start sets up decompression and the line limit.
func (r *LineReader) start() bool {
	in, err := decompress(r.in)
	if err != nil {
		r.err = &LineError{File: r.name, Line: 1, Err: err}
		return false
	}
	r.max = r.MaxLineBytes
	if r.max <= 0 {
		r.max = DefaultMaxLineBytes
	}
	r.lr = lines.NewReader(in, lines.Options{MaxBytes: r.max})
	return true
}

// Text returns the current line without its line ending.
func (r *LineReader) Text() string { return r.text }

// Line returns the 1-based number of the current line in the file.
func (r *LineReader) Line() int { return r.line }

// Name returns the file name used in error messages.
func (r *LineReader) Name() string { return r.name }

// Err returns the error that stopped Next, or nil at the end of the input.
func (r *LineReader) Err() error { return r.err }

// LineErr returns the *LineError of the current line when ReportLineErrors
// is set and the line is too long or not valid UTF-8, and nil otherwise.
func (r *LineReader) LineErr() error { return r.lineErr }

// Skipped returns the number of lines dropped for invalid UTF-8.
func (r *LineReader) Skipped() int { return r.utf8.skipped }

// Replaced returns the number of lines whose invalid UTF-8 was replaced.
func (r *LineReader) Replaced() int { return r.utf8.replaced }

// Close closes the file opened by OpenLines; it does nothing for a reader
// made by NewLineReader.
func (r *LineReader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}
