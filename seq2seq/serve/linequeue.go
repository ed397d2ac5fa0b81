package serve

import (
	"context"
	"sync"
	"time"

	"github.com/attnmt/nmt/seq2seq/translate"
)

// A job's lines may be decoded in several batches: the batcher takes the
// lines waiting in the order they came, as many as the next batch holds,
// and a request of many lines can be shared by batches decoded at once on
// different slots.

// job is the sentences of one request for one model.
type job struct {
	ctx       context.Context
	lines     []string
	nbest     int
	attention bool           // keep the attention of the translations
	arrived   time.Time      // when the batcher got it
	done      chan jobResult // buffered: the batcher never blocks on it

	mu      sync.Mutex
	results []translate.Result // one per line, filled by the batches
	pending int                // lines not finished
	err     error              // the first error of a batch with its lines
}

// jobResult is the outcome of a job: one result per line, in order.
type jobResult struct {
	results []translate.Result
	err     error
}

func newJob(ctx context.Context, lines []string, nbest int, attention bool) *job {
	return &job{ctx: ctx, lines: lines, nbest: nbest, attention: attention, done: make(chan jobResult, 1),
		results: make([]translate.Result, len(lines)), pending: len(lines)}
}

// finish records the outcome of the job's lines lo to hi-1: their results
// rs, or err. The batch that finishes the job's last lines sends its
// result: every line's, or the first error.
func (j *job) finish(lo, hi int, rs []translate.Result, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil && j.err == nil {
		j.err = err
	}
	if err == nil {
		copy(j.results[lo:hi], rs)
	}
	if j.pending -= hi - lo; j.pending > 0 {
		return
	}
	if j.err != nil {
		j.done <- jobResult{err: j.err}
		return
	}
	j.done <- jobResult{results: j.results}
}

// share is the lines lo to hi-1 of a job.
type share struct {
	job    *job
	lo, hi int
}

// lineQueue holds the lines waiting for a batch, oldest first.
type lineQueue struct {
	shares []share
	n      int // lines
}

// push queues the lines of j.
func (q *lineQueue) push(j *job) {
	if len(j.lines) == 0 {
		j.finish(0, 0, nil, nil)
		return
	}
	q.shares = append(q.shares, share{job: j, hi: len(j.lines)})
	q.n += len(j.lines)
}

// take removes the n oldest lines (at most q.n) and returns them.
func (q *lineQueue) take(n int) []share {
	var out []share
	for n > 0 && len(q.shares) > 0 {
		s := &q.shares[0]
		k := min(n, s.hi-s.lo)
		out = append(out, share{job: s.job, lo: s.lo, hi: s.lo + k})
		s.lo += k
		n -= k
		q.n -= k
		if s.lo == s.hi {
			q.shares[0] = share{}
			q.shares = q.shares[1:]
		}
	}
	return out
}
