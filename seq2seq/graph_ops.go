package seq2seq

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// stage names one of the three stages of the training graph.
type stage int

const (
	opEncoder stage = iota // embeddings, BiLSTM, bridge, key projection
	opDecoder              // attentional decoder with teacher forcing
	opLoss                 // vocabulary projection and label-smoothed CE
)

// valueType is the gorgonia type of a float32 value of the given rank.
func valueType(dims int) hm.Type {
	if dims == 0 {
		return tensor.Float32
	}
	return gorgonia.TensorType{Dims: dims, Of: tensor.Float32}
}

// opBase holds what the graph's operations have in common: a name unique
// within the graph (it is also the operation's hash) and the output shape.
type opBase struct {
	name  string
	shape tensor.Shape
}

func (o *opBase) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o *opBase) ReturnsPtr() bool                                      { return false }
func (o *opBase) CallsExtern() bool                                     { return false }
func (o *opBase) OverwritesInput() int                                  { return -1 }
func (o *opBase) WriteHash(h hash.Hash)                                 { fmt.Fprint(h, o.name) }
func (o *opBase) String() string                                        { return o.name }

func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// stageOp is the forward operation of one stage. Its inputs are the
// previous stage's output (except for the encoder) followed by one input
// per parameter the stage reads, in the order of params.
type stageOp struct {
	opBase
	kind   stage
	st     *graphStep
	params []*Param
}

func (op *stageOp) prev() int {
	if op.kind == opEncoder {
		return 0
	}
	return 1
}

// Arity is the number of inputs.
func (op *stageOp) Arity() int { return op.prev() + len(op.params) }

// Type is the operation's function type.
func (op *stageOp) Type() hm.Type {
	var ts []hm.Type
	switch op.kind {
	case opDecoder:
		ts = append(ts, valueType(1))
	case opLoss:
		ts = append(ts, valueType(2))
	}
	for _, p := range op.params {
		ts = append(ts, valueType(len(p.Shape)))
	}
	return hm.NewFnType(append(ts, valueType(op.shape.Dims()))...)
}

// Do runs the stage's forward kernels.
func (op *stageOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	st := op.st
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(inputs), op.Arity())
	}
	if err := checkParams(op.params, inputs[op.prev():]); err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	m, bt := st.m, st.bt
	switch op.kind {
	case opEncoder:
		ru := m.encode(&m.train, bt, st.r, nil, true)
		nMem, nS0, nKeys := m.encoderPacking(bt.S, bt.B)
		out := m.train.takeDirty(nMem + nS0 + nKeys)
		copy(out, ru.mem)
		copy(out[nMem:], ru.s0)
		copy(out[nMem+nS0:], ru.keys)
		st.ru = ru
		return dense(out, len(out)), nil
	case opDecoder:
		enc, err := float32s(inputs[0])
		if err != nil {
			return nil, fmt.Errorf("%v: %w", op, err)
		}
		ru := st.ru
		if ru == nil {
			return nil, fmt.Errorf("%v: %w", op, errNoForward)
		}
		nMem, nS0, nKeys := m.encoderPacking(bt.S, bt.B)
		if len(enc) != nMem+nS0+nKeys {
			return nil, fmt.Errorf("%v: encoder output of %d values, want %d", op, len(enc), nMem+nS0+nKeys)
		}
		// The decoder reads the encoder's outputs from its input.
		ru.mem = enc[:nMem:nMem]
		ru.s0 = enc[nMem : nMem+nS0 : nMem+nS0]
		ru.keys = enc[nMem+nS0:]
		ru.decode(st.r)
		return dense(ru.o, bt.T*bt.B, m.cfg.Output), nil
	default:
		o, err := float32s(inputs[0])
		if err != nil {
			return nil, fmt.Errorf("%v: %w", op, err)
		}
		ru := st.ru
		if ru == nil {
			return nil, fmt.Errorf("%v: %w", op, errNoForward)
		}
		if len(o) != len(ru.o) {
			return nil, fmt.Errorf("%v: %d attentional outputs, want %d", op, len(o), len(ru.o))
		}
		ru.o = o
		st.lo = ru.scoreTargets(st.r, true)
		l := st.lo.loss
		return gorgonia.NewF32(float32(l.Loss / float64(l.Tokens))), nil
	}
}

