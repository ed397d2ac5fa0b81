package train

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/attention/linalg"
)

// FuzzLoadCheckpoint loads arbitrary bytes as a checkpoint: the loader
// must reject them with an error naming the file, or give a checkpoint
// that training can resume from: a model that passes its check, trainer
// state without negative counts, and optimizer moments (if any) of the
// parameters' shapes, finite, the second ones not negative. The seeds are
// checkpoints of a 12-word bigram model (a few KB).
func FuzzLoadCheckpoint(f *testing.F) {
	dir := f.TempDir()
	m := newBigram(vocab, 1)
	opt := NewAdam(m.Params(), DefaultConfig().Optimizer)
	for _, ck := range []*Checkpoint{
		{Model: m.net, Train: DefaultConfig(), State: State{Step: 7, LR: 1e-3, Epoch: 1}, AdamM: opt.M, AdamV: opt.V},
		{Model: m.net, Train: DefaultConfig(), SrcTokenizer: []byte(`{}`)},
	} {
		path := filepath.Join(dir, "seed")
		if err := SaveCheckpoint(path, ck); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "ck.safetensors"
		ck, err := ReadCheckpoint(data, name)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if err := ck.Model.CheckWeights(); err != nil {
			t.Fatalf("loaded a model that fails its check: %v", err)
		}
		if err := ck.State.check(); err != nil {
			t.Fatalf("loaded a bad trainer state: %v", err)
		}
		params := ck.Model.Params()
		if (ck.AdamM == nil) != (ck.AdamV == nil) {
			t.Fatalf("one set of moments without the other")
		}
		if ck.AdamM == nil {
			return
		}
		if len(ck.AdamM) != len(params) || len(ck.AdamV) != len(params) {
			t.Fatalf("%d and %d moments for %d parameters", len(ck.AdamM), len(ck.AdamV), len(params))
		}
		for i, p := range params {
			if len(ck.AdamM[i]) != len(p.Value) || len(ck.AdamV[i]) != len(p.Value) {
				t.Fatalf("moments of %s have %d and %d values, the parameter %d", p.Name, len(ck.AdamM[i]), len(ck.AdamV[i]), len(p.Value))
			}
			if linalg.NonFinite(ck.AdamM[i]) >= 0 || linalg.NonFinite(ck.AdamV[i]) >= 0 || slices.IndexFunc(ck.AdamV[i], func(x float32) bool { return x < 0 }) >= 0 {
				t.Fatalf("moments of %s are not finite, or negative", p.Name)
			}
		}
		// Resuming applies the moments to a fresh optimizer.
		if err := ck.Apply(params, NewAdam(params, ck.Train.Optimizer)); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	})
}
