package seq2seq

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"unsafe"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The training step as a gorgonia expression graph.
//
// The forward computation is three custom operations, one per stage of
// the model; gorgonia.Grad differentiates them symbolically (each is an
// SDOp whose SymDiff adds the stage's backward operation) and a tape
// machine runs forward and backward in order:
//
//	enc  = encoder(srcEmb, encoder LSTMs, bridge, scorer params)  [S*B*2H + B*D + S*B*K]
//	o    = decoder(enc, tgtEmb, decoder LSTM, scorer params, outW, outB)  [T*B, O]
//	loss = xent(o, projW, projB)  scalar: mean label-smoothed CE per token
//
// enc packs the encoder's three outputs back to back: the memory (top
// encoder states), the initial decoder state and the attention keys. The
// backward operations (gradOp) are ∇xent (d loss -> d o), ∇decoder (d o ->
// d enc) and ∇encoder (d enc -> nothing further); each also adds the
// gradients of the parameters its stage read to their Param.Grad. (xent
// computes the gradient of its logits along with the loss, as the direct
// path does; ∇xent scales it by the incoming gradient.)
//
// Every use of a parameter by a stage is its own input node whose value
// is a tensor.Dense over the Param's Value (no copy). Its gradient node
// is a paramGrad operation after the stage's backward operation whose
// value is a tensor.Dense over Param.Grad (no copy): since every backward
// operation accumulates straight into Param.Grad, the gradient of a
// parameter read by several stages (the scorer's, or tied and shared
// embeddings) is complete in Param.Grad once the machine has run, and
// gorgonia never sums copies. The model's kernels are the same as on the
// direct path (forward.go, backward.go); the graph sequences them.

// graphStep is the state that the operations of one graph share during
// one run: the batch, the dropout generator and the activations that the
// forward operations keep for the backward ones.
type graphStep struct {
	m   *Model
	ctx context.Context
	bt  *batch
	r   *rand.Rand
	ru  *run
	lo  *lossOutput
}

// trainGraph is the training computation of batches of one shape.
type trainGraph struct {
	B, S, T int
	g       *gorgonia.ExprGraph
	vm      gorgonia.VM
	st      *graphStep
	loss    *gorgonia.Node
	inputs  []*gorgonia.Node // one per use of a parameter by a stage
	grads   []*gorgonia.Node // the gradient node of each input
	params  []*Param         // the parameter of each input
}

// newTrainGraph builds and compiles the training graph of m for batches
// of B sentences, source length S and target length T (both with </s>).
func newTrainGraph(m *Model, B, S, T int) (*trainGraph, error) {
	cfg := m.cfg
	tg := &trainGraph{B: B, S: S, T: T, g: gorgonia.NewGraph(), st: &graphStep{m: m}}
	shape := fmt.Sprintf("B%d,S%d,T%d", B, S, T)
	use := func(stage string, ps ...*Param) []*gorgonia.Node {
		var ns []*gorgonia.Node
		for _, p := range ps {
			v := tensor.New(tensor.WithBacking(p.Value), tensor.WithShape(p.Shape...))
			n := gorgonia.NewTensor(tg.g, tensor.Float32, len(p.Shape),
				gorgonia.WithShape(p.Shape...), gorgonia.WithName(p.Name+"@"+stage), gorgonia.WithValue(v))
			ns = append(ns, n)
			tg.inputs = append(tg.inputs, n)
			tg.params = append(tg.params, p)
		}
		return ns
	}

	encParams := []*Param{m.srcEmb}
	for _, layer := range m.enc {
		encParams = append(encParams, layer[0].params()...)
		encParams = append(encParams, layer[1].params()...)
	}
	encParams = append(encParams, m.bridge, m.bridgeB)
	encParams = append(encParams, m.att.Params()...) // the key projection
	nMem, nS0, nKeys := m.encoderPacking(S, B)
	encOp := &stageOp{kind: opEncoder, st: tg.st, params: encParams,
		opBase: opBase{name: "seq2seq.encoder(" + shape + ")", shape: tensor.Shape{nMem + nS0 + nKeys}}}
	enc, err := apply(encOp, use("encoder", encParams...)...)
	if err != nil {
		return nil, err
	}

	decParams := []*Param{m.tgtEmb}
	decParams = append(decParams, m.decoderParams()...)
	decParams = append(decParams, m.attentionParams()...)
	decParams = append(decParams, m.outW, m.outB)
	decOp := &stageOp{kind: opDecoder, st: tg.st, params: decParams,
		opBase: opBase{name: "seq2seq.decoder(" + shape + ")", shape: tensor.Shape{T * B, cfg.Output}}}
	o, err := apply(decOp, append([]*gorgonia.Node{enc}, use("decoder", decParams...)...)...)
	if err != nil {
		return nil, err
	}

	lossParams := []*Param{m.projW, m.projB}
	lossOp := &stageOp{kind: opLoss, st: tg.st, params: lossParams,
		opBase: opBase{name: "seq2seq.xent(" + shape + ")", shape: tensor.ScalarShape()}}
	if tg.loss, err = apply(lossOp, append([]*gorgonia.Node{o}, use("xent", lossParams...)...)...); err != nil {
		return nil, err
	}

	if tg.grads, err = gorgonia.Grad(tg.loss, tg.inputs...); err != nil {
		return nil, fmt.Errorf("differentiate training graph: %w", err)
	}
	prog, locMap, err := gorgonia.Compile(tg.g)
	if err != nil {
		return nil, fmt.Errorf("compile training graph: %w", err)
	}
	tg.vm = gorgonia.NewTapeMachine(tg.g, gorgonia.WithPrecompiled(prog, locMap))
	return tg, nil
}

