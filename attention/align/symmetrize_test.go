package align

import (
	"math/rand/v2"
	"testing"
)

func links(t *testing.T, s string) []Link {
	t.Helper()
	l, err := ParsePharaoh(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestSymmetrizeHandWorked checks each heuristic on examples worked by
// hand from Koehn's description.
func TestSymmetrizeHandWorked(t *testing.T) {
	// 4x4. Intersection 0-0 1-1. 0-1 joins two aligned words: only the
	// union takes it. 1-3 and 3-3 touch no link: only the final steps
	// take them, 1-3 (target 3 unaligned, source 1 aligned) only in
	// final, 3-3 (both unaligned) in final and final-and.
	fw, rv := "0-0 1-1 0-1 1-3", "0-0 1-1 3-3"
	// The same with 2-2, a diagonal neighbour of 1-1: growing adds it,
	// then from 2-2 its diagonal neighbours 1-3 and 3-3.
	fw2, rv2 := "0-0 1-1 0-1 1-3", "0-0 1-1 2-2 3-3"
	tests := []struct {
		h        Symmetrization
		fw, rv   string
		want     string
		nSrc, nT int
	}{
		{Intersect, fw, rv, "0-0 1-1", 4, 4},
		{Union, fw, rv, "0-0 0-1 1-1 1-3 3-3", 4, 4},
		{GrowDiag, fw, rv, "0-0 1-1", 4, 4},
		{GrowDiagFinal, fw, rv, "0-0 1-1 1-3 3-3", 4, 4},
		{GrowDiagFinalAnd, fw, rv, "0-0 1-1 3-3", 4, 4},
		{Intersect, fw2, rv2, "0-0 1-1", 4, 4},
		{GrowDiag, fw2, rv2, "0-0 1-1 1-3 2-2 3-3", 4, 4},
		{GrowDiagFinalAnd, fw2, rv2, "0-0 1-1 1-3 2-2 3-3", 4, 4},
		{GrowDiagFinal, "", "", "", 2, 3},
		{GrowDiagFinal, "0-0", "", "0-0", 1, 1},
	}
	for _, tt := range tests {
		got, err := Symmetrize(tt.h, links(t, tt.fw), links(t, tt.rv), tt.nSrc, tt.nT)
		if err != nil {
			t.Fatal(err)
		}
		if FormatPharaoh(got) != tt.want {
			t.Errorf("%s(%q, %q) = %q, want %q", tt.h, tt.fw, tt.rv, FormatPharaoh(got), tt.want)
		}
	}
	if _, err := Symmetrize(Union, links(t, "0-5"), nil, 2, 2); err == nil {
		t.Error("no error for a link outside the sentence")
	}
	if _, err := ParseSymmetrization("grow"); err == nil {
		t.Error("ParseSymmetrization accepted grow")
	}
}

// TestSymmetrizeRecoversTruth draws true alignments and the two
// one-directional alignments a correct aligner would give (every target
// word to its source word; every source word to its first target word)
// and checks that the grow heuristics and the union recover the truth,
// and the intersection is the reverse direction's part of it. Truths are
// monotone or permuted, with some source words spanning two adjacent
// target words.
func TestSymmetrizeRecoversTruth(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	for range 300 {
		nSrc := 1 + r.IntN(8)
		perm := r.Perm(nSrc)
		var truth, fw, rv []Link
		nTgt := 0
		for _, s := range perm {
			span := 1
			if r.IntN(3) == 0 {
				span = 2
			}
			rv = append(rv, Link{Source: s, Target: nTgt})
			for range span {
				truth = append(truth, Link{Source: s, Target: nTgt})
				nTgt++
			}
		}
		fw = truth
		want := FormatPharaoh(sortLinks(append([]Link(nil), truth...)))
		for _, h := range []Symmetrization{Union, GrowDiag, GrowDiagFinal, GrowDiagFinalAnd} {
			got, err := Symmetrize(h, fw, rv, nSrc, nTgt)
			if err != nil {
				t.Fatal(err)
			}
			if FormatPharaoh(got) != want {
				t.Fatalf("%s: got %q, want the truth %q (forward %v, reverse %v)", h, FormatPharaoh(got), want, fw, rv)
			}
		}
		got, _ := Symmetrize(Intersect, fw, rv, nSrc, nTgt)
		if FormatPharaoh(got) != FormatPharaoh(sortLinks(rv)) {
			t.Fatalf("intersect: got %q, want %q", FormatPharaoh(got), FormatPharaoh(sortLinks(rv)))
		}
	}
	if got := Reverse([]Link{{Source: 2, Target: 0}, {Source: 0, Target: 1}}); FormatPharaoh(got) != "0-2 1-0" {
		t.Errorf("Reverse = %q", FormatPharaoh(got))
	}
}

func TestSymmetrizeMatrices(t *testing.T) {
	fw := Matrix{Source: "a b", Target: "x y", SourceTokens: []string{"a", "b"}, TargetTokens: []string{"x", "y"},
		SourceWords: []int{0, 1}, TargetWords: []int{0, 1}, Weights: [][]float32{{0.9, 0.1}, {0.2, 0.8}}}
	// The reverse model aligns x y back to a b.
	rv := Matrix{Source: "x y", Target: "a b", SourceTokens: []string{"x", "y"}, TargetTokens: []string{"a", "b"},
		SourceWords: []int{0, 1}, TargetWords: []int{0, 1}, Weights: [][]float32{{0.7, 0.3}, {0.4, 0.6}}}
	empty := Matrix{Source: "", Target: "a b", TargetTokens: []string{"a", "b"}, TargetWords: []int{0, 1}, Weights: [][]float32{{}, {}}}
	emptyRev := Matrix{Source: "a b", Target: "", SourceTokens: []string{"a", "b"}, SourceWords: []int{0, 1}}
	got, err := SymmetrizeMatrices(Intersect, []Matrix{fw, empty}, []Matrix{rv, emptyRev}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if FormatPharaoh(got[0]) != "0-0 1-1" || len(got[1]) != 0 {
		t.Errorf("got %q and %q", FormatPharaoh(got[0]), FormatPharaoh(got[1]))
	}
	if _, err := SymmetrizeMatrices(Intersect, []Matrix{fw}, []Matrix{fw}, 0); err == nil {
		t.Error("no error for a reverse matrix of other lines")
	}
	if _, err := SymmetrizeMatrices(Intersect, []Matrix{fw}, nil, 0); err == nil {
		t.Error("no error for a missing reverse matrix")
	}
}
