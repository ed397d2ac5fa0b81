package gradcheck

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	x := []float32{0.5, -1, 2}
	square := func() float64 {
		var s float64
		for _, v := range x {
			s += float64(v) * float64(v)
		}
		return s
	}
	tests := []struct {
		name    string
		grad    []float32
		wantErr string
	}{
		{"correct", []float32{1, -2, 4}, ""},
		{"0.1% too large", []float32{1.001, -2.002, 4.004}, ""},
		{"1% too large", []float32{1.01, -2.02, 4.04}, "x: gradient off by 0.01 of its norm"},
		{"wrong element", []float32{1, -2, 3}, "worst element [2]"},
		{"length mismatch", []float32{1}, "3 values but 1 gradients"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(square, []Input{{Name: "x", Value: x, Grad: tc.grad}}, Options{})
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error = %v, want it to mention %q", err, tc.wantErr)
			}
			if x[0] != 0.5 || x[1] != -1 || x[2] != 2 {
				t.Fatalf("inputs not restored: %v", x)
			}
		})
	}
}