// DiffWRT reports that the stage is differentiable with respect to all
// its inputs.
func (op *stageOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

// SymDiff adds the stage's backward operation, which takes the gradient
// of the stage's output, and one paramGrad node per parameter input.
func (op *stageOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(inputs), op.Arity())
	}
	var shape tensor.Shape
	switch op.kind {
	case opEncoder:
		shape = tensor.ScalarShape() // nothing flows further back
	default:
		shape = inputs[0].Shape().Clone()
	}
	bw, err := apply(&gradOp{opBase: opBase{name: "∇" + op.name, shape: shape}, kind: op.kind, st: op.st, in: grad.Dims()}, grad)
	if err != nil {
		return nil, err
	}
	var grads gorgonia.Nodes
	if op.kind != opEncoder {
		grads = append(grads, bw)
	}
	for i, p := range op.params {
		g, err := apply(&paramGrad{opBase: opBase{name: fmt.Sprintf("∇%s@%v#%d", p.Name, op, i), shape: p.Shape}, p: p, in: shape.Dims()}, bw)
		if err != nil {
			return nil, err
		}
		grads = append(grads, g)
	}
	return grads, nil
}

// gradOp is the backward operation of a stage: from the gradient of the
// stage's output it adds the gradients of the stage's parameters to their
// Param.Grad and returns the gradient with respect to the previous
// stage's output (a scalar 0 for the encoder, which has none).
type gradOp struct {
	opBase
	kind stage
	st   *graphStep
	in   int // rank of the incoming gradient
}

// Arity is the number of inputs: the gradient of the stage's output.
func (op *gradOp) Arity() int { return 1 }

// Type is the operation's function type.
func (op *gradOp) Type() hm.Type {
	return hm.NewFnType(valueType(op.in), valueType(op.shape.Dims()))
}

// Do runs the stage's backward kernels.
func (op *gradOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	st := op.st
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: %d inputs, want 1", op, len(inputs))
	}
	ru := st.ru
	if ru == nil || st.lo == nil {
		return nil, fmt.Errorf("%v: %w", op, errNoForward)
	}
	m, bt := st.m, st.bt
	switch op.kind {
	case opLoss:
		scale, ok := inputs[0].Data().(float32)
		if !ok {
			return nil, fmt.Errorf("%v: gradient of the loss is %T, want float32", op, inputs[0].Data())
		}
		dO := ru.lossBackward(st.lo, scale)
		return dense(dO, bt.T*bt.B, m.cfg.Output), nil
	case opDecoder:
		dO, err := float32s(inputs[0])
		if err != nil {
			return nil, fmt.Errorf("%v: %w", op, err)
		}
		g := ru.newEncoderGrads()
		ru.decoderBackward(dO, g, st.lo)
		return dense(g.all, len(g.all)), nil
	default:
		dEnc, err := float32s(inputs[0])
		if err != nil {
			return nil, fmt.Errorf("%v: %w", op, err)
		}
		nMem, nS0, nKeys := m.encoderPacking(bt.S, bt.B)
		if len(dEnc) != nMem+nS0+nKeys {
			return nil, fmt.Errorf("%v: encoder gradient of %d values, want %d", op, len(dEnc), nMem+nS0+nKeys)
		}
		ru.encoderBackward(m.splitEncoderGrads(dEnc, bt.S, bt.B))
		return gorgonia.NewF32(0), nil
	}
}

// paramGrad is the gradient node of one parameter input: it runs after
// the backward operation of the stage that read the parameter and its
// value is a view of the parameter's Grad.
type paramGrad struct {
	opBase
	p  *Param
	in int // rank of the backward operation's output
}

// Arity is the number of inputs: the stage's backward operation.
func (op *paramGrad) Arity() int { return 1 }

// Type is the operation's function type.
func (op *paramGrad) Type() hm.Type {
	return hm.NewFnType(valueType(op.in), valueType(len(op.p.Shape)))
}

// Do returns a tensor over the parameter's Grad.
func (op *paramGrad) Do(...gorgonia.Value) (gorgonia.Value, error) {
	return dense(op.p.Grad, op.p.Shape...), nil
}
