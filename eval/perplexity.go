package eval

import (
	"fmt"
	"math"
)

// Perplexity returns exp(nll/tokens), the perplexity of a model whose
// summed negative log-likelihood (natural log) over tokens tokens is nll.
func Perplexity(nll float64, tokens int) (float64, error) {
	if tokens <= 0 {
		return 0, fmt.Errorf("perplexity of %d tokens", tokens)
	}
	if nll < 0 || math.IsNaN(nll) {
		return 0, fmt.Errorf("bad negative log-likelihood %v", nll)
	}
	return math.Exp(nll / float64(tokens)), nil
}
