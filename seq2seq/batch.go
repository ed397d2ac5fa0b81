package seq2seq

import (
	"errors"
	"fmt"
)

// batch is a set of sentence pairs laid out time-major for the model.
type batch struct {
	B, S, T int
	srcLens []int   // source lengths, </s> included
	tgtLens []int   // target lengths, </s> included (0 when no targets)
	src     []int32 // [S*B] source ids, padded
	tgtIn   []int32 // [T*B] <s> y1 .. yn, padded
	tgtOut  []int32 // [T*B] y1 .. yn </s>, padded
	// srcNoise [S*B, E], when set, is added to the source embeddings
	// (SmoothGrad's noisy copies, finite-difference checks).
	srcNoise []float32
}

// newBatch checks the id sequences against the vocabularies and lays them
// out. tgt may be nil (decoding).
func newBatch(cfg Config, src, tgt [][]int) (*batch, error) {
	if len(src) == 0 {
		return nil, errors.New("empty batch")
	}
	if tgt != nil && len(tgt) != len(src) {
		return nil, fmt.Errorf("batch has %d sources but %d targets", len(src), len(tgt))
	}
	b := &batch{B: len(src), srcLens: make([]int, len(src)), tgtLens: make([]int, len(src))}
	for i, s := range src {
		if err := checkIDs(s, cfg.SrcVocab); err != nil {
			return nil, fmt.Errorf("source %d: %w", i, err)
		}
		b.srcLens[i] = len(s) + 1
		b.S = max(b.S, len(s)+1)
		if tgt != nil {
			if err := checkIDs(tgt[i], cfg.TgtVocab); err != nil {
				return nil, fmt.Errorf("target %d: %w", i, err)
			}
			b.tgtLens[i] = len(tgt[i]) + 1
			b.T = max(b.T, len(tgt[i])+1)
		}
	}
	b.src = make([]int32, b.S*b.B)
	for i, s := range src {
		for t, id := range s {
			b.src[t*b.B+i] = int32(id)
		}
		b.src[len(s)*b.B+i] = EOSID
	}
	if tgt != nil {
		b.tgtIn = make([]int32, b.T*b.B)
		b.tgtOut = make([]int32, b.T*b.B)
		for i, s := range tgt {
			b.tgtIn[i] = BOSID
			for t, id := range s {
				b.tgtIn[(t+1)*b.B+i] = int32(id)
				b.tgtOut[t*b.B+i] = int32(id)
			}
			b.tgtOut[len(s)*b.B+i] = EOSID
		}
	}
	return b, nil
}

func checkIDs(ids []int, vocab int) error {
	for _, id := range ids {
		if id <= PadID || id >= vocab || id == BOSID || id == EOSID {
			return fmt.Errorf("token id %d out of range or reserved (vocabulary %d)", id, vocab)
		}
	}
	return nil
}
