package corpus

import (
	"slices"
	"testing"
)

func TestShuffle(t *testing.T) {
	base := make([]int, 100)
	for i := range base {
		base[i] = i
	}
	shuffled := func(seed uint64) []int {
		s := slices.Clone(base)
		Shuffle(s, seed)
		return s
	}
	a, b, c := shuffled(1), shuffled(1), shuffled(2)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different orders")
	}
	if slices.Equal(a, c) || slices.Equal(a, base) {
		t.Error("different seeds, or no shuffle, gave the same order")
	}
	sorted := slices.Clone(a)
	slices.Sort(sorted)
	if !slices.Equal(sorted, base) {
		t.Error("Shuffle is not a permutation")
	}
}
