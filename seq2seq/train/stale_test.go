package train

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// TestRunRemovesStaleTemporaryFiles leaves in the checkpoint directory the
// temporary files a writer killed with SIGKILL leaves (unlocked ones; see
// atomicfile's tests for real killed processes), one being written by a
// live writer, and files of other names: a run removes only the stale
// checkpoint ones.
func TestRunRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	stale := []string{"." + checkpointName(5) + ".tmp-123", "." + BestName + ".tmp-77"}
	others := []string{".notes.txt.tmp-1", checkpointName(5) + ".tmp-1", ".ckpt-5.safetensors.tmp-abc", "train.log"}
	for _, n := range append(slices.Clone(stale), others...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	live, err := atomicfile.Create(filepath.Join(dir, checkpointName(99)))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	before := dirFiles(t, dir)
	cfg := testConfig(dir)
	cfg.Schedule.MaxSteps = 2
	if _, err := newTrainer(t, cfg, newBigram(vocab, 1), Hooks{}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := dirFiles(t, dir)
	for _, n := range stale {
		if slices.Contains(after, n) {
			t.Errorf("stale %s left", n)
		}
	}
	for _, n := range before {
		if !slices.Contains(stale, n) && !slices.Contains(after, n) {
			t.Errorf("%s removed: only stale temporary checkpoint files may go", n)
		}
	}
}
