package translate

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
)

func TestMaskWord(t *testing.T) {
	for _, tc := range []struct {
		ids, words []int
		w          int
		want       []int
	}{
		{[]int{10, 11, 12, 13}, []int{0, 1, 1, 2, -1}, 1, []int{10, seq2seq.UnkID, 13}},
		{[]int{10, 11}, []int{0, 1, -1}, 0, []int{seq2seq.UnkID, 11}},
		{[]int{10, 11}, []int{0, 0, -1}, 0, []int{seq2seq.UnkID}},
		{[]int{10}, []int{0, -1}, 3, []int{10}},
	} {
		if got := maskWord(tc.ids, tc.words, tc.w); !slices.Equal(got, tc.want) {
			t.Errorf("maskWord(%v, %v, %d) = %v, want %v", tc.ids, tc.words, tc.w, got, tc.want)
		}
	}
	if got := wordLogProb([]float32{-1, -2, -4, -8}, []int{0, 1, 1, -1}, 1); got != -6 {
		t.Errorf("wordLogProb = %v, want -6", got)
	}
}

// TestFaithfulnessBuiltIn runs the deletion test with the built-in de-en
// model on sentences written for this test: masking the word attention or
// salience picks must cost more than masking a random one, and the
// figures must be reproducible from the seed.
func TestFaithfulnessBuiltIn(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the built-in model")
	}
	m, err := LoadModel(pretrained.Default, ComputeFloat32)
	if err != nil {
		t.Fatal(err)
	}
	a := &Aligner{Model: m, Search: search.DefaultOptions(), SalienceLayer: SalienceEmbeddings}
	srcs := []string{"Ein Hund läuft über eine grüne Wiese.", "Zwei Kinder spielen Fußball.", "", "Eine Frau liest ein Buch im Park."}
	refs := []string{"A dog runs across a green meadow.", "Two children are playing soccer.", "", "A woman reads a book in the park."}
	ctx := context.Background()
	res, err := a.Faithfulness(ctx, srcs, refs, FaithfulnessOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Sentences != 3 || res.Words != 7+5+8 {
		t.Errorf("scored %d sentences, %d words; want 3 and 20", res.Sentences, res.Words)
	}
	for name, v := range map[string]float64{"attention": res.DropAttention, "salience": res.DropSalience, "random": res.DropRandom, "agreement": res.Agreement} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v", name, v)
		}
	}
	if res.Agreement < 0 || res.Agreement > 1 {
		t.Errorf("agreement %v outside [0, 1]", res.Agreement)
	}
	if res.DropAttention <= res.DropRandom || res.DropSalience <= res.DropRandom {
		t.Errorf("masking the top word costs %.3f (attention), %.3f (salience), a random one %.3f: want more than random", res.DropAttention, res.DropSalience, res.DropRandom)
	}
	again, err := a.Faithfulness(ctx, srcs, refs, FaithfulnessOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if again != res {
		t.Errorf("same seed, different result: %+v then %+v", res, again)
	}
	if _, err := a.Faithfulness(ctx, srcs, refs[:1], FaithfulnessOptions{}); err == nil {
		t.Error("no error for a reference file of another length")
	}
}
