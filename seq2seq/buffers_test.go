package seq2seq

import (
	"context"
	"runtime"
	"testing"
)

// TestDecoderKeepsScratchAcrossGC checks that a batch decoded after
// garbage collections reuses the scratch of the batches before: the
// encoder's and the steps' arenas, the largest buffers of decoding
// (at least 256 KiB each), are not made anew, as they were when a
// sync.Pool, emptied by collections, held them.
func TestDecoderKeepsScratchAcrossGC(t *testing.T) {
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.NewInt8Decoder()
	if err != nil {
		t.Fatal(err)
	}
	batch := func() {
		st, err := d.Begin(context.Background(), tinySrc)
		if err != nil {
			t.Fatal(err)
		}
		logp, attn := make([]float32, st.Rows()*d.VocabSize()), make([]float32, st.Rows()*st.SrcLen())
		for range 3 {
			if err := d.Step(st, []int{BOSID, BOSID, BOSID}, logp, attn); err != nil {
				t.Fatal(err)
			}
		}
		st.Release()
	}
	batch()
	batch() // the arenas have grown to what a batch needs
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	batch()
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("a batch after garbage collections allocated %d KiB, want under 64 KiB (its scratch reused)", n>>10)
	}
}
