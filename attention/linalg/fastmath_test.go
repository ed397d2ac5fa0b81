package linalg

import (
	"math"
	"testing"
)

func TestTanhAccuracy(t *testing.T) {
	var worst float64
	for x := -20.0; x <= 20; x += 1e-4 {
		got := float64(Tanh(float32(x)))
		want := math.Tanh(float64(float32(x)))
		if d := math.Abs(got - want); d > worst {
			worst = d
		}
	}
	if worst > 1e-6 {
		t.Errorf("max |Tanh - math.Tanh| = %g, want <= 1e-6", worst)
	}
}

func TestSigmoidAccuracy(t *testing.T) {
	for x := -30.0; x <= 30; x += 1e-3 {
		got := float64(Sigmoid(float32(x)))
		want := 1 / (1 + math.Exp(-float64(float32(x))))
		if math.Abs(got-want) > 1e-6 {
			t.Fatalf("Sigmoid(%g) = %g, want %g", x, got, want)
		}
	}
}

func TestExpAccuracy(t *testing.T) {
	tests := []struct {
		x    float32
		want float64
	}{
		{-100, 0}, {0, 1}, {1, math.E}, {-1, 1 / math.E},
	}
	for _, tc := range tests {
		if got := float64(Exp(tc.x)); math.Abs(got-tc.want) > 1e-6*math.Max(1, tc.want) {
			t.Errorf("Exp(%g) = %g, want %g", tc.x, got, tc.want)
		}
	}
	if !math.IsInf(float64(Exp(100)), 1) {
		t.Errorf("Exp(100) = %g, want +Inf", Exp(100))
	}
	for x := -87.0; x <= 88; x += 1e-3 {
		got := float64(Exp(float32(x)))
		want := math.Exp(float64(float32(x)))
		if math.Abs(got-want)/want > 5e-7 {
			t.Fatalf("Exp(%g) = %g, want %g (rel err %g)", x, got, want, math.Abs(got-want)/want)
		}
	}
}

func BenchmarkTanh(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i-2048) / 256
	}
	b.ReportAllocs()
	var s float32
	for b.Loop() {
		for _, x := range xs {
			s += Tanh(x)
		}
	}
	_ = s
}

func BenchmarkExp(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i-2048) / 64
	}
	b.ReportAllocs()
	var s float32
	for b.Loop() {
		for _, x := range xs {
			s += Exp(x)
		}
	}
	_ = s
}
