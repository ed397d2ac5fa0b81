package eval

import (
	"math"
	"testing"
)

func TestPerplexity(t *testing.T) {
	tests := []struct {
		nll     float64
		tokens  int
		want    float64
		wantErr bool
	}{
		{0, 5, 1, false},
		{10 * math.Ln2, 10, 2, false}, // log 2 nats per token
		{3 * math.Log(50), 3, 50, false},
		{1, 0, 0, true},
		{math.NaN(), 3, 0, true},
		{-1, 3, 0, true},
	}
	for _, tt := range tests {
		got, err := Perplexity(tt.nll, tt.tokens)
		if (err != nil) != tt.wantErr || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Perplexity(%v, %d) = %v, %v; want %v (error %v)", tt.nll, tt.tokens, got, err, tt.want, tt.wantErr)
		}
	}
}
