package shard

import (
	"bufio"
	"io"
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
