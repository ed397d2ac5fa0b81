package translate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Stats counts the lines a Translator has written.
type Stats struct {
	Lines      int           // lines written
	Translated int           // lines translated by the model
	Empty      int           // empty lines, written empty
	Failed     int           // lines that could not be translated
	Elapsed    time.Duration // since the start
}

// PerSecond returns the number of lines written per second.
func (s Stats) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Lines) / s.Elapsed.Seconds()
}

// Stream translates the lines of r and writes one output line per input
// line to w, in t's format, until the end of r. Lines are read ahead one
// chunk at most, so r may be of any size.
//
// On an error, or when ctx is canceled, Stream stops reading and returns
// the error; every chunk written before is complete, and nothing is written
// for lines that were not translated. Stream returns only once r is no
// longer in use: if a Read of r is in progress then, Stream waits for it
// to return. A reader that can block indefinitely (a terminal, a network
// connection) should be made to return when ctx is done, for example by
// closing it or by reading it from another goroutine.
func (t *Translator) Stream(ctx context.Context, r io.Reader, w io.Writer) (Stats, error) {
	lr := newLineReader(r, t.opt.MaxLineBytes, t.where)
	lr.first = max(t.opt.FirstLine, 1) - 1
	return t.writeAll(ctx, lr.next, w)
}

// WriteLines translates the given sentences and writes one output line for
// each to w, in t's format. Error messages number them from 1.
func (t *Translator) WriteLines(ctx context.Context, lines []string, w io.Writer) (Stats, error) {
	return t.writeAll(ctx, sliceSource(lines, t.opt.MaxLineBytes), w)
}

// TranslateLines translates the given sentences and returns their results
// in order. Lines that cannot be translated have Result.Err set; the error
// returned is about the whole run (the model failing, ctx canceled).
func (t *Translator) TranslateLines(ctx context.Context, lines []string) ([]Result, error) {
	out := make([]Result, 0, len(lines))
	_, err := t.run(ctx, sliceSource(lines, t.opt.MaxLineBytes), func(r *Result) error {
		out = append(out, *r)
		return nil
	}, func() error { return nil })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeAll translates the lines from next and writes them to w.
func (t *Translator) writeAll(ctx context.Context, next func() (line, bool, error), w io.Writer) (Stats, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	return t.run(ctx, next, func(r *Result) error {
		return write(bw, r, t.opt.Format, t.opt.Attention)
	}, bw.Flush)
}

// sliceSource returns a line source over lines.
func sliceSource(lines []string, maxBytes int) func() (line, bool, error) {
	i := 0
	return func() (line, bool, error) {
		if i == len(lines) {
			return line{}, false, nil
		}
		l := line{num: i + 1, text: lines[i]}
		switch {
		case len(l.text) > maxBytes:
			l.text, l.err = "", fmt.Errorf("%w (more than %d bytes)", ErrLineTooLong, maxBytes)
		case !utf8.ValidString(l.text):
			l.err = tokenize.ErrInvalidUTF8
		}
		i++
		return l, true, nil
	}
}

// chunk is a run of consecutive lines translated together.
type chunk struct {
	items   []item
	pending atomic.Int32  // jobs not done
	done    chan struct{} // closed when pending reaches 0
}

// item is one line of a chunk.
type item struct {
	res Result
	enc tokenize.Encoding
}

// job is a batch of items of one chunk, decoded together.
type job struct {
	c   *chunk
	idx []int
}

// maxChunks is the number of chunks held at once: one being written or
// translated while the next is read and translated.
const maxChunks = 2

// chunkWait is how long a partial chunk waits for more lines: input that
// comes slowly (a terminal) is translated line by line.
const chunkWait = 5 * time.Millisecond

// run is the pipeline: a goroutine reads lines, one cuts them into chunks
// and batches, workers translate the batches, and the caller's goroutine
// emits the results of each chunk in order, then calls flush. A chunk is
// done when all its batches are translated: a batch that fails cancels the
// run and leaves its chunk undone, so no untranslated line is emitted. run
// returns once every goroutine, the reader's included, has returned.
func (t *Translator) run(ctx context.Context, next func() (line, bool, error), emit func(*Result) error, flush func() error) (Stats, error) {
	start := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lines := make(chan line, t.opt.ChunkSize)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(lines)
		for {
			l, ok, err := next()
			if err != nil {
				cancel(err)
				return
			}
			if !ok {
				return
			}
			select {
			case lines <- l:
			case <-ctx.Done():
				return
			}
		}
	})
	chunks := make(chan *chunk, maxChunks)
	jobs := make(chan job)
	slots := make(chan struct{}, maxChunks)
	wg.Go(func() {
		defer close(chunks)
		defer close(jobs)
		t.cut(ctx, lines, slots, chunks, jobs)
	})
	for range t.opt.Workers {
		wg.Go(func() {
			for j := range jobs {
				if err := t.translate(ctx, j); err != nil {
					cancel(err) // the chunk stays undone
					continue
				}
				if j.c.pending.Add(-1) == 0 {
					close(j.c.done)
				}
			}
		})
	}
	var st Stats
	err := func() error {
		for c := range chunks {
			select {
			case <-c.done:
			case <-ctx.Done():
			}
			// Both may be ready: the run stops at a cancel even if
			// the chunk was done.
			if err := context.Cause(ctx); err != nil {
				return err
			}
			for i := range c.items {
				r := &c.items[i].res
				switch {
				case r.Err != nil:
					st.Failed++
					fmt.Fprintf(t.opt.Errors, "%s: %v\n", t.where(r.Line), r.Err)
				case len(r.Hyps) == 0:
					st.Empty++
				default:
					st.Translated++
				}
				if err := emit(r); err != nil {
					return err
				}
				st.Lines++
			}
			if err := flush(); err != nil {
				return err
			}
			<-slots
			st.Elapsed = time.Since(start)
			if t.opt.Progress != nil {
				t.opt.Progress(st)
			}
		}
		return context.Cause(ctx)
	}()
	cancel(err)
	wg.Wait()
	st.Elapsed = time.Since(start)
	return st, err
}

