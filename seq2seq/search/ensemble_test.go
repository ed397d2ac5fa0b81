package search_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
)

// meanOf computes the ensemble's log-probabilities by hand: the mean of
// the members', summed in member order as Ensemble sums them.
type meanOf []*searchtest.Random

func (m meanOf) LogProbs(src []int, t, prev int) []float32 {
	out := slices.Clone(m[0].LogProbs(src, t, prev))
	for _, d := range m[1:] {
		for i, x := range d.LogProbs(src, t, prev) {
			out[i] += x
		}
	}
	for i := range out {
		out[i] *= 1 / float32(len(m))
	}
	return out
}

func TestEnsembleStepIsTheMean(t *testing.T) {
	const v = 30
	members := []*searchtest.Random{searchtest.NewRandom(v, 40, 2, 1), searchtest.NewRandom(v, 40, 2, 2), searchtest.NewRandom(v, 40, 2, 3)}
	decs := []search.Decoder{members[0], members[1], members[2]}
	ens, err := search.NewEnsemble(decs...)
	if err != nil {
		t.Fatal(err)
	}
	src := randomSource(4, v, 6, 9)
	st, err := ens.Begin(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]search.State, len(decs))
	for i, d := range decs {
		if refs[i], err = d.Begin(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}
	r, s := st.Rows(), st.SrcLen()
	prev := slices.Repeat([]int{search.BOSID}, r)
	for step := range 3 {
		logp, attn := make([]float32, r*v), make([]float32, r*s)
		if err := ens.Step(st, prev, logp, attn); err != nil {
			t.Fatal(err)
		}
		wantLogp, wantAttn := make([]float32, r*v), make([]float32, r*s)
		for i, d := range decs {
			lp, at := make([]float32, r*v), make([]float32, r*s)
			if err := d.Step(refs[i], prev, lp, at); err != nil {
				t.Fatal(err)
			}
			for j := range lp {
				wantLogp[j] += lp[j]
			}
			for j := range at {
				wantAttn[j] += at[j]
			}
		}
		for j := range wantLogp {
			wantLogp[j] /= 3
		}
		for j := range wantAttn {
			wantAttn[j] /= 3
		}
		for j := range logp {
			if math.Abs(float64(logp[j]-wantLogp[j])) > 1e-5 {
				t.Fatalf("step %d logp[%d] = %g, want the members' mean %g", step, j, logp[j], wantLogp[j])
			}
		}
		for j := range attn {
			if math.Abs(float64(attn[j]-wantAttn[j])) > 1e-6 {
				t.Fatalf("step %d attn[%d] = %g, want the members' mean %g", step, j, attn[j], wantAttn[j])
			}
		}
		for j := range prev {
			prev[j] = 4 + (step+j)%(v-4)
		}
		// Drop the first row, as search does when a sentence ends.
		keep := make([]int, 0, r)
		for j := 1; j < r; j++ {
			keep = append(keep, j)
		}
		st = st.Select(keep)
		for i := range refs {
			refs[i] = refs[i].Select(keep)
		}
		r, prev = r-1, prev[1:]
	}
}

func TestEnsembleBeamFindsExhaustiveBest(t *testing.T) {
	const v, maxLen = 6, 3 // outputs over {1, 4, 5}: 40 of at most 3 tokens, under MaxBeam
	toks := []int{1, 4, 5}
	for seed := range uint64(3) {
		members := meanOf{searchtest.NewRandom(v, 50, 1.5, seed), searchtest.NewRandom(v, 50, 1.5, seed+100)}
		ens, err := search.NewEnsemble(members[0], members[1])
		if err != nil {
			t.Fatal(err)
		}
		src := randomSource(6, v, 5, seed)
		opt := search.DefaultOptions()
		opt.Beam, opt.NBest, opt.Norm, opt.Alpha = search.MaxBeam, 10, search.NormGNMT, 1.2
		opt.MaxLenRatio, opt.MaxLenConst = 0, maxLen
		res, err := search.Search(context.Background(), ens, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		differs := false
		for i, s := range src {
			want := exhaustive(members, s, toks, maxLen, opt)[:opt.NBest]
			alone := exhaustive(members[0], s, toks, maxLen, opt)[0]
			differs = differs || !slices.Equal(alone.Tokens, want[0].Tokens)
			for j, h := range res[i] {
				if !slices.Equal(h.Tokens, want[j].Tokens) || math.Abs(h.LogProb-want[j].LogProb) > 1e-5 {
					t.Errorf("seed %d sentence %d rank %d: got %v %.6f, want %v %.6f", seed, i, j, h.Tokens, h.LogProb, want[j].Tokens, want[j].LogProb)
				}
			}
		}
		if !differs {
			t.Errorf("seed %d: the ensemble's best equals member 1's on every sentence: the test decides nothing", seed)
		}
	}
}

func TestEnsembleOfOneAndOfCopies(t *testing.T) {
	dec := searchtest.NewRandom(40, 97, 2, 5)
	src := randomSource(20, 40, 9, 5)
	for _, beam := range []int{1, 4} {
		opt := search.DefaultOptions()
		opt.Beam, opt.BatchSize = beam, 6
		want, err := search.Search(context.Background(), dec, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{1, 2, 4} {
			ens, err := search.NewEnsemble(slices.Repeat([]search.Decoder{dec}, k)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := search.Search(context.Background(), ens, src, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("beam %d: an ensemble of %d copies translates differently from the model alone", beam, k)
			}
		}
	}
}

func TestEnsembleErrors(t *testing.T) {
	if _, err := search.NewEnsemble(); err == nil {
		t.Error("an ensemble of no decoders was accepted")
	}
	_, err := search.NewEnsemble(searchtest.NewRandom(10, 3, 1, 1), searchtest.NewRandom(12, 3, 1, 1))
	if err == nil || !strings.Contains(err.Error(), "member 2") {
		t.Errorf("vocabulary mismatch: got %v, want an error naming member 2", err)
	}
	ens, err := search.NewEnsemble(searchtest.NewRandom(10, 3, 1, 1), searchtest.NewRandom(10, 3, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := searchtest.NewRandom(10, 3, 1, 1).Begin(context.Background(), [][]int{{5}})
	if err := ens.Step(other, []int{search.BOSID}, make([]float32, 10), make([]float32, 2)); err == nil {
		t.Error("a state of another decoder was accepted")
	}
}
