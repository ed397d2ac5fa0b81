package translate

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/tokenize"
)

// Faithfulness is the outcome of a deletion test: for each output word,
// the top source word by attention, by salience and a random one were
// masked (replaced by one <unk>), the translation forced again, and the
// drop in that output word's log-probability (the sum over its pieces)
// recorded. A map that explains the model well picks words whose loss
// hurts: a larger mean drop than the random word's.
type Faithfulness struct {
	// Words is the number of output words scored; Sentences the number of
	// sentence pairs with at least one word on both sides.
	Words, Sentences int
	// Mean drop in log-probability (nats) when masking the top word by
	// attention, by salience, and a uniformly drawn source word.
	DropAttention, DropSalience, DropRandom float64
	// Agreement is the share of output words whose top source word is the
	// same by attention and by salience.
	Agreement float64
}

// FaithfulnessOptions control a deletion test.
type FaithfulnessOptions struct {
	// Words maps subword matrices to words (special tokens are always
	// dropped: only real source words are masked).
	Words align.WordOptions
	// Seed draws the random words.
	Seed uint64
}

// Faithfulness runs the deletion test on the given translations refs of
// srcs (one per line; the model's own translations can be given as refs
// after nmt translate). The salience is a.Salience on a.SalienceLayer.
func (a *Aligner) Faithfulness(ctx context.Context, srcs, refs []string, opt FaithfulnessOptions) (Faithfulness, error) {
	var res Faithfulness
	if len(refs) != len(srcs) {
		return res, fmt.Errorf("faithfulness: %d source lines but %d translations", len(srcs), len(refs))
	}
	if err := a.singleModel(); err != nil {
		return res, fmt.Errorf("faithfulness: %w", err)
	}
	both := *a
	both.Explain = ExplainBoth
	ms, err := both.Align(ctx, srcs, refs)
	if err != nil {
		return res, fmt.Errorf("faithfulness: %w", err)
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0xde1e7e))
	words := opt.Words
	words.KeepSpecial = false
	var agree, dropA, dropS, dropR float64
	for start := 0; start < len(ms); start += 32 {
		end := min(start+32, len(ms))
		d, err := a.deletionBatch(ctx, ms[start:end], words, r, start)
		if err != nil {
			return res, err
		}
		res.Words += d.Words
		res.Sentences += d.Sentences
		agree += d.Agreement
		dropA, dropS, dropR = dropA+d.DropAttention, dropS+d.DropSalience, dropR+d.DropRandom
	}
	if res.Words > 0 {
		n := float64(res.Words)
		res.Agreement, res.DropAttention, res.DropSalience, res.DropRandom = agree/n, dropA/n, dropS/n, dropR/n
	}
	return res, nil
}

// deletionPick is one output word and the source words masked for it.
type deletionPick struct {
	sent, word    int
	att, sal, rnd int // source word indices
}

// deletionBatch runs the test on the subword matrices ms (with both maps)
// and returns sums, not means.
func (a *Aligner) deletionBatch(ctx context.Context, ms []align.Matrix, words align.WordOptions, r *rand.Rand, first int) (Faithfulness, error) {
	var sums Faithfulness
	src, tgt := make([][]int, len(ms)), make([][]int, len(ms))
	var picks []deletionPick
	for i, m := range ms {
		var err error
		if src[i], err = encodeIDs(a.Model.Src, m.Source); err != nil {
			return sums, fmt.Errorf("source line %d: %w", first+i+1, err)
		}
		if tgt[i], err = encodeIDs(a.Model.Tgt, m.Target); err != nil {
			return sums, fmt.Errorf("reference line %d: %w", first+i+1, err)
		}
		w, err := m.Words(words)
		if err != nil {
			return sums, fmt.Errorf("line %d: %w", first+i+1, err)
		}
		if len(w.SourceTokens) == 0 || len(w.TargetTokens) == 0 {
			continue
		}
		sums.Sentences++
		for t := range w.Weights {
			p := deletionPick{sent: i, word: t, att: argmax(w.Weights[t]), sal: argmax(w.Salience[t]), rnd: r.IntN(len(w.SourceTokens))}
			if p.att == p.sal {
				sums.Agreement++
			}
			picks = append(picks, p)
		}
	}
	// Force each masked source once, with every word it is needed for.
	type masked struct{ sent, word int }
	index := map[masked]int{}
	var mSrc, mTgt [][]int
	need := func(sent, word int) int {
		k := masked{sent, word}
		if j, ok := index[k]; ok {
			return j
		}
		index[k] = len(mSrc)
		mSrc = append(mSrc, maskWord(src[sent], ms[sent].SourceWords, word))
		mTgt = append(mTgt, tgt[sent])
		return index[k]
	}
	jobs := make([][3]int, len(picks))
	for k, p := range picks {
		jobs[k] = [3]int{need(p.sent, p.att), need(p.sent, p.sal), need(p.sent, p.rnd)}
	}
	dec := a.Model.File.Model.NewDecoder()
	base, err := dec.Force(ctx, src, tgt)
	if err != nil {
		return sums, fmt.Errorf("faithfulness: lines %d-%d: %w", first+1, first+len(ms), err)
	}
	var forced []seq2seq.Forced
	for lo := 0; lo < len(mSrc); lo += 64 {
		hi := min(lo+64, len(mSrc))
		f, err := dec.Force(ctx, mSrc[lo:hi], mTgt[lo:hi])
		if err != nil {
			return sums, fmt.Errorf("faithfulness: masked lines %d-%d: %w", first+1, first+len(ms), err)
		}
		forced = append(forced, f...)
	}
	for k, p := range picks {
		tw := ms[p.sent].TargetWords
		b := wordLogProb(base[p.sent].TokenLogProbs, tw, p.word)
		sums.DropAttention += b - wordLogProb(forced[jobs[k][0]].TokenLogProbs, tw, p.word)
		sums.DropSalience += b - wordLogProb(forced[jobs[k][1]].TokenLogProbs, tw, p.word)
		sums.DropRandom += b - wordLogProb(forced[jobs[k][2]].TokenLogProbs, tw, p.word)
	}
	sums.Words = len(picks)
	return sums, nil
}

// encodeIDs is the token ids of line.
func encodeIDs(t *tokenize.Tokenizer, line string) ([]int, error) {
	enc, err := t.Encode(line)
	if err != nil {
		return nil, err
	}
	return enc.IDs, nil
}

// maskWord returns ids with the pieces of source word w (per wordOf, one
// entry per id; a trailing </s> entry may follow) replaced by one <unk>.
func maskWord(ids, wordOf []int, w int) []int {
	out := make([]int, 0, len(ids))
	done := false
	for k, id := range ids {
		if wordOf[k] != w {
			out = append(out, id)
			continue
		}
		if !done {
			out = append(out, seq2seq.UnkID)
			done = true
		}
	}
	return out
}

// wordLogProb sums the log-probabilities of the tokens of word w.
func wordLogProb(lp []float32, wordOf []int, w int) float64 {
	var s float64
	for k, v := range lp {
		if k < len(wordOf) && wordOf[k] == w {
			s += float64(v)
		}
	}
	return s
}

// argmax is the index of the largest value of row (the first of ties).
func argmax(row []float32) int {
	best := 0
	for k, v := range row {
		if v > row[best] {
			best = k
		}
	}
	return best
}
