// Package search finds likely translations of source sentences under a
// step-by-step Decoder: greedy search and beam search.
//
// Both run on batches of sentences: each Step call advances every live
// hypothesis of every sentence of a batch at once, and rows are dropped from
// the decoder state (with State.Select) as soon as their sentence is done.
// Search picks greedy search for a beam of 1 and beam search otherwise; beam
// search with a beam of 1 gives exactly greedy search's output.
//
// A hypothesis is scored by the sum of the log-probabilities of its tokens
// and of the closing </s> (LogProb), and ranked by that sum normalised for
// length (Score; see Normalization). Let n be the number of scored tokens,
// len(Tokens)+1. A sentence of m source tokens may produce at most
// floor(MaxLenRatio*m) + MaxLenConst tokens before </s>; at that length
// </s> is forced.
//
// Beam search keeps, for every sentence, the Beam best live hypotheses by
// LogProb. At each step it ranks the continuations of all of them; a </s>
// among the Beam best ends a hypothesis, and the best other continuations
// (up to Beam) stay live. A sentence is done when Beam hypotheses have ended,
// when the maximum length is reached, or when no live hypothesis can reach
// the NBest best ended ones any more (this last test assumes log-probabilities
// are never positive and does not change the result). Ties are broken
// towards the lower row, then the lower token id, so results are
// deterministic. The padding and <s> tokens are never generated.
package search

import (
	"context"
	"fmt"

	"github.com/attnmt/nmt/tokenize"
)

// Special token ids, those of package tokenize.
const (
	PadID = tokenize.PadID // padding, never generated
	UnkID = tokenize.UnkID // unknown word
	BOSID = tokenize.BOSID // start of sentence, fed at the first step, never generated
	EOSID = tokenize.EOSID // end of sentence
)

// Decoder decodes a batch of source sentences step by step. Search may call
// it from several goroutines at once, each with its own states.
type Decoder interface {
	// Begin encodes the source sentences (token ids without special tokens) and returns
	// a state with one row per sentence, row i for src[i].
	Begin(ctx context.Context, src [][]int) (State, error)
	// Step feeds prev[r], the previous output token of every row r (BOSID at the first step),
	// advances every row one step and writes the log-probabilities of the next token of row r into
	// logp[r*V:(r+1)*V] (V = VocabSize()) and its attention weights over the source positions into
	// attn[r*S:(r+1)*S] (S = st.SrcLen(); positions past that row's sentence length get weight 0; the
	// last real position of each sentence is its </s>).
	Step(st State, prev []int, logp, attn []float32) error
	// VocabSize returns V, the size of the target vocabulary.
	VocabSize() int
}

// State is the decoder state of a set of rows (hypotheses).
type State interface {
	// Rows returns the number of rows.
	Rows() int
	// SrcLen returns the padded source length S, including </s>.
	SrcLen() int
	// Select returns the state of the rows named by rows (indices into the current rows; repeats
	// allowed, e.g. for expanding beams), in that order. The receiver must not be used afterwards.
	Select(rows []int) State
}

// A State may also have a method Release(), which search calls once it is
// done with the batch, so that the decoder can reuse the state's memory
// for the next one; the state is not used after it.

// Hypothesis is one translation found by search.
type Hypothesis struct {
	// Tokens are the output token ids, without <s> and </s>.
	Tokens []int
	// LogProb is the sum of the log-probabilities of Tokens and of the
	// closing </s>.
	LogProb float64
	// Score is LogProb normalised for length: hypotheses are ranked by it.
	Score float64
	// Attn holds the attention weights of each output step, the closing
	// </s> included: len(Tokens)+1 rows of len(src)+1 weights, the last
	// column being the source's </s>. It is nil with Options.NoAttention.
	Attn [][]float32
}

// Search translates the sentences src (token ids without special tokens)
// and returns, for each sentence, its opt.NBest best hypotheses, best
// first. It runs greedy search when opt.Beam is 1 and beam search
// otherwise, on batches of sentences taken in order (Options.BatchLen).
func Search(ctx context.Context, dec Decoder, src [][]int, opt Options) ([][]Hypothesis, error) {
	if opt.Beam == 1 {
		return Greedy(ctx, dec, src, opt)
	}
	return Beam(ctx, dec, src, opt)
}

// Greedy translates src by taking the most probable token at every step.
// It ignores opt.Beam and needs opt.NBest to be 1.
func Greedy(ctx context.Context, dec Decoder, src [][]int, opt Options) ([][]Hypothesis, error) {
	opt.Beam = 1
	return run(ctx, dec, src, opt, greedyBatch)
}

// Beam translates src with beam search of width opt.Beam.
func Beam(ctx context.Context, dec Decoder, src [][]int, opt Options) ([][]Hypothesis, error) {
	return run(ctx, dec, src, opt, beamBatch)
}

// batchFunc searches one batch of sentences and stores their hypotheses in out.
type batchFunc func(ctx context.Context, b *batch, out [][]Hypothesis) error

// run checks the options and searches src batch by batch.
func run(ctx context.Context, dec Decoder, src [][]int, opt Options, f batchFunc) ([][]Hypothesis, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if v := dec.VocabSize(); v <= EOSID {
		return nil, fmt.Errorf("search: vocabulary size %d is too small (want more than %d)", v, EOSID+1)
	}
	out := make([][]Hypothesis, len(src))
	for lo, hi := 0, 0; lo < len(src); lo = hi {
		hi = lo + opt.BatchLen(len(src)-lo, func(i int) int { return len(src[lo+i]) })
		b, err := begin(ctx, dec, src[lo:hi], opt)
		if err != nil {
			return nil, fmt.Errorf("search sentences %d-%d: %w", lo+1, hi, err)
		}
		err = f(ctx, b, out[lo:hi])
		b.release()
		if err != nil {
			return nil, fmt.Errorf("search sentences %d-%d: %w", lo+1, hi, err)
		}
	}
	return out, nil
}

// batch is what greedy and beam search share about one batch.
type batch struct {
	dec    Decoder
	opt    Options
	st     State
	v, s   int   // vocabulary size V, padded source length S
	srcLen []int // per sentence: source tokens without </s>
	maxLen []int // per sentence: most tokens before </s>
}

// begin encodes a batch and checks the state it gets.
func begin(ctx context.Context, dec Decoder, src [][]int, opt Options) (*batch, error) {
	b := &batch{dec: dec, opt: opt, v: dec.VocabSize(), srcLen: make([]int, len(src)), maxLen: make([]int, len(src))}
	longest := 0
	for i, s := range src {
		b.srcLen[i] = len(s)
		b.maxLen[i] = opt.maxLen(len(s))
		longest = max(longest, len(s))
	}
	if len(src) == 0 {
		return b, nil
	}
	st, err := dec.Begin(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if st.Rows() != len(src) {
		return nil, fmt.Errorf("begin: decoder state has %d rows for %d sentences", st.Rows(), len(src))
	}
	if st.SrcLen() < longest+1 {
		return nil, fmt.Errorf("begin: decoder state has source length %d, want at least %d", st.SrcLen(), longest+1)
	}
	b.st, b.s = st, st.SrcLen()
	return b, nil
}

// step runs one decoder step, checking for cancellation first.
func (b *batch) step(ctx context.Context, t int, prev []int, logp, attn []float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.dec.Step(b.st, prev, logp, attn); err != nil {
		return fmt.Errorf("step %d: %w", t+1, err)
	}
	return nil
}