// where names input line n in messages: "line n", or "NAME:n" if
// Options.Name is set.
func (t *Translator) where(n int) string {
	if t.opt.Name == "" {
		return fmt.Sprintf("line %d", n)
	}
	return fmt.Sprintf("%s:%d", t.opt.Name, n)
}

// whereRange names the input lines lo to hi like where.
func (t *Translator) whereRange(lo, hi int) string {
	switch {
	case lo == hi:
		return t.where(lo)
	case t.opt.Name == "":
		return fmt.Sprintf("lines %d-%d", lo, hi)
	}
	return fmt.Sprintf("%s:%d-%d", t.opt.Name, lo, hi)
}

// cut reads chunks of lines, tokenizes them, and sends each chunk to
// chunks and its batches, longest sentences first, to jobs. A batch holds
// at most Search.BatchSize sentences and Search.BatchTokens padded tokens
// (search.Options.BatchLen), so that the decoder's scratch is bounded by
// the options, not by the longest sentences of the input.
func (t *Translator) cut(ctx context.Context, lines <-chan line, slots chan struct{}, chunks chan<- *chunk, jobs chan<- job) {
	timer := time.NewTimer(t.chunkWait)
	defer timer.Stop()
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		c := t.readChunk(ctx, lines, timer)
		if c == nil {
			return
		}
		todo := t.prepare(c)
		srcLen := func(i int) int { return len(c.items[i].enc.IDs) }
		order := byLength(len(todo), func(k int) int { return srcLen(todo[k]) })
		for k, o := range order {
			order[k] = todo[o]
		}
		var batches []job
		for _, idx := range cutBatches(order, srcLen, t.opt.Search) {
			batches = append(batches, job{c: c, idx: idx})
		}
		c.pending.Store(int32(len(batches)))
		if len(batches) == 0 {
			close(c.done)
		}
		select {
		case chunks <- c:
		case <-ctx.Done():
			return
		}
		for _, j := range batches {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}
}

