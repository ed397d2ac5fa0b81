package seq2seq

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// TrainBatch runs the forward and backward pass on one batch of sentence
// pairs (token ids without special tokens; src[i] pairs with tgt[i]) and
// ADDS to every parameter's Grad the gradient of the mean training loss
// per target token, Loss / Tokens. r drives dropout (nil disables it).
func (m *Model) TrainBatch(ctx context.Context, src, tgt [][]int, r *rand.Rand) (BatchLoss, error) {
	if err := ctx.Err(); err != nil {
		return BatchLoss{}, err
	}
	bt, err := newBatch(m.cfg, src, tgt)
	if err != nil {
		return BatchLoss{}, fmt.Errorf("train batch: %w", err)
	}
	m.ensureGrads()
	return m.trainGraph(ctx, bt, r)
}

// trainGraph runs the training step through a gorgonia graph for bt's shape.
func (m *Model) trainGraph(ctx context.Context, bt *batch, r *rand.Rand) (BatchLoss, error) {
	tg, err := newTrainGraph(m, bt.B, bt.S, bt.T)
	if err != nil {
		return BatchLoss{}, fmt.Errorf("train batch: %w", err)
	}
	defer tg.Close()
	l, err := tg.run(ctx, bt, r)
	if err != nil {
		return BatchLoss{}, fmt.Errorf("train batch: %w", err)
	}
	return l, nil
}

// trainDirect runs the training step by calling the stages' kernels
// directly, without the graph.
func (m *Model) trainDirect(bt *batch, r *rand.Rand) BatchLoss {
	m.ensureGrads()
	m.train.reset()
	ru := m.encode(&m.train, bt, r, nil, true)
	ru.decode(r)
	lo := ru.scoreTargets(r, true)
	ru.backward(lo)
	return lo.loss
}

// EvalBatch computes the loss of a batch without dropout and without
// touching the gradients.
func (m *Model) EvalBatch(ctx context.Context, src, tgt [][]int) (BatchLoss, error) {
	if err := ctx.Err(); err != nil {
		return BatchLoss{}, err
	}
	bt, err := newBatch(m.cfg, src, tgt)
	if err != nil {
		return BatchLoss{}, fmt.Errorf("eval batch: %w", err)
	}
	var ar arena
	ru := m.encode(&ar, bt, nil, nil, false)
	ru.decode(nil)
	return ru.scoreTargets(nil, false).loss, nil
}
