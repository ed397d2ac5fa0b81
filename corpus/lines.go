package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// DefaultMaxLineBytes is the longest line a reader accepts when its
// MaxLineBytes field is zero.
const DefaultMaxLineBytes = 1 << 20

// utf8BOM is the UTF-8 encoding of U+FEFF, dropped at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

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

// LineReader streams the lines of one plain or gzip file, without their
// line endings, with 1-based line numbers. Set its exported fields before
// the first call to Next.
type LineReader struct {
	// InvalidUTF8 says what to do with lines that are not valid UTF-8.
	InvalidUTF8 UTF8Policy
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int

	name     string
	in       io.Reader
	closer   io.Closer
	sc       *bufio.Scanner
	line     int
	text     string
	err      error
	skipped  int
	replaced int
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
	for {
		text, ok := r.nextRaw()
		if !ok {
			return false
		}
		if utf8.ValidString(text) {
			r.text = text
			return true
		}
		switch r.InvalidUTF8 {
		case UTF8Skip:
			r.skipped++
		case UTF8Replace:
			r.replaced++
			r.text = strings.ToValidUTF8(text, "\uFFFD")
			return true
		default:
			r.err = &LineError{File: r.name, Line: r.line, Err: ErrInvalidUTF8}
			return false
		}
	}
}

// nextRaw reads the next line without checking its encoding.
func (r *LineReader) nextRaw() (string, bool) {
	if r.err != nil {
		return "", false
	}
	if r.sc == nil && !r.start() {
		return "", false
	}
	if !r.sc.Scan() {
		switch err := r.sc.Err(); {
		case errors.Is(err, bufio.ErrTooLong):
			r.err = &LineError{File: r.name, Line: r.line + 1, Err: ErrLineTooLong}
		case err != nil:
			r.err = &LineError{File: r.name, Line: r.line + 1, Err: err}
		}
		return "", false
	}
	r.line++
	return string(r.sc.Bytes()), true
}

// start sets up decompression and the line scanner.
func (r *LineReader) start() bool {
	in, err := decompress(r.in)
	if err == nil {
		err = skipBOM(in)
	}
	if err != nil {
		r.err = &LineError{File: r.name, Line: 1, Err: err}
		return false
	}
	max := r.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	r.sc = bufio.NewScanner(in)
	// The buffer holds the line and its "\r\n".
	r.sc.Buffer(make([]byte, 0, min(64<<10, max+2)), max+2)
	return true
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r *bufio.Reader) error {
	head, err := r.Peek(len(utf8BOM))
	if err != nil && err != io.EOF {
		return err
	}
	if bytes.Equal(head, utf8BOM) {
		r.Discard(len(utf8BOM)) // cannot fail after a successful Peek
	}
	return nil
}

// Text returns the current line without its line ending.
func (r *LineReader) Text() string { return r.text }

// Line returns the 1-based number of the current line in the file.
func (r *LineReader) Line() int { return r.line }

// Name returns the file name used in error messages.
func (r *LineReader) Name() string { return r.name }

// Err returns the error that stopped Next, or nil at the end of the input.
func (r *LineReader) Err() error { return r.err }

// Skipped returns the number of lines dropped for invalid UTF-8.
func (r *LineReader) Skipped() int { return r.skipped }

// Replaced returns the number of lines whose invalid UTF-8 was replaced.
func (r *LineReader) Replaced() int { return r.replaced }

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
