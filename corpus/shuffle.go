package corpus

import "math/rand/v2"

// NewRand returns a generator seeded by (seed, stream): the same pair
// always gives the same sequence. Batcher uses the epoch as the stream.
func NewRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// Shuffle permutes s in place, the same way for the same seed and length.
func Shuffle[T any](s []T, seed uint64) {
	r := NewRand(seed, 0)
	r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}
