package corpus

import (
	"context"
	"io"
)

// contextReader is a reader whose Read returns once its context is done,
// even if a Read of the underlying reader is still blocked.
type contextReader struct {
	ctx     context.Context
	r       io.Reader
	buf     []byte
	pending bool            // a Read of r is in progress into buf
	res     chan readResult // its result
}

// readResult is the result of one Read.
type readResult struct {
	n   int
	err error
}

// NewContextReader returns r made to stop reading when ctx is done: from
// then on Read returns context.Cause(ctx). A Read of r that is blocked
// when ctx ends (standard input on a terminal cannot be interrupted) is
// left behind, reading into a buffer of its own; its result is dropped.
func NewContextReader(ctx context.Context, r io.Reader) io.Reader {
	return &contextReader{ctx: ctx, r: r, res: make(chan readResult, 1)}
}

// Read reads from the underlying reader, or returns the context's cause
// once it is done.
func (cr *contextReader) Read(p []byte) (int, error) {
	if cr.ctx.Err() != nil {
		return 0, context.Cause(cr.ctx)
	}
	if !cr.pending {
		if cap(cr.buf) < len(p) {
			cr.buf = make([]byte, len(p))
		}
		buf := cr.buf[:len(p)]
		cr.pending = true
		go func() {
			n, err := cr.r.Read(buf)
			cr.res <- readResult{n, err}
		}()
	}
	select {
	case res := <-cr.res:
		cr.pending = false
		return copy(p, cr.buf[:res.n]), res.err
	case <-cr.ctx.Done():
		return 0, context.Cause(cr.ctx)
	}
}
