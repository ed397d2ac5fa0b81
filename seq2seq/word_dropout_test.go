package seq2seq

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWordDropout checks the rate of replaced words, that padding and the
// special tokens are kept, that evaluation replaces nothing, and that a
// training step with word dropout sends the replaced words' gradient to
// the <unk> embedding.
func TestWordDropout(t *testing.T) {
	ids := make([]int32, 20000)
	for i := range ids {
		ids[i] = int32(i % 9) // 0-3 are padding and specials
	}
	if got := wordDropout(nil, 0.3, ids); &got[0] != &ids[0] {
		t.Error("word dropout without a generator copied the ids")
	}
	out := wordDropout(rand.New(rand.NewPCG(1, 1)), 0.3, ids)
	words, replaced := 0, 0
	for i, id := range ids {
		switch {
		case id <= EOSID && out[i] != id:
			t.Fatalf("position %d: special token %d replaced by %d", i, id, out[i])
		case id > EOSID:
			words++
			if out[i] == UnkID {
				replaced++
			} else if out[i] != id {
				t.Fatalf("position %d: %d became %d", i, id, out[i])
			}
		}
	}
	if rate := float64(replaced) / float64(words); math.Abs(rate-0.3) > 0.02 {
		t.Errorf("replaced %.3f of the words, want 0.3", rate)
	}

	ctx := context.Background()
	cfg := tinyConfig()
	cfg.WordDropout = 0.5
	m, err := New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	src := [][]int{{4, 5, 6, 7}, {8, 9}, {12}} // no <unk>
	if _, err := m.TrainBatch(ctx, src, tinyTgt, rand.New(rand.NewPCG(2, 2))); err != nil {
		t.Fatal(err)
	}
	E := cfg.Embed
	unkGrad := func(p *Param) []float32 { return p.Grad[UnkID*E : (UnkID+1)*E] }
	if slices.Equal(unkGrad(m.srcEmb), make([]float32, E)) || slices.Equal(unkGrad(m.tgtEmb), make([]float32, E)) {
		t.Error("no gradient reached the <unk> embeddings: nothing was replaced")
	}
	ZeroGrads(m.Params())
	if _, err := m.TrainBatch(ctx, src, tinyTgt, nil); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(unkGrad(m.srcEmb), make([]float32, E)) {
		t.Error("a step without a generator replaced words")
	}
}
