package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// heldDecoder is a copy decoder whose batches wait in Begin until let
// go: each batch sends its size and the channel that lets it go.
type heldDecoder struct {
	search.Decoder
	begun chan heldBatch
	end   chan struct{} // closed at the end of the test: every batch goes
}

type heldBatch struct {
	sentences int
	release   chan struct{}
}

func (d *heldDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	h := heldBatch{sentences: len(src), release: make(chan struct{})}
	d.begun <- h
	select {
	case <-h.release:
	case <-d.end:
	}
	return d.Decoder.Begin(ctx, src)
}

// next returns the next batch to begin, failing after a few seconds.
func (d *heldDecoder) next(t *testing.T) heldBatch {
	t.Helper()
	select {
	case h := <-d.begun:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no batch began")
		return heldBatch{}
	}
}

// heldBatcher is a batcher of a copy model whose batches wait for the
// test.
type heldBatcher struct {
	*batcher
	dec   *heldDecoder
	alone *translate.Translator // the copy model's translator
	stop  func()                // closes the batcher, once
}

// newHeldBatcher returns a heldBatcher with the given slots, largest
// batch and wait. It is closed at the end of the test, after its batches
// are let go.
func newHeldBatcher(t *testing.T, workers, maxBatch int, wait time.Duration) heldBatcher {
	t.Helper()
	words := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	tok := translatetest.New(words, false)
	copyDec := &searchtest.Copy{V: tok.VocabSize()}
	dec := &heldDecoder{Decoder: copyDec, begun: make(chan heldBatch, 16), end: make(chan struct{})}
	opt := DefaultOptions()
	opt.Workers, opt.MaxBatch, opt.BatchWait = workers, maxBatch, wait
	b, err := newBatcher(&Model{Name: "copy", Source: "de", Target: "en", Decoder: dec, Src: tok, Tgt: tok}, opt, newMetrics())
	if err != nil {
		t.Fatal(err)
	}
	alone, err := translate.New(copyDec, tok, tok, translate.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	h := heldBatcher{batcher: b, dec: dec, alone: alone, stop: sync.OnceFunc(b.close)}
	t.Cleanup(func() {
		close(dec.end)
		h.stop()
	})
	return h
}

// submit sends lines to b from a goroutine and returns where its outcome comes.
func submit(b *batcher, lines ...string) <-chan jobResult {
	out := make(chan jobResult, 1)
	go func() {
		rs, err := b.translate(context.Background(), lines, 1, false)
		out <- jobResult{results: rs, err: err}
	}()
	return out
}

// checkResult checks that r holds the translations of lines alone.
func checkResult(t *testing.T, alone *translate.Translator, r <-chan jobResult, lines ...string) {
	t.Helper()
	var got jobResult
	select {
	case got = <-r:
	case <-time.After(10 * time.Second):
		t.Fatalf("%q: no answer", lines)
	}
	if got.err != nil {
		t.Fatalf("%q: %v", lines, got.err)
	}
	want, err := alone.TranslateLines(context.Background(), lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.results) != len(want) {
		t.Fatalf("%q: %d results, want %d", lines, len(got.results), len(want))
	}
	for i := range want {
		if g, w := got.results[i].Translation(), want[i].Translation(); g != w {
			t.Errorf("%q, line %d: %q, want %q", lines, i+1, g, w)
		}
	}
}

// TestBatcherSpreadsOverFreeSlots sends as many one-line requests as a
// batch holds to an idle batcher with two slots: they must be decoded as
// two halves at once, not as one batch that leaves a slot idle.
func TestBatcherSpreadsOverFreeSlots(t *testing.T) {
	b := newHeldBatcher(t, 2, 8, time.Hour) // the batch starts when 8 lines wait
	words := []string{"a", "b c", "d", "e f g", "h", "i a", "b", "c d"}
	var outs []<-chan jobResult
	for _, w := range words {
		outs = append(outs, submit(b.batcher, w))
	}
	first, second := b.dec.next(t), b.dec.next(t) // both decoding at once
	if first.sentences != 4 || second.sentences != 4 {
		t.Errorf("batches of %d and %d sentences, want 4 and 4", first.sentences, second.sentences)
	}
	close(first.release)
	close(second.release)
	for i, w := range words {
		checkResult(t, b.alone, outs[i], w)
	}
}

// TestBatcherSharesLines checks that a batch that starts while another
// slot decodes a small batch takes an even share of the lines, that the
// lines it leaves start when a slot frees, and that a request whose lines
// went to two batches gets all of them, in order.
func TestBatcherSharesLines(t *testing.T) {
	b := newHeldBatcher(t, 2, 64, 0)
	one := submit(b.batcher, "a")
	small := b.dec.next(t)
	lines := strings.Fields("a b c d e f g h i")
	nine := submit(b.batcher, lines...)
	share := b.dec.next(t)
	if small.sentences != 1 || share.sentences != 5 {
		t.Errorf("batches of %d and %d sentences, want 1 and 5 (half of the 10)", small.sentences, share.sentences)
	}
	close(small.release)
	checkResult(t, b.alone, one, "a")
	rest := b.dec.next(t)
	if rest.sentences != 4 {
		t.Errorf("the lines left: a batch of %d, want 4", rest.sentences)
	}
	close(share.release)
	close(rest.release)
	checkResult(t, b.alone, nine, lines...)
}

// TestBatcherClose checks that closing a batcher refuses the lines that
// wait and lets the batches being decoded finish.
func TestBatcherClose(t *testing.T) {
	b := newHeldBatcher(t, 1, 64, 0)
	decoding := submit(b.batcher, "a b")
	held := b.dec.next(t)
	// Queued, or not yet taken when close comes: refused either way.
	waiting := submit(b.batcher, "c")
	time.Sleep(10 * time.Millisecond)
	closed := make(chan struct{})
	go func() {
		b.stop()
		close(closed)
	}()
	select {
	case r := <-waiting:
		if !errors.Is(r.err, errClosed) {
			t.Errorf("a request waiting at close: %v, want %v", r.err, errClosed)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request waiting at close got no answer")
	}
	select {
	case <-closed:
		t.Fatal("close returned before the batch being decoded ended")
	default:
	}
	close(held.release)
	checkResult(t, b.alone, decoding, "a b")
	<-closed
}

func TestBatchSize(t *testing.T) {
	tests := []struct {
		workers, max, waiting, decoding, want int
	}{
		{2, 64, 32, 0, 16},  // 32 clients at once on an idle server: half each
		{2, 64, 16, 16, 16}, // half answered and back: the other half decodes
		{2, 64, 30, 2, 16},  // the batches even out
		{2, 64, 4, 30, 4},   // fewer than the share: all of them
		{2, 64, 1, 0, 1},
		{2, 64, 200, 0, 64}, // at most a full batch
		{1, 64, 32, 0, 32},  // one slot: everything
		{4, 64, 32, 0, 8},
		{3, 64, 2, 0, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d slots %d waiting %d decoding", tt.workers, tt.waiting, tt.decoding), func(t *testing.T) {
			b := &batcher{workers: tt.workers, max: tt.max}
			if got := b.batchSize(tt.waiting, tt.decoding); got != tt.want {
				t.Errorf("batchSize(%d, %d) = %d, want %d", tt.waiting, tt.decoding, got, tt.want)
			}
		})
	}
}

func TestLineQueueTake(t *testing.T) {
	jobs := []*job{newJob(context.Background(), []string{"a", "b", "c"}, 1, false),
		newJob(context.Background(), []string{"d"}, 1, false), newJob(context.Background(), []string{"e", "f"}, 1, false)}
	var q lineQueue
	for _, j := range jobs {
		q.push(j)
	}
	var got []string
	for _, n := range []int{2, 3, 4} {
		var batch []string
		for _, s := range q.take(n) {
			batch = append(batch, s.job.lines[s.lo:s.hi]...)
		}
		got = append(got, strings.Join(batch, " "))
	}
	if want := []string{"a b", "c d e", "f"}; !slices.Equal(got, want) || q.n != 0 {
		t.Errorf("takes of 2, 3, 4 lines: %q (%d left), want %q", got, q.n, want)
	}
}
