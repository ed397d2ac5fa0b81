package seq2seq

// The stacked decoder layers of the incremental decoder: the layers above
// the first, computed as in training (decoder_stack.go) without dropout.

// initialStack returns the stacked layers' initial state for R rows:
// every layer's output is the bridge's s0 [R, D], every cell zero, taken
// from ar (the state's encoder scratch, kept while the state lives).
func (d *Decoder) initialStack(ar *arena, s0 []float32, R int) []float32 {
	if len(d.stack) == 0 {
		return nil
	}
	D := d.m.cfg.DecoderHidden
	st := ar.take(2 * len(d.stack) * R * D)
	for i := range d.stack {
		copy(st[2*i*R*D:(2*i+1)*R*D], s0)
	}
	return st
}

// stackStep runs the stacked layers on below [R, D], the first layer's
// new output, updating their state in st, and returns the top layer's
// output [R, D]: below itself for a one-layer decoder.
func (d *Decoder) stackStep(st *DecoderState, below []float32) []float32 {
	m, ar := d.m, st.work
	R, D := len(st.sent), m.cfg.DecoderHidden
	G := 4 * D
	for i, l := range m.decUp {
		h := st.stack[2*i*R*D : (2*i+1)*R*D]
		cell := st.stack[(2*i+1)*R*D : (2*i+2)*R*D]
		gates := ar.takeDirty(R * G)
		d.stack[i].x.mulSet(R, below, D, l.b.Value, gates, G)
		d.stack[i].h.mulAdd(R, h, D, gates, G)
		c, tc := ar.takeDirty(R*D), ar.takeDirty(R*D)
		cellForward(gates, cell, R, D, c, tc, h)
		copy(cell, c)
		if !m.cfg.DecoderResidual {
			below = h
			continue
		}
		out := ar.takeDirty(R * D)
		for j, v := range h {
			out[j] = v + below[j]
		}
		below = out
	}
	return below
}
