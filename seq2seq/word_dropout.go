package seq2seq

import "math/rand/v2"

// Word dropout (Gal and Ghahramani, 2016; Sennrich et al., 2016): in
// training, each input word of the source and of the decoder (the target
// words it is fed, not <s> or </s>) is replaced by <unk> with probability
// Config.WordDropout, so that the model learns to translate around words
// it cannot read. The <unk> embedding receives the replaced positions'
// gradient.

// wordDropout returns ids [N] with each word replaced by <unk> with
// probability p, drawn from r; ids itself when p is 0 or r is nil.
// Padding and the special tokens are kept.
func wordDropout(r *rand.Rand, p float64, ids []int32) []int32 {
	if p == 0 || r == nil {
		return ids
	}
	out := make([]int32, len(ids))
	threshold := uint32(p * (1 << 32))
	for i, id := range ids {
		out[i] = id
		if id > EOSID && r.Uint32() < threshold {
			out[i] = UnkID
		}
	}
	return out
}
