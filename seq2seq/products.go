package seq2seq

import (
	"fmt"
	"sync"

	"github.com/attnmt/nmt/attention"
	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// product is one weight product of the model, C += A Wᵀ with W n x k
// (row stride ldw), in float32 or, when q is set, in int8. W is columns
// off to off+k of the weight called name; w holds it, except in a model
// read for int8 decoding, whose int8 weights have no float32 values.
type product struct {
	name      string // the weight's name, for errors
	w         []float32
	off       int // W's first column in the weight
	n, k, ldw int
	q         *linalg.Int8Matrix
}

// columns returns v from column off on, or nil if v is nil.
func columns(v []float32, off int) []float32 {
	if v == nil {
		return nil
	}
	return v[off:]
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
	linalg.GemmBias(false, true, m, p.n, p.k, 1, a, lda, p.w, p.ldw, bias, c, ldc)
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
// empty ones and those that have them already), in parallel: from their
// float32 values, or, for those without any (a model read for int8
// decoding), straight from the stored tensors of sf, a block of rows at
// a time.
func quantize(ps []*product, sf *safetensors.Reader) error {
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		if p.n == 0 || p.q != nil {
			continue
		}
		wg.Go(func() {
			if p.w != nil || sf == nil {
				p.q, errs[i] = linalg.NewInt8Matrix(p.n, p.k, p.w, p.ldw)
				return
			}
			p.q, errs[i] = linalg.NewInt8MatrixRows(p.n, p.k, p.storedRows(sf))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("int8 weights of %s: %w", ps[i].name, err)
		}
	}
	return nil
}

// storedRows returns the reader of W's rows from its stored weight, for
// linalg.NewInt8MatrixRows. It checks, as loading float32 weights does,
// that the rows it reads are finite.
func (p *product) storedRows(sf *safetensors.Reader) func(j0, j1 int, dst []float32) error {
	var rows []float32
	return func(j0, j1 int, dst []float32) error {
		rows = resize(rows, (j1-j0)*p.ldw)
		if err := sf.ReadTensorAt(p.name, j0*p.ldw, rows); err != nil {
			return fmt.Errorf("weight %s: %w", p.name, err)
		}
		if i := linalg.NonFinite(rows); i >= 0 {
			return fmt.Errorf("weight %s is damaged: value %d of %d is %v", p.name, j0*p.ldw+i, p.n*p.ldw, rows[i])
		}
		for j := range j1 - j0 {
			copy(dst[j*p.k:(j+1)*p.k], rows[j*p.ldw+p.off:j*p.ldw+p.off+p.k])
		}
		return nil
	}
}
