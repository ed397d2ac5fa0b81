package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/attnmt/nmt/seq2seq/translate"
)

// TestBoundMemoryAfterFirstChunk checks when the soft memory limit is set:
// after the first full chunk, not after a short one, never with
// GOMEMLIMIT set; and that the wrapped progress is still called.
func TestBoundMemoryAfterFirstChunk(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	for _, c := range []struct {
		name     string
		env      bool
		lines    []int // Stats.Lines of the successive progress calls
		wantSet  bool
		progress bool
	}{
		{name: "full chunk", lines: []int{1000}, wantSet: true, progress: true},
		{name: "full chunk, no progress", lines: []int{1000, 2000}, wantSet: true},
		{name: "short chunks then a full one", lines: []int{3, 7, 1007}, wantSet: true, progress: true},
		{name: "short chunks only", lines: []int{3, 7, 12}, progress: true},
		{name: "GOMEMLIMIT set", env: true, lines: []int{1000, 2000}, progress: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			if c.env {
				t.Setenv("GOMEMLIMIT", "off")
			}
			calls := 0
			var progress func(translate.Stats)
			if c.progress {
				progress = func(translate.Stats) { calls++ }
			}
			wrapped := boundMemoryAfterFirstChunk(progress, 1000)
			for _, n := range c.lines {
				wrapped(translate.Stats{Lines: n})
			}
			if c.progress && calls != len(c.lines) {
				t.Errorf("progress called %d times, want %d", calls, len(c.lines))
			}
			limit := debug.SetMemoryLimit(-1)
			if set := limit != math.MaxInt64; set != c.wantSet {
				t.Errorf("limit %d: set %v, want %v", limit, set, c.wantSet)
			}
			if c.wantSet && (limit <= 0 || limit > 1<<40) {
				t.Errorf("limit %d bytes, want the memory the runtime holds", limit)
			}
		})
	}
}
