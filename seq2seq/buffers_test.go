package seq2seq

import (
	"context"
	"runtime"
	"slices"
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

// TestBeginScratch checks that Decoder.beginScratch is exactly what Begin
// takes from its arena, for every architecture, both decoders and batches
// of several shapes, so that a file's first batch finds its arena made
// once (and a change to what encode takes must update it).
func TestBeginScratch(t *testing.T) {
	srcs := [][][]int{
		tinySrc,
		{{4}},
		{{4, 5, 6, 7, 8, 9, 10, 11, 12}, {5, 6}},
	}
	for _, v := range append(slices.Clone(configVariants), kindVariants...) {
		t.Run(v.name, func(t *testing.T) {
			cfg := tinyConfig()
			v.edit(&cfg)
			m, err := New(cfg, 5)
			if err != nil {
				t.Fatal(err)
			}
			i8, err := m.NewInt8Decoder()
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*Decoder{m.NewDecoder(), i8} {
				for _, src := range srcs {
					st, err := d.Begin(context.Background(), src)
					if err != nil {
						t.Fatal(err)
					}
					want := d.beginScratch(st.S, st.B)
					if got := st.enc.total; got != want {
						t.Errorf("%d sentences padded to %d: Begin took %d floats, beginScratch says %d", st.B, st.S, got, want)
					}
					if len(st.enc.buf) < want {
						t.Errorf("%d sentences padded to %d: arena of %d floats, want at least %d in one array", st.B, st.S, len(st.enc.buf), want)
					}
					st.Release()
				}
			}
		})
	}
}