// apply is gorgonia.ApplyOp with the error naming the operation.
func apply(op gorgonia.Op, children ...*gorgonia.Node) (*gorgonia.Node, error) {
	n, err := gorgonia.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("apply %v: %w", op, err)
	}
	return n, nil
}

// run executes forward and backward on bt, adding the gradients to the
// parameters' Grad, and returns the batch loss.
func (tg *trainGraph) run(ctx context.Context, bt *batch, r *rand.Rand) (BatchLoss, error) {
	if bt.B != tg.B || bt.S != tg.S || bt.T != tg.T {
		return BatchLoss{}, fmt.Errorf("batch of shape B%d,S%d,T%d on a graph for B%d,S%d,T%d", bt.B, bt.S, bt.T, tg.B, tg.S, tg.T)
	}
	st := tg.st
	st.ctx, st.bt, st.r = ctx, bt, r
	defer func() { st.ctx, st.bt, st.r, st.ru, st.lo = nil, nil, nil, nil, nil }()
	st.m.train.reset()
	tg.vm.Reset()
	if err := tg.vm.RunAll(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return BatchLoss{}, ctxErr
		}
		return BatchLoss{}, fmt.Errorf("run training graph: %w", err)
	}
	return st.lo.loss, nil
}

// Close releases the graph's machine.
func (tg *trainGraph) Close() error { return tg.vm.Close() }

// dense wraps x as a float32 tensor of the given shape without copying.
func dense(x []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithBacking(x), tensor.WithShape(shape...))
}

// float32s returns the float32 backing array of a tensor value.
func float32s(v gorgonia.Value) ([]float32, error) {
	x, ok := v.Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("value of type %T holds %T, want []float32", v, v.Data())
	}
	return x, nil
}

// sameArray reports whether x and y are the same array.
func sameArray(x, y []float32) bool {
	return len(x) == len(y) && (len(x) == 0 || unsafe.SliceData(x) == unsafe.SliceData(y))
}

// checkParams verifies that the parameter inputs of a stage are the
// model's own arrays, which the kernels read directly.
func checkParams(ps []*Param, in []gorgonia.Value) error {
	if len(in) != len(ps) {
		return fmt.Errorf("%d parameter inputs, want %d", len(in), len(ps))
	}
	for i, p := range ps {
		x, err := float32s(in[i])
		if err != nil {
			return fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		if !sameArray(x, p.Value) {
			return fmt.Errorf("parameter %s: input is not a view of the model's values", p.Name)
		}
	}
	return nil
}

var errNoForward = errors.New("backward operation ran before its forward operation")
