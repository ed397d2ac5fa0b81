package shard

import (
	"bufio"
	"fmt"
	"io"

	"github.com/attnmt/nmt/corpus"
)

// skipLines reads n lines of br (all of them if n < 0) and returns how
// many there were: fewer than n at the end of the input. A last line
// without a newline counts.
func skipLines(r io.Reader, n int64) (int64, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	var done int64
	partial := false
	for n < 0 || done < n {
		s, err := br.ReadSlice('\n')
		switch {
		case len(s) > 0 && s[len(s)-1] == '\n':
			done, partial = done+1, false
		case len(s) > 0:
			partial = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if partial {
				done++
			}
			return done, nil
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// lineReader passes on the bytes of at most limit lines of br (all of them
// if limit < 0) and counts the lines it passed on.
type lineReader struct {
	br      *bufio.Reader
	limit   int64  // lines left to pass on, or < 0
	lines   int64  // lines passed on, a last one without newline included
	partial bool   // the bytes passed on end inside a line
	pending []byte // bytes of br read but not passed on yet
	err     error  // from br, returned once pending is empty
}

// Read implements io.Reader.
func (l *lineReader) Read(p []byte) (int, error) {
	for len(l.pending) == 0 {
		if l.err != nil {
			if l.err == io.EOF && l.partial {
				l.lines++
				l.partial = false
			}
			return 0, l.err
		}
		if l.limit == 0 {
			return 0, io.EOF
		}
		s, err := l.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			err = nil
		}
		if len(s) > 0 {
			if s[len(s)-1] == '\n' {
				l.lines++
				l.limit--
				l.partial = false
			} else {
				l.partial = true
			}
		}
		l.pending, l.err = s, err
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// OpenLines opens lines start to start+n (0-based) of the plain or gzip
// file at path: the same lines of a file aligned line by line with the
// input of a line split (a reference translation of it). Reading fails if
// the file has fewer lines.
func OpenLines(path string, start, n int64) (io.ReadCloser, error) {
	rc, err := corpus.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	if err := skip(br, start, path); err != nil {
		rc.Close()
		return nil, err
	}
	return &linesFile{lineReader: lineReader{br: br, limit: n}, c: rc, path: path, want: n}, nil
}

// linesFile is a lineReader of a file that must give all its lines.
type linesFile struct {
	lineReader
	c    io.Closer
	path string
	want int64
}

func (f *linesFile) Read(p []byte) (int, error) {
	n, err := f.lineReader.Read(p)
	if err == io.EOF && f.lines < f.want {
		return n, fmt.Errorf("read %s: %d lines where %d were expected", f.path, f.lines, f.want)
	}
	return n, err
}

func (f *linesFile) Close() error { return f.c.Close() }
