package serve

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// errClosed is returned for work submitted to a closed server.
var errClosed = errors.New("server is shutting down")

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
	j := newJob(ctx, lines, nbest, attention)
	b.metrics.queue.Add(float64(len(lines)))
	select {
	case b.jobs <- j:
	case <-ctx.Done():
		b.metrics.queue.Sub(float64(len(lines)))
		return nil, context.Cause(ctx)
	case <-b.quit:
		b.metrics.queue.Sub(float64(len(lines)))
		return nil, errClosed
	}
	select {
	case r := <-j.done:
		return r.results, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// loop queues the lines of the jobs that come and starts a batch on a
// free decoding slot whenever lines wait, until close. Lines that came
// while every slot was busy start the moment one frees: the batch that
// decodes them was being collected while the others decoded. Lines that
// came to a free slot wait at most b.wait after each job for the next
// (or until b.max lines wait), so that requests sent together are
// decoded together. Each batch takes its share of the lines (batchSize),
// so that both slots decode half of what 32 clients sent at once rather
// than one slot all of it.
func (b *batcher) loop() {
	var (
		queue    lineQueue
		free     = b.workers
		decoding int                         // lines being decoded
		window   bool                        // lines came to a free slot less than b.wait ago
		finished = make(chan int, b.workers) // the lines of a batch decoded
		running  sync.WaitGroup
	)
	defer running.Wait()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		for free > 0 && queue.n > 0 && (!window || queue.n >= b.max) {
			// A full window ends: what it collected starts on the free
			// slots, shared between them.
			window = false
			timer.Stop()
			batch := queue.take(b.batchSize(queue.n, decoding))
			n := lineCount(batch)
			b.metrics.queue.Sub(float64(n))
			b.metrics.batchWait.Observe(time.Since(batch[0].job.arrived).Seconds())
			free--
			decoding += n
			running.Go(func() {
				b.decode(batch)
				finished <- n
			})
		}
		select {
		case j := <-b.jobs:
			j.arrived = time.Now()
			queue.push(j)
			window = free > 0 && b.wait > 0
			if window {
				timer.Reset(b.wait)
			} else {
				timer.Stop()
			}
		case <-timer.C:
			window = false
		case n := <-finished:
			free++
			decoding -= n
		case <-b.quit:
			timer.Stop()
			b.metrics.queue.Sub(float64(queue.n))
			for _, s := range queue.take(queue.n) {
				s.job.finish(s.lo, s.hi, nil, errClosed)
			}
			return
		}
	}
}

// batchSize is the number of lines the next batch takes when waiting
// lines wait and decoding lines are being decoded: an even share over the
// slots of all of them (at least one line, at most b.max). A batch that
// took every waiting line would leave the other slots idle until its
// answers bring the next requests; the lines it leaves start on the next
// slot that frees, at once.
func (b *batcher) batchSize(waiting, decoding int) int {
	share := (waiting + decoding + b.workers - 1) / b.workers
	return max(1, min(waiting, b.max, share))
}

// lineCount returns the number of lines of shares.
func lineCount(shares []share) int {
	n := 0
	for _, s := range shares {
		n += s.hi - s.lo
	}
	return n
}

// decode translates the lines of the batch's live jobs together.
func (b *batcher) decode(batch []share) {
	var lines []string
	live := batch[:0]
	nbest, attention := 1, false
	for _, s := range batch {
		if err := context.Cause(s.job.ctx); err != nil {
			s.job.finish(s.lo, s.hi, nil, err)
			continue
		}
		live = append(live, s)
		lines = append(lines, s.job.lines[s.lo:s.hi]...)
		nbest = max(nbest, s.job.nbest)
		attention = attention || s.job.attention
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
	for _, s := range live {
		if err != nil {
			s.job.finish(s.lo, s.hi, nil, err)
			continue
		}
		rs := results[lo : lo+s.hi-s.lo]
		lo += s.hi - s.lo
		for i := range rs {
			rs[i].Hyps = rs[i].Hyps[:min(len(rs[i].Hyps), s.job.nbest)]
		}
		s.job.finish(s.lo, s.hi, rs, nil)
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
