package translate

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/pretrained"
)

// TestLoadModelMissingNamesBuiltins checks that a model that is neither a
// file nor a built-in name gets a message naming the path given and the
// built-in models.
func TestLoadModelMissingNamesBuiltins(t *testing.T) {
	for _, path := range []string{"de-en.nmt", filepath.Join(t.TempDir(), "model.safetensors")} {
		_, err := LoadModel(path, ComputeFloat32)
		if err == nil {
			t.Fatalf("LoadModel(%s) succeeded", path)
		}
		msg := err.Error()
		if !strings.Contains(msg, path) {
			t.Errorf("error %q does not name %s", msg, path)
		}
		for _, name := range pretrained.Names() {
			if !strings.Contains(msg, name) {
				t.Errorf("error %q does not name the built-in model %s", msg, name)
			}
		}
	}
}

// TestLoadBuiltinInt8Allocates guards the int8 cold start's memory: the
// built-in model read for int8 decoding allocates its int8 weights (about
// 10 MB), its tokenizer and the file header's decoding, but no float32
// copy of its weights or embeddings (the float32 embeddings alone would
// be 16 MB more). Allocation is deterministic, unlike time.
func TestLoadBuiltinInt8Allocates(t *testing.T) {
	const budget = 36 << 20 // 26.7 MB allocated when written
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := LoadModel(pretrained.Default, ComputeInt8); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > budget {
		t.Errorf("loading the built-in model for int8 allocated %.1f MB, over the budget of %d MB", float64(got)/(1<<20), budget>>20)
	}
}
