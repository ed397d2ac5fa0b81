package search

import (
	"math"
	"testing"
)

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	long := make([]float32, 100)
	long[77], long[90] = 5, 5
	tests := []struct {
		name string
		lp   []float32
		want int
	}{
		{"pad and <s> never win", []float32{9, -1, 9, -2, -3}, UnkID},
		{"eos", []float32{0, -5, 0, -1, -2}, EOSID},
		{"last", []float32{0, -5, 0, -3, -2, -1}, 5},
		{"tie goes to the lowest id", []float32{0, -1, 0, -2, -1}, UnkID},
		{"tie past the vector width", long, 77},
		{"NaN is skipped", []float32{0, -1, 0, nan, -0.5, -2}, 4},
		{"NaN in a long row", append(append([]float32{}, long...), nan), 77},
		{"NaN <unk> is skipped", []float32{0, nan, 0, -1, -0.5}, 4},
		{"all NaN", []float32{0, nan, 0, nan}, UnkID},
	}
	for _, tt := range tests {
		if got := argmax(tt.lp); got != tt.want {
			t.Errorf("%s: argmax = %d, want %d", tt.name, got, tt.want)
		}
	}
}
