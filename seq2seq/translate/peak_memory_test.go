package translate_test

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// heapMeter measures the heap in use while a translation runs: a
// decoder wrapped by peakDecoder calls it after every Begin and Step,
// where a translation allocates, and every `every` calls it collects
// garbage and reads the heap then (runtime/metrics' bytes of heap
// objects, which right after a collection are those in use). This is the
// memory the translation needs at that moment, whatever the garbage
// collector's pacing: the peak of the heap itself also depends on how
// many collections a run has had time for, and a short run ends before
// its heap has grown to the collector's target.
type heapMeter struct {
	mu     sync.Mutex
	every  int
	calls  int
	sample []metrics.Sample
	inUse  []float64 // the measures
}

func newHeapMeter(every int) *heapMeter {
	return &heapMeter{every: every, sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

// heapInUse collects garbage and returns the bytes of heap objects then.
func (m *heapMeter) heapInUse() uint64 {
	runtime.GC()
	metrics.Read(m.sample)
	return m.sample[0].Value.Uint64()
}

// measure is called where the heap may peak.
func (m *heapMeter) measure() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.calls%m.every == 0 {
		m.inUse = append(m.inUse, float64(m.heapInUse()))
	}
}

// high returns the 90th percentile of the measures above base: the
// memory a translation holds at its fullest, without the odd moment when
// a collection met both workers at their largest allocations (the
// maximum itself grows with the number of measures, that is with the
// input's length).
func (m *heapMeter) high(base uint64) float64 {
	slices.Sort(m.inUse)
	return m.inUse[len(m.inUse)*9/10] - float64(base)
}

// peakDecoder samples its meter after each call that allocates.
type peakDecoder struct {
	search.Decoder
	meter *heapMeter
}

func (d peakDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	st, err := d.Decoder.Begin(ctx, src)
	d.meter.measure()
	return st, err
}

func (d peakDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	err := d.Decoder.Step(st, prev, logp, attn)
	d.meter.measure()
	return err
}

// longTailLines returns n lines whose lengths in words (one token each)
// have the long tail of real text, P(length > L) about (1.5/L)^2 up to
// 200 words: the longest of n lines grows with n (about 1.5 sqrt(n)), so
// that a file 10 times longer holds sentences about 3 times longer, as
// Multi30k's train.de does. The first n lines of longTailLines(10n) are
// longTailLines(n).
func longTailLines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 11))
	words := []string{"ein", "Mann", "fährt", "Fahrrad", "eine", "Frau", "läuft", "."}
	lines := make([]string, n)
	for i := range lines {
		k := min(200, int(math.Ceil(1.5/math.Sqrt(1-rng.Float64()))))
		w := make([]string, k)
		for j := range w {
			w[j] = words[rng.IntN(len(words))]
		}
		lines[i] = strings.Join(w, " ")
	}
	return lines
}

// longest returns the most words in a line of lines.
func longest(lines []string) int {
	n := 0
	for _, l := range lines {
		n = max(n, len(strings.Fields(l)))
	}
	return n
}

// TestStreamPeakMemoryIndependentOfLength translates the first N and the
// first 10N lines of a long-tailed input (the longer one holds sentences
// three times longer, as a longer real file does) with a small real
// model, each with a fresh decoder, and checks that the heap in use at
// the fullest (heapMeter.high above what was in use before) is the same
// within 10% (issue 14 item 4, issue 17 item 9). It also
// checks that the comparison catches the regressions it is there for: a
// decoder keeping 1 KiB per line, and batches not bounded by their padded
// tokens (search.Options.BatchTokens 0), whose scratch then grows to the
// longest sentences met.
func TestStreamPeakMemoryIndependentOfLength(t *testing.T) {
	if testing.Short() {
		t.Skip("translates 16,500 lines")
	}
	const n = 500
	lines := longTailLines(10*n, 5)
	if short, long := longest(lines[:n]), longest(lines); long < 2*short {
		t.Fatalf("the longest of %d lines has %d words, of %d lines %d: want a longer tail", n, short, 10*n, long)
	}
	tok := translatetest.New(vocab, true)
	m := smallModel(t, tok, 96, 96, 5)
	opt := translate.DefaultOptions()
	opt.Workers, opt.ChunkSize, opt.Search.Beam = 2, 250, 1
	opt.Search.BatchSize, opt.Search.BatchTokens = 64, 1024
	opt.Search.MaxLenRatio, opt.Search.MaxLenConst = 0.5, 2 // random weights rarely end early
	// As with the built-in models, whose tokenizer never produces
	// <unk>: no attention is kept (with it, a batch's attention rows
	// grow with its sentences' lengths squared, up to Options.MaxTokens).
	opt.NoUnkReplace = true
	// peak translates the first k lines with a fresh decoder wrapped by
	// wrap and returns the heap in use at the fullest above the heap in
	// use before.
	peak := func(k int, opt translate.Options, wrap func(search.Decoder) search.Decoder) float64 {
		dec, err := translate.NewSearchDecoder(m, translate.ComputeFloat32)
		if err != nil {
			t.Fatal(err)
		}
		meter := newHeapMeter(2)
		dec = peakDecoder{Decoder: wrap(dec), meter: meter}
		tr, err := translate.New(dec, tok, tok, opt)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		base := meter.heapInUse()
		w := &heapWriter{every: math.MaxInt}
		st, err := tr.Stream(context.Background(), &cycleReader{lines: lines, max: k}, w)
		if err != nil {
			t.Fatal(err)
		}
		if st.Lines != k || w.lines != k {
			t.Fatalf("%d lines in, %d counted, %d written", k, st.Lines, w.lines)
		}
		return meter.high(base)
	}
	// grows reports whether 10n lines need more than 10% more than n.
	grows := func(what string, opt translate.Options, wrap func(search.Decoder) search.Decoder) bool {
		short, long := peak(n, opt, wrap), peak(10*n, opt, wrap)
		t.Logf("%s: heap in use at the fullest %.0f KiB for %d lines, %.0f KiB for %d (%+.0f%%)",
			what, short/1024, n, long/1024, 10*n, 100*(long/short-1))
		return long > 1.1*short
	}
	plain := func(d search.Decoder) search.Decoder { return d }
	if grows("as shipped", opt, plain) {
		t.Errorf("the peak memory of a translation grows with the input's length")
	}
	var kept keptMemory
	if !grows("a decoder keeping 1 KiB per line", opt, func(d search.Decoder) search.Decoder { return leakyDecoder{d, &kept} }) {
		t.Errorf("a decoder keeping 1 KiB per line went unnoticed (%d lines kept)", len(kept.bufs))
	}
	kept.bufs = nil
	unbounded := opt
	unbounded.Search.BatchTokens = 0
	if !grows("batches not bounded by tokens", unbounded, plain) {
		t.Errorf("scratch sized to the longest sentences went unnoticed")
	}
}
