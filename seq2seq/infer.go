package seq2seq

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/attnmt/nmt/attention"
	"github.com/attnmt/nmt/attention/linalg"
)

// Decoder is the incremental decoder that search runs on: it encodes a
// batch of sentences once and then advances any set of hypotheses (rows)
// one token at a time. It needs no autodiff and keeps only what the next
// step needs. A Decoder is safe for concurrent use; each State is not.
type Decoder struct {
	m   *Model
	enc *encoderProducts
	// encArenas holds the encoder scratch of released states, which
	// also holds their memory, keys and first state; stepArenas their
	// per-step scratch. Both are reused by the next batches.
	encArenas, stepArenas arenaStack
	// The weight products of a step, in float32 or int8.
	embed, feed, hidden, query, out, proj product
	stack                                 []lstmProducts // the stacked decoder layers'
	// attend is the attention of the model's kind (see attend_infer.go).
	attend func(st *DecoderState, w []float32) (ctx []float32)
}

// NewDecoder returns the incremental decoder of m, computing in float32
// exactly as training does.
// It panics on a model read for int8 decoding only (Int8Only).
func (m *Model) NewDecoder() *Decoder {
	d, err := m.newDecoder(false) // fails only on an int8-only model
	if err != nil {
		panic(err)
	}
	return d
}

// NewInt8Decoder returns an incremental decoder of m whose weight
// products (the encoder's LSTMs, the bridge, the attention keys and
// query, the decoder's LSTM gates, the output layer and the vocabulary
// projection) run in 8-bit integers: each weight row and each activation
// row quantized with a scale of its own, products summed exactly and
// scaled back (see linalg.Int8Matrix). Cells, attention weights and
// softmaxes stay in float32. It is several times faster where
// linalg.Int8Fast reports a vector kernel and gives nearly the same
// translations (docs/benchmarks.md measures both). It fails if a weight is
// not finite.
func (m *Model) NewInt8Decoder() (*Decoder, error) { return m.newDecoder(true) }

func (m *Model) newDecoder(int8 bool) (*Decoder, error) {
	if m.int8Only && !int8 {
		return nil, fmt.Errorf("float32 decoder: %w", errInt8Only)
	}
	d := m.plainDecoder()
	if !int8 {
		return d, nil
	}
	if err := m.useStoredInt8(d.products()); err != nil {
		return nil, fmt.Errorf("int8 decoder: %w", err)
	}
	if err := quantize(d.products(), nil); err != nil {
		return nil, fmt.Errorf("int8 decoder: %w", err)
	}
	return d, nil
}

// plainDecoder returns the float32 decoder of m.
func (m *Model) plainDecoder() *Decoder {
	cfg := m.cfg
	E, D, O, M, V := cfg.Embed, cfg.DecoderHidden, cfg.Output, 2*cfg.EncoderHidden, cfg.TgtVocab
	G, In, C := 4*D, m.dec.in, D+M
	d := &Decoder{m: m, enc: m.encoderProducts(),
		embed:  product{name: m.dec.wx.Name, w: m.dec.wx.Value, n: G, k: E, ldw: In},
		hidden: product{name: m.dec.wh.Name, w: m.dec.wh.Value, n: G, k: D, ldw: D},
		out:    product{name: m.outW.Name, w: m.outW.Value, n: O, k: C, ldw: C},
		proj:   product{name: m.projW.Name, w: m.projW.Value, n: V, k: O, ldw: O},
	}
	if cfg.InputFeeding {
		d.feed = product{name: m.dec.wx.Name, w: columns(m.dec.wx.Value, E), off: E, n: G, k: O, ldw: In}
	}
	// Local attention scores its window with the scorer's own float32
	// query weights; the other kinds project the query here.
	if add, ok := m.att.(*attention.Additive); ok && m.local == nil {
		_, q, a := add.Dims()
		d.query = product{name: add.Wq.Name, w: add.Wq.Value, n: a, k: q, ldw: q}
	}
	for _, l := range m.decUp {
		d.stack = append(d.stack, l.products())
	}
	d.attend = d.attention()
	return d
}

// products lists the decoder's weight products, the encoder's first and
// the stacked decoder layers' last (some empty: the input feeding of a
// model without it, the query of dot attention).
func (d *Decoder) products() []*product {
	all := append(d.enc.all(), &d.embed, &d.feed, &d.hidden, &d.query, &d.out, &d.proj)
	for i := range d.stack {
		all = append(all, &d.stack[i].x, &d.stack[i].h)
	}
	return all
}

// int8Weights names the weights that an int8 decoder of m reads only
// quantized: those of its products but the embeddings (which the
// projection may be tied to), looked up in float32.
func (m *Model) int8Weights() map[string]bool {
	names := map[string]bool{}
	for _, p := range m.plainDecoder().products() {
		if p.n > 0 {
			names[p.name] = true
		}
	}
	delete(names, m.srcEmb.Name)
	delete(names, m.tgtEmb.Name)
	return names
}

