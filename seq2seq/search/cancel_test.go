package search_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
)

// slowDecoder is a Copy decoder whose steps take a while and which
// records the rows it is given and the steps it runs.
type slowDecoder struct {
	searchtest.Copy
	delay time.Duration

	mu      sync.Mutex
	maxRows int
	steps   int
}

func (d *slowDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	d.mu.Lock()
	d.maxRows = max(d.maxRows, st.Rows())
	d.steps++
	d.mu.Unlock()
	time.Sleep(d.delay)
	return d.Copy.Step(st, prev, logp, attn)
}

// TestCancelWithinAStep cancels searches of every width in the middle of
// a long output: each returns context.Canceled within a step of the
// cancellation, never finishing the batch.
func TestCancelWithinAStep(t *testing.T) {
	src := make([][]int, 200)
	for i := range src {
		src[i] = make([]int, 40)
		for j := range src[i] {
			src[i][j] = 4 + (i+j)%4
		}
	}
	for _, beam := range []int{1, 5, search.MaxBeam} {
		dec := &slowDecoder{Copy: searchtest.Copy{V: 8}, delay: 5 * time.Millisecond}
		opt := search.DefaultOptions()
		opt.Beam, opt.NBest = beam, 1
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := search.Search(ctx, dec, src, opt)
		stopped := time.Since(start) - 50*time.Millisecond
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("beam %d: error %v, want context.Canceled", beam, err)
		}
		if stopped > time.Second {
			t.Errorf("beam %d: stopped %v after the cancellation, want within a second", beam, stopped)
		}
		if dec.steps > 200 { // 50 ms of 5 ms steps, with room for a loaded machine
			t.Errorf("beam %d: %d steps run, the search did not stop at the cancellation", beam, dec.steps)
		}
	}
}

// TestRowsBounded checks that wide beams are decoded in batches of at most
// MaxRows rows, with the same results as one sentence at a time.
func TestRowsBounded(t *testing.T) {
	src := make([][]int, 30)
	for i := range src {
		src[i] = []int{4 + i%4, 5, 6}
	}
	dec := &slowDecoder{Copy: searchtest.Copy{V: 8}}
	opt := search.DefaultOptions()
	opt.Beam, opt.BatchSize = search.MaxBeam, 64
	got, err := search.Search(context.Background(), dec, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	if dec.maxRows > search.MaxRows {
		t.Errorf("a step had %d rows, want at most %d", dec.maxRows, search.MaxRows)
	}
	opt.BatchSize = 1
	want, err := search.Search(context.Background(), &searchtest.Copy{V: 8}, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if g, w := got[i][0].Tokens, want[i][0].Tokens; len(g) != len(w) || g[0] != w[0] {
			t.Errorf("sentence %d: %v in batches, %v alone", i, g, w)
		}
	}
}
