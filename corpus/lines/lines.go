// Package lines splits a text stream into numbered lines: the one line
// splitter under every reader of text in this module (corpus files in
// package corpus, translation input in seq2seq/translate, evaluation
// files in eval).
//
// A line ends at "\n", and a "\r" before it is dropped with it; a last
// line without a newline counts, and an empty input has no lines. A line
// longer than the limit is read to its end and discarded, and the
// reader goes on with the next one. What a line's bytes must be (valid
// UTF-8, and what to do when they are not) is the caller's business.
//
// The package imports only the standard library, so that package eval,
// which stands apart from the rest of the module, can share it.
package lines

import (
	"bufio"
	"bytes"
	"io"
)

// bom is the UTF-8 encoding of U+FEFF.
var bom = []byte("\xef\xbb\xbf")

// Options tune a Reader.
type Options struct {
	// MaxBytes is the longest line accepted, without its ending; 0 means
	// no limit.
	MaxBytes int
	// KeepBOM keeps a UTF-8 byte order mark at the start of the input
	// as part of the first line (as sacreBLEU reads files); by default it
	// is dropped.
	KeepBOM bool
}

// Reader reads the lines of a stream.
type Reader struct {
	br      *bufio.Reader
	opt     Options
	started bool // a line was read: no byte order mark to drop
	buf     []byte
	n       int
}

// NewReader returns a Reader of the lines of r (buffered unless r is a
// *bufio.Reader already).
func NewReader(r io.Reader, opt Options) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &Reader{br: br, opt: opt}
}

// Next returns the next line without its ending, or tooLong (and no text)
// for a line over Options.MaxBytes. The text is valid until the next call.
// At the end of the input it returns io.EOF; any other error is the
// underlying reader's, met while reading line Line()+1.
func (r *Reader) Next() (text []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	limit := r.opt.MaxBytes
	got := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !r.started && !r.opt.KeepBOM && !got {
			chunk = bytes.TrimPrefix(chunk, bom)
		}
		got = got || len(chunk) > 0
		if !tooLong {
			// The buffer holds the line and its "\r\n".
			if limit > 0 && len(r.buf)+len(chunk) > limit+2 {
				tooLong, r.buf = true, r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		if !got {
			return nil, false, io.EOF // the end, with nothing read
		}
		break
	}
	r.n++
	r.started = true
	b := bytes.TrimSuffix(r.buf, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if tooLong || (limit > 0 && len(b) > limit) {
		return nil, true, nil
	}
	return b, false, nil
}

// Line returns the 1-based number of the last line Next returned, 0
// before the first.
func (r *Reader) Line() int { return r.n }
