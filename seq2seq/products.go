package seq2seq

import (
	"fmt"
	"sync"

	"github.com/attnmt/nmt/attention"
	"github.com/attnmt/nmt/attention/linalg"
)

// product is one weight product of the model, C += A Wᵀ with W n x k
// (row stride ldw), in float32 or, when q is set, in int8.
type product struct {
	name      string // the weight's name, for errors
	w         []float32
	n, k, ldw int
	q         *linalg.Int8Matrix
}

func (p *product) mulAdd(m int, a []float32, lda int, c []float32, ldc int) {
	if p.q != nil {
		p.q.MulAdd(m, a, lda, c, ldc)
		return
	}
	linalg.Gemm(false, true, m, p.n, p.k, 1, a, lda, p.w, p.ldw, 1, c, ldc)
}

// mulSet is C = A Wᵀ + bias (bias added to every row).
func (p *product) mulSet(m int, a []float32, lda int, bias, c []float32, ldc int) {
	if p.q != nil {
		p.q.MulSet(m, a, lda, bias, c, ldc)
		return
	}
	for r := range m {
		copy(c[r*ldc:r*ldc+p.n], bias)
	}
	linalg.Gemm(false, true, m, p.n, p.k, 1, a, lda, p.w, p.ldw, 1, c, ldc)
}

// encoderProducts are the weight products of the encoder: both
// directions of every layer, the bridge and the attention keys (n == 0
// for dot attention, which has none).
type encoderProducts struct {
	layers [][2]lstmProducts
	bridge product
	keys   product
}

// lstmProducts are an LSTM's input and recurrent products.
type lstmProducts struct{ x, h product }

func (l *lstm) products() lstmProducts {
	G := 4 * l.hid
	return lstmProducts{
		x: product{name: l.wx.Name, w: l.wx.Value, n: G, k: l.in, ldw: l.in},
		h: product{name: l.wh.Name, w: l.wh.Value, n: G, k: l.hid, ldw: l.hid},
	}
}

// encoderProducts returns the float32 products of m's encoder.
func (m *Model) encoderProducts() *encoderProducts {
	H, D := m.cfg.EncoderHidden, m.cfg.DecoderHidden
	p := &encoderProducts{bridge: product{name: m.bridge.Name, w: m.bridge.Value, n: D, k: 2 * H, ldw: 2 * H}}
	for _, layer := range m.enc {
		p.layers = append(p.layers, [2]lstmProducts{layer[0].products(), layer[1].products()})
	}
	switch att := m.att.(type) {
	case *attention.Additive:
		mw, _, a := att.Dims()
		p.keys = product{name: att.Wk.Name, w: att.Wk.Value, n: a, k: mw, ldw: mw}
	case *attention.General:
		mw, q, _ := att.Dims()
		p.keys = product{name: att.W.Name, w: att.W.Value, n: q, k: mw, ldw: mw}
	}
	return p
}

// all lists the products, for quantize.
func (p *encoderProducts) all() []*product {
	out := []*product{&p.bridge, &p.keys}
	for i := range p.layers {
		for j := range 2 {
			out = append(out, &p.layers[i][j].x, &p.layers[i][j].h)
		}
	}
	return out
}

// quantize makes int8 copies of the weights of the products (skipping
// empty ones), in parallel.
func quantize(ps []*product) error {
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		if p.n == 0 {
			continue
		}
		wg.Go(func() { p.q, errs[i] = linalg.NewInt8Matrix(p.n, p.k, p.w, p.ldw) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("int8 weights of %s: %w", ps[i].name, err)
		}
	}
	return nil
}
