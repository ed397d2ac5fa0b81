package serve

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// errClosed is returned for work submitted to a closed server.
var errClosed = errors.New("server is shutting down")

// job is the sentences of one request for one model.
type job struct {
	ctx       context.Context
	lines     []string
	nbest     int
	attention bool           // keep the attention of the translations
	done      chan jobResult // buffered: the batcher never blocks on it
}

// jobResult is the outcome of a job: one result per line, in order.
type jobResult struct {
	results []translate.Result
	err     error
}

// batcher collects the jobs of one model into batches and decodes them.
type batcher struct {
	model   *Model
	opt     translate.Options // NBest and Attention are set per batch
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
	// Options.ChunkSize sizes the buffers of each TranslateLines call: a
	// chunk of a batch's size, not the 1,000 lines of a file.
	topt.Search.BatchSize, topt.ChunkSize = opt.MaxBatch, opt.MaxBatch
	topt.Errors, topt.Progress, topt.Name = nil, nil, ""
	base, err := translate.New(m.Decoder, m.Src, m.Tgt, topt) // for Matrix
	if err != nil {
		return nil, err
	}
	b := &batcher{model: m, opt: topt, base: base, wait: opt.BatchWait, max: opt.MaxBatch, workers: opt.Workers,
		metrics: met, jobs: make(chan *job), quit: make(chan struct{})}
	b.stopped.Go(b.loop)
	return b, nil
}

// translate queues lines and waits for their results, or for ctx. The
// results keep the attention of their translations (for
// translate.Translator.Matrix) if attention is set.
func (b *batcher) translate(ctx context.Context, lines []string, nbest int, attention bool) ([]translate.Result, error) {
	j := &job{ctx: ctx, lines: lines, nbest: nbest, attention: attention, done: make(chan jobResult, 1)}
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

// loop collects a batch, then decodes it in the background on a free
// decoding slot, until close.
func (b *batcher) loop() {
	slots := make(chan struct{}, b.workers)
	var running sync.WaitGroup
	defer running.Wait()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch := b.collect(slots, timer)
		if batch == nil {
			return
		}
		running.Go(func() {
			defer func() { <-slots }()
			b.decode(batch)
		})
	}
}

// collect waits for a job and returns a batch holding it, with a decoding
// slot taken for it, or nil on close. While every slot is busy it takes
// the jobs that come, up to b.max sentences, so that a batch is ready the
// moment a slot frees. A batch that found a slot free at once (an idle
// server) takes the jobs that come within b.wait of each other instead:
// requests sent together are decoded together.
func (b *batcher) collect(slots chan struct{}, timer *time.Timer) []*job {
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
	first := time.Now()
	ready := func() []*job {
		b.metrics.batchWait.Observe(time.Since(first).Seconds())
		return batch
	}
	closed := func() []*job {
		for _, j := range batch {
			j.done <- jobResult{err: errClosed}
		}
		return nil
	}
	select {
	case slots <- struct{}{}:
		if !b.window(add, &n, timer) {
			<-slots
			return closed()
		}
		return ready()
	default:
	}
	for n < b.max {
		select {
		case j := <-b.jobs:
			add(j)
		case slots <- struct{}{}:
			b.drain(add, &n)
			return ready()
		case <-b.quit:
			return closed()
		}
	}
	select {
	case slots <- struct{}{}:
		return ready()
	case <-b.quit:
		return closed()
	}
}

// drain takes the jobs waiting now, while the batch has room.
func (b *batcher) drain(add func(*job), n *int) {
	for *n < b.max {
		select {
		case j := <-b.jobs:
			add(j)
		default:
			return
		}
	}
}

// window takes the jobs that come until the batch has b.max sentences or
// none came for b.wait. It returns false on close.
func (b *batcher) window(add func(*job), n *int, timer *time.Timer) bool {
	for *n < b.max {
		b.drain(add, n)
		if *n >= b.max || b.wait <= 0 {
			return true
		}
		timer.Reset(b.wait)
		select {
		case j := <-b.jobs:
			timer.Stop()
			add(j)
		case <-timer.C:
			return true
		case <-b.quit:
			timer.Stop()
			return false
		}
	}
	return true
}

// decode translates the lines of the batch's live jobs together.
func (b *batcher) decode(batch []*job) {
	var lines []string
	live := batch[:0]
	nbest, attention := 1, false
	for _, j := range batch {
		if err := context.Cause(j.ctx); err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		live = append(live, j)
		lines = append(lines, j.lines...)
		nbest = max(nbest, j.nbest)
		attention = attention || j.attention
	}
	if len(live) == 0 {
		return
	}
	start := time.Now()
	opt := b.opt
	// Neither changes the best translations: a request gets the same
	// whatever it is batched with.
	opt.Search.NBest, opt.Attention = nbest, attention
	tr, err := translate.New(yielding{b.model.Decoder}, b.model.Src, b.model.Tgt, opt)
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

// yielding is a decoder that lets other goroutines run before each step.
// Without it the batches being decoded hold every processor until the
// runtime preempts them (after 10 ms), and the goroutines that read the
// next requests and bring them to the queue wait, and the batches hold
// fewer sentences (on a loaded machine, one pair of runs with 32 clients on
// 2 CPUs: 7 sentences a batch without it, 12 with it; noisy).
type yielding struct{ search.Decoder }

// Step yields, then steps.
func (y yielding) Step(st search.State, prev []int, logp, attn []float32) error {
	runtime.Gosched()
	return y.Decoder.Step(st, prev, logp, attn)
}
