package translate_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// heapWriter discards a translation's output and, every `every` lines,
// collects garbage (twice, so that pooled buffers not in use go too) and
// adds up the live heap.
type heapWriter struct {
	every, lines int
	live         []float64
}

func (w *heapWriter) Write(p []byte) (int, error) {
	for range bytes.Count(p, []byte("\n")) {
		w.lines++
		if w.lines%w.every == 0 {
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			w.live = append(w.live, float64(ms.HeapAlloc))
		}
	}
	return len(p), nil
}

// cycleReader reads max lines, going round the same few lines, so that
// a long input is like a short one except for its length.
type cycleReader struct {
	lines  []string
	n, max int
	buf    []byte
}

func (r *cycleReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.n < r.max {
		r.buf = append(r.buf, r.lines[r.n%len(r.lines)]...)
		r.buf = append(r.buf, '\n')
		r.n++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// leakyDecoder keeps some memory for every sentence it encodes: what a
// translator that holds on to each line would do.
type leakyDecoder struct {
	search.Decoder
	kept *keptMemory
}

// keptMemory is what leakyDecoders keep, safe for the workers' concurrent
// Begin calls.
type keptMemory struct {
	mu   sync.Mutex
	bufs [][]byte
}

func (d leakyDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	d.kept.mu.Lock()
	for range src {
		d.kept.bufs = append(d.kept.bufs, make([]byte, 1024))
	}
	d.kept.mu.Unlock()
	return d.Decoder.Begin(ctx, src)
}

// smallModel returns a model with random weights over tok's vocabulary,
// its embeddings and encoder of width small, the rest of width large.
func smallModel(t *testing.T, tok *translatetest.Tokenizer, small, large int, seed uint64) *seq2seq.Model {
	t.Helper()
	cfg := seq2seq.DefaultConfig()
	cfg.SrcVocab, cfg.TgtVocab = tok.VocabSize(), tok.VocabSize()
	cfg.Embed, cfg.EncoderHidden, cfg.DecoderHidden, cfg.AttentionDim, cfg.Output = small, small, large, large, large
	m, err := seq2seq.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStreamMemoryBounded translates 6,000 lines with a small real model
// (beam search, attention kept, two workers) and checks that the memory
// held while translating (the median of the live heap measured every 50
// lines) is the same after 600-1,200 lines as over the last 600, within
// 10%: it does not grow with the input, as buffers are bounded by the
// batch and reused across batches, and nothing accumulates per line. A
// decoder that keeps 1 KiB per line must be caught.
func TestStreamMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("translates 12,000 lines")
	}
	tok := translatetest.New(vocab, true)
	m := smallModel(t, tok, 32, 64, 3)
	model, err := translate.NewSearchDecoder(m, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	lines := randomLines(100, 5)
	// held translates n lines and returns the median live heap over
	// lines n/10 to 2n/10, once the pipeline is full, and over the last
	// n/10 lines.
	held := func(dec search.Decoder, n int) (early, late float64) {
		opt := translate.DefaultOptions()
		opt.Workers, opt.ChunkSize, opt.Search.BatchSize, opt.Search.Beam = 2, 200, 32, 3
		opt.Search.MaxLenRatio, opt.Search.MaxLenConst = 1, 4 // random weights rarely end early
		tr, err := translate.New(dec, tok, tok, opt)
		if err != nil {
			t.Fatal(err)
		}
		w := &heapWriter{every: 50}
		st, err := tr.Stream(context.Background(), &cycleReader{lines: lines, max: n}, w)
		if err != nil {
			t.Fatal(err)
		}
		if st.Lines != n || w.lines != n {
			t.Fatalf("%d lines in, %d counted, %d written", n, st.Lines, w.lines)
		}
		k := len(w.live) / 10
		return median(w.live[k : 2*k]), median(w.live[len(w.live)-k:])
	}
	const n = 6000
	grows := func(dec search.Decoder) bool {
		early, late := held(dec, n)
		// 10% as issue 17 asks, and 512 KiB for the batches in flight
		// when the heap is measured, which vary from sample to sample.
		limit := early*1.1 + 512<<10
		t.Logf("live heap while translating %d lines: %.0f KiB after %d, %.0f KiB at the end (limit %.0f KiB)",
			n, early/1024, n/5, late/1024, limit/1024)
		return late > limit
	}
	if grows(model) {
		t.Errorf("the memory a translation holds grows with the number of lines")
	}
	var kept keptMemory
	if !grows(leakyDecoder{model, &kept}) {
		t.Errorf("a decoder keeping 1 KiB per line went unnoticed (%d lines kept)", len(kept.bufs))
	}
}
