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
// built-in model read for int8 decoding allocates its int8 weights (a
// byte a weight, about 10 MiB), its tokenizer and the file header's
// decoding, but no float32 copy of its weights or embeddings (the float32
// embeddings alone would add 4 bytes an embedding weight, 15.6 MiB for a
// vocabulary of 8,000). The budget is derived from the model, so that it
// holds for any built-in model: 1.43 times the bytes of its weights in
// float16, as the built-in files store them (36 MiB for the 13.2M weights
// of the first built-in de-en, which allocated 25.7 MiB). The test also
// fails if the budget is too loose to catch the float32 embeddings.
// Allocation is deterministic, unlike time.
func TestLoadBuiltinInt8Allocates(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := LoadModel(pretrained.Default, ComputeInt8)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	cfg := m.File.Model.Config()
	embeds := cfg.SrcVocab * cfg.Embed
	if !cfg.ShareEmbeddings {
		embeds += cfg.TgtVocab * cfg.Embed
	}
	f, err := pretrained.Load(pretrained.Default) // the float32 model, for its weight count
	if err != nil {
		t.Fatal(err)
	}
	weights := f.Model.NumParams()
	budget := uint64(1.43 * 2 * float64(weights))
	float32Embeds := uint64(4 * embeds)
	t.Logf("allocated %.1f MiB; budget %.1f MiB (%d weights); float32 embeddings %.1f MiB", mib(got), mib(budget), weights, mib(float32Embeds))
	if got > budget {
		t.Errorf("loading the built-in model for int8 allocated %.1f MiB, over the budget of %.1f MiB (1.43 x its %d weights in float16)", mib(got), mib(budget), weights)
	}
	if got+float32Embeds <= budget {
		t.Errorf("the budget of %.1f MiB would let a float32 copy of the embeddings (%.1f MiB) pass on top of the %.1f MiB allocated: lower the factor", mib(budget), mib(float32Embeds), mib(got))
	}
}

// mib returns n bytes in MiB.
func mib(n uint64) float64 { return float64(n) / (1 << 20) }
