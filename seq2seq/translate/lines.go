package translate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

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

// lineReader splits a stream into lines ending in "\n" or "\r\n". Unlike
// bufio.Scanner (and so corpus.LineReader) it goes on after a line that is
// too long, which it discards, and after one that is not valid UTF-8, which
// it reports with the line; it drops a UTF-8 byte order mark at the start.
type lineReader struct {
	r       *bufio.Reader
	max     int
	num     int  // of the last line read
	started bool // a line was read: no byte order mark to drop
	buf     []byte
	where   func(int) string // names a line in errors
}

// newLineReader returns a reader of the lines of r, of at most maxBytes
// bytes each, whose read errors name line n as where(n).
func newLineReader(r io.Reader, maxBytes int, where func(int) string) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: maxBytes, where: where}
}

// next returns the next line, false at the end of the input, or an error
// from the underlying reader.
func (lr *lineReader) next() (line, bool, error) {
	lr.buf = lr.buf[:0]
	tooLong, got := false, false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		got = got || len(chunk) > 0
		if !lr.started && len(lr.buf) == 0 && !tooLong {
			chunk = bytes.TrimPrefix(chunk, []byte("\xef\xbb\xbf"))
		}
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // room for "\r\n"
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return line{}, false, fmt.Errorf("read %s: %w", lr.where(lr.num+1), err)
		}
		if !got {
			return line{}, false, nil // io.EOF with nothing read
		}
		break
	}
	lr.num++
	lr.started = true
	l := line{num: lr.num}
	b := bytes.TrimSuffix(bytes.TrimSuffix(lr.buf, []byte("\n")), []byte("\r"))
	switch {
	case tooLong || len(b) > lr.max:
		l.err = fmt.Errorf("%w (more than %d bytes)", ErrLineTooLong, lr.max)
	case !utf8.Valid(b):
		l.err = tokenize.ErrInvalidUTF8
		l.text = string(b)
	default:
		l.text = string(b)
	}
	return l, true, nil
}
