package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/attnmt/nmt/attention/linalg"
)

// Ensemble is a Decoder that decodes with several member decoders at once:
// at every step each member advances its own state on the same previous
// tokens, and the ensemble's log-probability of a token is the mean of the
// members' log-probabilities of it (as OpenNMT and Marian ensembles
// compute it; the result is not renormalised), its attention the mean of
// the members' attention weights. Greedy and beam search run on it
// unchanged. Members must share the target vocabulary and tokenize the
// source alike (the caller checks the tokenizers; Ensemble checks the
// vocabulary sizes and the source lengths of the states).
//
// A step costs the sum of the members' steps plus two passes over the
// log-probabilities: an ensemble of K members decodes in about K times one
// member's time.
type Ensemble struct {
	members []Decoder
	v       int
}

// NewEnsemble returns the ensemble of members, which must be at least one
// and agree on VocabSize.
func NewEnsemble(members ...Decoder) (*Ensemble, error) {
	if len(members) == 0 {
		return nil, errors.New("ensemble: no member decoders")
	}
	v := members[0].VocabSize()
	for i, m := range members[1:] {
		if m.VocabSize() != v {
			return nil, fmt.Errorf("ensemble: member %d has a vocabulary of %d tokens, member 1 of %d", i+2, m.VocabSize(), v)
		}
	}
	return &Ensemble{members: members, v: v}, nil
}

// Members returns the number of member decoders.
func (e *Ensemble) Members() int { return len(e.members) }

// VocabSize implements Decoder.
func (e *Ensemble) VocabSize() int { return e.v }

// Begin implements Decoder: every member encodes src.
func (e *Ensemble) Begin(ctx context.Context, src [][]int) (State, error) {
	st := &ensembleState{states: make([]State, len(e.members))}
	for i, m := range e.members {
		s, err := m.Begin(ctx, src)
		if err != nil {
			return nil, fmt.Errorf("ensemble member %d: %w", i+1, err)
		}
		if i > 0 && (s.Rows() != st.states[0].Rows() || s.SrcLen() != st.states[0].SrcLen()) {
			return nil, fmt.Errorf("ensemble member %d: state of %d rows and source length %d, member 1 has %d and %d",
				i+1, s.Rows(), s.SrcLen(), st.states[0].Rows(), st.states[0].SrcLen())
		}
		st.states[i] = s
	}
	return st, nil
}

// Step implements Decoder.
func (e *Ensemble) Step(s State, prev []int, logp, attn []float32) error {
	st, ok := s.(*ensembleState)
	if !ok {
		return fmt.Errorf("ensemble step: state of type %T is not an ensemble's", s)
	}
	if len(e.members) == 1 {
		return e.members[0].Step(st.states[0], prev, logp, attn)
	}
	// The first member writes straight into logp and attn; the others
	// into scratch that is added on.
	if err := e.members[0].Step(st.states[0], prev, logp, attn); err != nil {
		return fmt.Errorf("ensemble member 1: %w", err)
	}
	st.logp = grow(st.logp, len(logp))
	st.attn = grow(st.attn, len(attn))
	for i, m := range e.members[1:] {
		if err := m.Step(st.states[i+1], prev, st.logp, st.attn); err != nil {
			return fmt.Errorf("ensemble member %d: %w", i+2, err)
		}
		linalg.Axpy(1, st.logp, logp)
		linalg.Axpy(1, st.attn, attn)
	}
	inv := 1 / float32(len(e.members))
	scale(logp, inv)
	scale(attn, inv)
	return nil
}

// ensembleState holds one state per member and the scratch of a step.
type ensembleState struct {
	states     []State
	logp, attn []float32 // [R, V] and [R, S]: a member's step output
}

func (st *ensembleState) Rows() int   { return st.states[0].Rows() }
func (st *ensembleState) SrcLen() int { return st.states[0].SrcLen() }

func (st *ensembleState) Select(rows []int) State {
	sel := &ensembleState{states: make([]State, len(st.states)), logp: st.logp, attn: st.attn}
	for i, s := range st.states {
		sel.states[i] = s.Select(rows)
	}
	st.states, st.logp, st.attn = nil, nil, nil // the receiver must not be used again
	return sel
}

// Release hands every member's state back to its decoder (see State).
func (st *ensembleState) Release() {
	for _, s := range st.states {
		if r, ok := s.(releaser); ok {
			r.Release()
		}
	}
	st.states = nil
}

// grow returns buf resliced (or reallocated) to length n.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// scale multiplies x by a.
func scale(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}