// VocabSize is the target vocabulary size.
func (d *Decoder) VocabSize() int { return d.m.cfg.TgtVocab }

// DecoderState is the state of a set of rows, each a hypothesis for one of
// the encoded sentences. The rows of a sentence share its memory and
// keys: selecting rows copies only their per-row state.
type DecoderState struct {
	S    int
	B    int       // encoded sentences
	sent []int     // encoded sentence of each row
	lens []int     // source length of each row, </s> included
	mem  []float32 // [S*B, 2H] time-major memory of the encoded sentences
	keys []float32 // [S*B, K]
	s, c []float32 // [R, D] the first decoder layer's state
	// stack holds the state of the stacked decoder layers above the
	// first: for each, its output h [R, D] then its cell [R, D].
	stack []float32 // [2(L-1), R, D]
	// query is the top layer's output of the current step, which
	// attention reads: s itself for a one-layer decoder.
	query []float32 // [R, D]
	o     []float32 // [R, O] last attentional output (input feeding)
	first bool      // no step taken yet
	work  *arena    // per-step scratch, reused across steps
	enc   *arena    // holds mem, keys and the first s, c and o
	// spare is the state Select was last called on: dead, its buffers
	// are reused by the next Select.
	spare *DecoderState
	dec   *Decoder // whose pool work goes back to on Release
	look  glimpse  // hard and local attention's reading of the last step
}

// Begin encodes src (token ids without special tokens) and returns the
// state with one row per sentence.
func (d *Decoder) Begin(ctx context.Context, src [][]int) (*DecoderState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bt, err := newBatch(d.m.cfg, src, nil)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	// The encoder's scratch is reused across batches, and the state
	// keeps it for what the steps read: memory, keys, first state.
	ar := d.encArenas.get(d.beginScratch(bt.S, bt.B))
	ru := d.m.encode(ar, bt, nil, d.enc, false)
	R, D, O := bt.B, d.m.cfg.DecoderHidden, d.m.cfg.Output
	st := &DecoderState{S: bt.S, B: R, sent: make([]int, R), lens: bt.srcLens,
		mem: ru.mem, keys: ru.keys, s: ru.s0, c: ar.take(R * D), o: ar.take(R * O),
		first: true, work: d.stepArenas.get(0), enc: ar, dec: d, look: d.newGlimpse(R, bt.S),
		stack: d.initialStack(ar, ru.s0, R)}
	for i := range st.sent {
		st.sent[i] = i
	}
	return st, nil
}

// beginScratch returns the floats Begin takes from its arena for a batch
// of B sentences padded to S tokens: what encode takes without keep,
// dropout or noise, and the state's first c, o and stacked layers.
// Reserving it before the batch lets the arena of a file's first batch
// be made once, instead of growing piece by piece (each piece left to
// the collector). TestBeginScratch keeps it exact.
func (d *Decoder) beginScratch(S, B int) int {
	cfg := d.m.cfg
	T, H, D := S*B, cfg.EncoderHidden, cfg.DecoderHidden
	_, _, K := d.m.att.Dims()
	n := T*cfg.Embed + T*4*H // the embedded source; the gates all passes share
	for range d.m.enc {
		// Each direction's outputs, final h and c, a step's c and
		// tanh(c) and next h; then both directions' outputs side by side.
		n += 2*(T*H+5*B*H) + T*2*H
	}
	n += B*2*H + B*D + T*K                       // final states, s0, keys
	n += B*D + B*cfg.Output + 2*len(d.stack)*B*D // the state's c, o, stack
	return n
}

// Rows is the number of hypotheses in the state.
func (st *DecoderState) Rows() int { return len(st.sent) }

// SrcLen is the padded source length, </s> included.
func (st *DecoderState) SrcLen() int { return st.S }

// Select keeps the rows named by rows, in that order (repeats allowed).
// The sentences' memory and keys are shared, never copied; the per-row
// state goes into the buffers of the state Select was called on before,
// so st must not be used afterwards (as search.State requires).
func (st *DecoderState) Select(rows []int) *DecoderState {
	R := len(st.sent)
	n := len(rows)
	D, O := len(st.s)/max(R, 1), len(st.o)/max(R, 1)
	ns := st.spare
	st.spare = nil
	if ns == nil {
		ns = new(DecoderState)
	}
	*ns = DecoderState{S: st.S, B: st.B, sent: resize(ns.sent, n), lens: resize(ns.lens, n),
		mem: st.mem, keys: st.keys,
		s: resize(ns.s, n*D), c: resize(ns.c, n*D), o: resize(ns.o, n*O), first: st.first,
		stack: resize(ns.stack, len(st.stack)/max(R, 1)*n),
		work:  st.work, enc: st.enc, spare: st, dec: st.dec, look: st.look.selectRows(rows, st.S)}
	for i, r := range rows {
		ns.sent[i], ns.lens[i] = st.sent[r], st.lens[r]
		copy(ns.s[i*D:(i+1)*D], st.s[r*D:(r+1)*D])
		copy(ns.c[i*D:(i+1)*D], st.c[r*D:(r+1)*D])
		copy(ns.o[i*O:(i+1)*O], st.o[r*O:(r+1)*O])
	}
	for k := range len(st.stack) / max(R*D, 1) {
		for i, r := range rows {
			copy(ns.stack[(k*n+i)*D:(k*n+i+1)*D], st.stack[(k*R+r)*D:(k*R+r+1)*D])
		}
	}
	return ns
}