// readChunk returns the next chunk of lines, or nil at the end of the
// input. It waits for the first line, then takes lines until the chunk is
// full or none comes for t.chunkWait.
func (t *Translator) readChunk(ctx context.Context, lines <-chan line, timer *time.Timer) *chunk {
	var c *chunk
	add := func(l line) {
		if c == nil {
			c = &chunk{items: make([]item, 0, t.opt.ChunkSize), done: make(chan struct{})}
		}
		c.items = append(c.items, item{res: Result{Line: l.num, Source: l.text, Err: l.err}})
	}
	select {
	case l, ok := <-lines:
		if !ok {
			return nil
		}
		add(l)
	case <-ctx.Done():
		return nil
	}
	for len(c.items) < t.opt.ChunkSize {
		select {
		case l, ok := <-lines:
			if !ok {
				return c
			}
			add(l)
			continue
		default:
		}
		timer.Reset(t.chunkWait)
		select {
		case l, ok := <-lines:
			if !ok {
				return c
			}
			add(l)
		case <-timer.C:
			return c
		case <-ctx.Done():
			return nil
		}
	}
	return c
}

// prepare tokenizes the lines of c, on t.opt.Workers goroutines when the
// chunk is large (decoding waits for the whole chunk, since it is sorted
// by length), and returns the indices of those to translate, in order.
func (t *Translator) prepare(c *chunk) []int {
	parts := min(t.opt.Workers, len(c.items)/minPrepareLines)
	if parts <= 1 {
		return t.prepareRange(c, 0, len(c.items))
	}
	todo := make([][]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(c.items)/parts, (p+1)*len(c.items)/parts
		wg.Go(func() { todo[p] = t.prepareRange(c, lo, hi) })
	}
	wg.Wait()
	return slices.Concat(todo...)
}

// minPrepareLines is the fewest lines a goroutine of prepare tokenizes:
// below it, starting goroutines costs more than it saves.
const minPrepareLines = 64

// prepareRange tokenizes the lines lo to hi-1 of c and returns the indices
// of those to translate.
func (t *Translator) prepareRange(c *chunk, lo, hi int) []int {
	var todo []int
	for i := lo; i < hi; i++ {
		it := &c.items[i]
		if it.res.Err != nil || strings.TrimSpace(it.res.Source) == "" {
			continue
		}
		if n := minTokens(t.src, it.res.Source, t.opt.MaxTokens); n > t.opt.MaxTokens {
			// Refused before encoding, which costs far more than this
			// count on a long line (a megabyte of garbage).
			it.res.Err = fmt.Errorf("%w: more than %d", ErrTooManyTokens, t.opt.MaxTokens)
			continue
		}
		enc, err := t.src.Encode(it.res.Source)
		switch {
		case err != nil:
			it.res.Err = fmt.Errorf("tokenize: %w", err)
		case len(enc.IDs) > t.opt.MaxTokens:
			it.res.Err = fmt.Errorf("%w: %d, at most %d", ErrTooManyTokens, len(enc.IDs), t.opt.MaxTokens)
		default:
			it.enc, it.res.SourceTokens = enc, enc.Pieces
			todo = append(todo, i)
		}
	}
	return todo
}

// minTokens returns a lower bound on the number of tokens of text,
// counted up to limit+1, when the tokenizer can give one cheaply
// (tokenize.Tokenizer.MinTokens), else 0.
func minTokens(tok Tokenizer, text string, limit int) int {
	if m, ok := tok.(interface{ MinTokens(string, int) int }); ok && utf8.ValidString(text) {
		return m.MinTokens(text, limit)
	}
	return 0
}

// translate decodes the batch j and stores the results in its chunk. It
// returns an error, naming the batch's lines, if the search fails or ctx
// is done.
func (t *Translator) translate(ctx context.Context, j job) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	src := make([][]int, len(j.idx))
	lo, hi := j.c.items[j.idx[0]].res.Line, 0
	for k, i := range j.idx {
		src[k] = j.c.items[i].enc.IDs
		lo, hi = min(lo, j.c.items[i].res.Line), max(hi, j.c.items[i].res.Line)
	}
	opt := t.opt.Search
	opt.BatchSize = max(len(src), 1)
	hyps, err := search.Search(ctx, t.dec, src, opt)
	if err != nil {
		return fmt.Errorf("translate %s: %w", t.whereRange(lo, hi), err)
	}
	for k, i := range j.idx {
		it := &j.c.items[i]
		for _, h := range hyps[k] {
			it.res.Hyps = append(it.res.Hyps, t.hypothesis(it.res.Source, it.enc, h))
		}
		if t.opt.Attention {
			it.res.enc = it.enc // for Matrix
		}
		it.enc = tokenize.Encoding{} // no longer needed
	}
	return nil
}
