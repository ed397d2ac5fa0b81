package translate_test

import (
	"bytes"
	"context"
	"runtime"
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
	every, lines, samples int
	sum                   float64
}

func (w *heapWriter) Write(p []byte) (int, error) {
	for range bytes.Count(p, []byte("\n")) {
		w.lines++
		if w.lines%w.every == 0 {
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			w.sum += float64(ms.HeapAlloc)
			w.samples++
		}
	}
	return len(p), nil
}

// leakyDecoder keeps some memory for every sentence it encodes: what a
// translator that holds on to each line would do.
type leakyDecoder struct {
	search.Decoder
	kept *[][]byte
}

func (d leakyDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	for range src {
		*d.kept = append(*d.kept, make([]byte, 256))
	}
	return d.Decoder.Begin(ctx, src)
}

// TestStreamMemoryBounded translates N and then 10N generated lines with
// a small real model (beam search, attention kept, two workers) and
// checks that the memory held while translating (the live heap, averaged
// over the run) does not grow with the input: buffers are bounded by the
// batch and reused across batches, and nothing accumulates per line. A
// decoder that keeps 256 bytes per line must be caught.
func TestStreamMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("translates 13,800 lines")
	}
	tok := translatetest.New(vocab, true)
	cfg := seq2seq.DefaultConfig()
	cfg.SrcVocab, cfg.TgtVocab = tok.VocabSize(), tok.VocabSize()
	cfg.Embed, cfg.EncoderHidden, cfg.DecoderHidden, cfg.AttentionDim, cfg.Output = 32, 32, 64, 64, 64
	m, err := seq2seq.New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	model, err := translate.NewSearchDecoder(m, translate.ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	held := func(dec search.Decoder, n int) float64 {
		opt := translate.DefaultOptions()
		opt.Workers, opt.ChunkSize, opt.Search.BatchSize, opt.Search.Beam = 2, 200, 32, 3
		opt.Search.MaxLenRatio, opt.Search.MaxLenConst = 1, 4 // random weights rarely end early
		tr, err := translate.New(dec, tok, tok, opt)
		if err != nil {
			t.Fatal(err)
		}
		w := &heapWriter{every: 100}
		st, err := tr.Stream(context.Background(), &lineCounter{max: n}, w)
		if err != nil {
			t.Fatal(err)
		}
		if st.Lines != n || w.lines != n {
			t.Fatalf("%d lines in, %d counted, %d written", n, st.Lines, w.lines)
		}
		return w.sum / float64(w.samples)
	}
	const n = 600
	grows := func(dec search.Decoder) bool {
		small, large := held(dec, n), held(dec, 10*n)
		// 10% as issue 17 asks, and 512 KiB for the batches in flight
		// when the heap is measured, which vary from sample to sample.
		limit := small*1.1 + 512<<10
		t.Logf("live heap while translating: %.0f KiB for %d lines, %.0f KiB for %d lines (limit %.0f KiB)",
			small/1024, n, large/1024, 10*n, limit/1024)
		return large > limit
	}
	held(model, n) // warm up the pools
	if grows(model) {
		t.Errorf("the memory a translation holds grows with the number of lines")
	}
	var kept [][]byte
	if !grows(leakyDecoder{model, &kept}) {
		t.Errorf("a decoder keeping 256 bytes per line went unnoticed (%d lines kept)", len(kept))
	}
}