// resize returns s with length n, reusing its array when large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Release hands the state's encoder and step scratch back to its decoder
// for the next batch; the state must not be used afterwards.
func (st *DecoderState) Release() {
	if st.dec != nil && st.work != nil {
		st.dec.stepArenas.put(st.work)
	}
	if st.dec != nil && st.enc != nil {
		st.dec.encArenas.put(st.enc)
	}
	st.work, st.enc, st.spare = nil, nil, nil
}

// identity reports whether row r is sentence r for every row.
func (st *DecoderState) identity() bool {
	if len(st.sent) != st.B {
		return false
	}
	for r, b := range st.sent {
		if r != b {
			return false
		}
	}
	return true
}

// rowKeys returns the keys laid out for the rows, [S*R, K] time-major,
// copied from the sentences' keys only when the rows are not the
// sentences themselves.
func (st *DecoderState) rowKeys(ar *arena) []float32 { return st.rowsOf(ar, st.keys) }

// rowMem returns the encoder memory laid out for the rows, [S*R, M], as
// rowKeys does the keys.
func (st *DecoderState) rowMem(ar *arena) []float32 { return st.rowsOf(ar, st.mem) }

// rowsOf returns x, time-major [S*B, W] over the sentences, laid out for
// the rows: [S*R, W].
func (st *DecoderState) rowsOf(ar *arena, x []float32) []float32 {
	if st.identity() {
		return x
	}
	R, S := len(st.sent), st.S
	W := len(x) / max(S*st.B, 1)
	out := ar.takeDirty(S * R * W)
	for p := range S {
		for r, b := range st.sent {
			copy(out[(p*R+r)*W:(p*R+r+1)*W], x[(p*st.B+b)*W:(p*st.B+b+1)*W])
		}
	}
	return out
}

// Step feeds prev[r], the previous token of every row (BOSID first),
// and writes the log-probabilities of each row's next token into
// logp[r*V:(r+1)*V] and its attention weights into attn[r*S:(r+1)*S].
func (d *Decoder) Step(st *DecoderState, prev []int, logp, attn []float32) error {
	m, cfg := d.m, d.m.cfg
	R, S := len(st.sent), st.S
	E, D, O, M, V := cfg.Embed, cfg.DecoderHidden, cfg.Output, 2*cfg.EncoderHidden, cfg.TgtVocab
	G, C := 4*D, D+M
	if len(prev) != R || len(logp) < R*V || len(attn) < R*S {
		return errors.New("decoder step: buffer sizes do not match the state")
	}
	ar := st.work
	ar.reset()
	x := ar.takeDirty(R * E)
	for r, id := range prev {
		if id < 0 || id >= V {
			return fmt.Errorf("decoder step: token id %d out of range", id)
		}
		m.embedRow(m.tgtEmb, id, x[r*E:(r+1)*E])
	}
	gates := ar.takeDirty(R * G)
	d.embed.mulSet(R, x, E, m.dec.b.Value, gates, G)
	if cfg.InputFeeding && !st.first {
		d.feed.mulAdd(R, st.o, O, gates, G)
	}
	d.hidden.mulAdd(R, st.s, D, gates, G)
	c, tc := ar.takeDirty(R*D), ar.takeDirty(R*D)
	cellForward(gates, st.c, R, D, c, tc, st.s)
	copy(st.c, c)
	st.query = d.stackStep(st, st.s)

	ctx := d.attend(st, attn[:R*S])
	cat := ar.takeDirty(R * C)
	for r := range R {
		copy(cat[r*C:r*C+D], st.query[r*D:(r+1)*D])
		copy(cat[r*C+D:(r+1)*C], ctx[r*M:(r+1)*M])
	}
	d.out.mulSet(R, cat, C, m.outB.Value, st.o, O)
	linalg.TanhSlice(st.o)
	z := logp[:R*V]
	d.proj.mulSet(R, st.o, O, m.projB.Value, z, V)
	linalg.Parallel(R, V, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			logSoftmax(z[r*V : (r+1)*V])
		}
	})
	st.first = false
	return nil
}

// logSoftmax replaces z by log softmax(z).
func logSoftmax(z []float32) {
	mx := linalg.Max(z)
	linalg.AddConst(z, -(mx + float32(math.Log(float64(linalg.SumExpShift(z, mx))))))
}
