package serve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attnmt/nmt/seq2seq/translate"
)

// errClosed is returned for work submitted to a closed server.
var errClosed = errors.New("server is shutting down")

// job is the sentences of one request for one model.
type job struct {
	ctx   context.Context
	lines []string
	nbest int
	done  chan jobResult // buffered: the batcher never blocks on it
}

// jobResult is the outcome of a job: one result per line, in order.
type jobResult struct {
	results []translate.Result
	err     error
}

// batcher collects the jobs of one model into batches and decodes them.
type batcher struct {
	model   *Model
	opt     translate.Options // NBest and Workers are set per batch
	base    *translate.Translator
	wait    time.Duration
	max     int
	workers int
	metrics *metrics

	jobs    chan *job
	queued  atomic.Int64 // sentences waiting
	quit    chan struct{}
	stopped sync.WaitGroup
}

func newBatcher(m *Model, opt Options, met *metrics) (*batcher, error) {
	topt := opt.Translate
	topt.Format, topt.Attention, topt.Workers = translate.JSONL, true, 1
	topt.Search.BatchSize = opt.MaxBatch
	topt.Errors, topt.Progress, topt.Name = nil, nil, ""
	base, err := translate.New(m.Decoder, m.Src, m.Tgt, topt)
	if err != nil {
		return nil, err
	}
	b := &batcher{model: m, opt: topt, base: base, wait: opt.BatchWait, max: opt.MaxBatch, workers: opt.Workers,
		metrics: met, jobs: make(chan *job), quit: make(chan struct{})}
	b.stopped.Go(b.loop)
	return b, nil
}

// translate queues lines and waits for their results, or for ctx.
func (b *batcher) translate(ctx context.Context, lines []string, nbest int) ([]translate.Result, error) {
	j := &job{ctx: ctx, lines: lines, nbest: nbest, done: make(chan jobResult, 1)}
	b.queued.Add(int64(len(lines)))
	b.metrics.queue.Add(float64(len(lines)))
	select {
	case b.jobs <- j:
	case <-ctx.Done():
		b.dequeued(j)
		return nil, context.Cause(ctx)
	case <-b.quit:
		b.dequeued(j)
		return nil, errClosed
	}
	select {
	case r := <-j.done:
		return r.results, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (b *batcher) dequeued(j *job) {
	b.queued.Add(-int64(len(j.lines)))
	b.metrics.queue.Sub(float64(len(j.lines)))
}

// loop takes a decoding slot, then a batch, and decodes it in the
// background, until close.
func (b *batcher) loop() {
	slots := make(chan struct{}, b.workers)
	var running sync.WaitGroup
	defer running.Wait()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case slots <- struct{}{}:
		case <-b.quit:
			return
		}
		batch := b.collect(timer)
		if batch == nil {
			return
		}
		running.Go(func() {
			defer func() { <-slots }()
			b.decode(batch)
		})
	}
}

// collect waits for a job, then takes more until the batch holds b.max
// sentences or none came for b.wait. It returns nil on close.
func (b *batcher) collect(timer *time.Timer) []*job {
	var batch []*job
	n := 0
	add := func(j *job) {
		batch = append(batch, j)
		n += len(j.lines)
		b.dequeued(j)
	}
	select {
	case j := <-b.jobs:
		add(j)
	case <-b.quit:
		return nil
	}
	for n < b.max {
		select {
		case j := <-b.jobs:
			add(j)
			continue
		default:
		}
		if b.wait <= 0 {
			break
		}
		timer.Reset(b.wait)
		select {
		case j := <-b.jobs:
			timer.Stop()
			add(j)
			continue
		case <-timer.C:
		}
		break
	}
	return batch
}

// decode translates the lines of the batch's live jobs together.
func (b *batcher) decode(batch []*job) {
	var lines []string
	live := batch[:0]
	nbest := 1
	for _, j := range batch {
		if err := context.Cause(j.ctx); err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		live = append(live, j)
		lines = append(lines, j.lines...)
		nbest = max(nbest, j.nbest)
	}
	if len(live) == 0 {
		return
	}
	start := time.Now()
	opt := b.opt
	opt.Search.NBest = nbest
	tr, err := translate.New(b.model.Decoder, b.model.Src, b.model.Tgt, opt)
	var results []translate.Result
	if err == nil {
		// The batch is decoded to the end even if some of its requests
		// give up: the others wait for it.
		results, err = tr.TranslateLines(context.Background(), lines)
	}
	b.metrics.batchSentences.Observe(float64(len(lines)))
	b.metrics.batchSeconds.Observe(time.Since(start).Seconds())
	lo := 0
	for _, j := range live {
		if err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		rs := results[lo : lo+len(j.lines)]
		lo += len(j.lines)
		for i := range rs {
			rs[i].Hyps = rs[i].Hyps[:min(len(rs[i].Hyps), j.nbest)]
		}
		j.done <- jobResult{results: rs}
	}
}

// close stops taking jobs and waits for the batches being decoded.
func (b *batcher) close() {
	close(b.quit)
	b.stopped.Wait()
}
