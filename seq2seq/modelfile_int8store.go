package seq2seq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Int8 model files. SaveInt8 stores the weights that the int8 decoder
// multiplies in int8 as I8 tensors of their own name and shape, each with
// a float32 tensor NAME.int8_scale [rows, blocks]: one scale per row and
// per block of columns that the decoder multiplies separately (the first
// decoder layer's input weights are two blocks with input feeding: the
// embedding's columns and the fed output's). The metadata weights_int8
// maps each such weight to the first column of each of its blocks. The
// values are quantized exactly as NewInt8Decoder quantizes them
// (linalg.NewInt8Matrix), so a model loaded from an int8 file decodes
// with int8 compute exactly as the float file it came from does; float32
// compute, training and salience read the weights dequantized (q times
// scale). Embeddings, biases and the weights the int8 decoder reads in
// float32 keep the file's float dtype.

const (
	metaInt8        = "weights_int8"
	int8ScaleSuffix = ".int8_scale"
)

// storedInt8 is a weight read from a file in int8.
type storedInt8 struct {
	cols []int // first column of each block
	// q holds the values [n, k] as stored: int8 in two's complement. A
	// model read for int8 decoding only from a file in memory (readInt8)
	// refers to the file's bytes.
	q     []byte
	scale []float32 // [n, len(cols)]
}

// int8Blocks returns the weights that the int8 decoder reads only through
// its int8 products, each with the first column of each product's block
// of columns.
func (m *Model) int8Blocks() map[string][]int {
	groups := map[string][]*product{}
	for _, p := range m.plainDecoder().products() {
		if p.n > 0 {
			groups[p.name] = append(groups[p.name], p)
		}
	}
	out := map[string][]int{}
	for _, w := range m.params {
		ps := groups[w.Name]
		if len(ps) == 0 || w == m.srcEmb || w == m.tgtEmb || len(w.Shape) != 2 {
			continue // embeddings are looked up in float32
		}
		slices.SortFunc(ps, func(a, b *product) int { return a.off - b.off })
		var cols []int
		next := 0
		for _, p := range ps {
			if p.off != next || p.n != w.Shape[0] || p.ldw != w.Shape[1] {
				break
			}
			cols = append(cols, p.off)
			next += p.k
		}
		if next == w.Shape[1] {
			out[w.Name] = cols
		}
	}
	return out
}

// SaveInt8 writes f atomically to path as Save does, with the weights
// that the int8 decoder multiplies in int8 stored as int8 with float32
// scales per row (see the comment above). They are quantized from the
// weights as stored in dtype (F32, or F16), so that the file decodes with
// int8 compute exactly as the file Save(path, dtype) would; a model read
// from an int8 file keeps its stored int8 values.
func (f *File) SaveInt8(path string, dtype safetensors.DType) error {
	m := f.Model
	blocks := m.int8Blocks()
	tensors := m.Tensors()
	for i, p := range m.params {
		cols, ok := blocks[p.Name]
		if !ok {
			continue
		}
		s, err := m.quantizeForFile(p, cols, dtype)
		if err != nil {
			return fmt.Errorf("save model %s: %w", path, err)
		}
		q := make([]float32, len(s.q))
		for j, v := range s.q {
			q[j] = float32(int8(v))
		}
		tensors[i] = safetensors.Tensor{Name: p.Name, Shape: p.Shape, Data: q, As: safetensors.I8}
		tensors = append(tensors, safetensors.Tensor{Name: p.Name + int8ScaleSuffix,
			Shape: []int{p.Shape[0], len(cols)}, Data: s.scale, As: safetensors.F32})
	}
	layout, err := json.Marshal(blocks)
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return f.save(path, dtype, tensors, map[string]string{metaInt8: string(layout)})
}

// quantizeForFile returns the int8 form of p in the blocks cols: the
// stored one if p was read in int8 with these blocks, else p's values as
// stored in dtype, quantized block by block as the int8 decoder does.
func (m *Model) quantizeForFile(p *Param, cols []int, dtype safetensors.DType) (*storedInt8, error) {
	if s, ok := m.int8[p.Name]; ok && slices.Equal(s.cols, cols) {
		return s, nil
	}
	n, k := p.Shape[0], p.Shape[1]
	w := safetensors.Round(dtype, p.Value)
	s := &storedInt8{cols: cols, q: make([]byte, n*k), scale: make([]float32, n*len(cols))}
	for b, col := range cols {
		end := k
		if b+1 < len(cols) {
			end = cols[b+1]
		}
		q, err := linalg.NewInt8Matrix(n, end-col, w[col:], k)
		if err != nil {
			return nil, fmt.Errorf("int8 weights of %s: %w", p.Name, err)
		}
		vals, scale := q.Quantized()
		for j := range n {
			for i, v := range vals[j*(end-col) : (j+1)*(end-col)] {
				s.q[j*k+col+i] = byte(v)
			}
			s.scale[j*len(cols)+b] = scale[j]
		}
	}
	return s, nil
}

// readStoredInt8Weights reads the scales of the weights that sf stores in int8, as
// named by the metadata value layout, keeps their int8 form in m and
// replaces their values (read as integers) by the dequantized weights. A
// weight stored as I8 without scales, or scales that do not fit, are
// errors naming the weight.
func readStoredInt8Weights(sf *safetensors.Reader, m *Model, layout string) error {
	var blocks map[string][]int
	if layout != "" {
		if err := json.Unmarshal([]byte(layout), &blocks); err != nil {
			return fmt.Errorf("metadata %s: %w", metaInt8, err)
		}
	}
	for _, p := range m.params {
		t, _ := sf.Tensor(p.Name)
		cols, listed := blocks[p.Name]
		switch {
		case t.DType == safetensors.I8 && !listed:
			return fmt.Errorf("weight %s is stored as I8 but metadata %s gives it no scales", p.Name, metaInt8)
		case listed && t.DType != safetensors.I8:
			return fmt.Errorf("metadata %s lists weight %s, which is stored as %s, not I8", metaInt8, p.Name, t.DType)
		case !listed:
			continue
		}
		s, err := readStoredInt8Param(sf, p, cols)
		if err != nil {
			return err
		}
		if m.int8 == nil {
			m.int8 = map[string]*storedInt8{}
		}
		m.int8[p.Name] = s
	}
	if len(m.int8) != len(blocks) {
		return fmt.Errorf("metadata %s lists %d weights, %d of them are weights of the model", metaInt8, len(blocks), len(m.int8))
	}
	return nil
}

// readStoredInt8Param reads the scales of p, whose values hold its int8
// integers, and dequantizes p; a weight without values (a model read for
// int8 decoding only, see newModel) keeps its int8 values as stored
// instead, in place for a file in memory, and is never decoded to
// float32.
func readStoredInt8Param(sf *safetensors.Reader, p *Param, cols []int) (*storedInt8, error) {
	if len(p.Shape) != 2 || len(cols) == 0 || cols[0] != 0 {
		return nil, fmt.Errorf("weight %s: int8 blocks %v, want a matrix and blocks from column 0", p.Name, cols)
	}
	n, k := p.Shape[0], p.Shape[1]
	for b := 1; b < len(cols); b++ {
		if cols[b] <= cols[b-1] || cols[b] >= k {
			return nil, fmt.Errorf("weight %s: int8 blocks %v are not ascending columns below %d", p.Name, cols, k)
		}
	}
	name := p.Name + int8ScaleSuffix
	t, ok := sf.Tensor(name)
	if !ok || !slices.Equal(t.Shape, []int{n, len(cols)}) {
		return nil, fmt.Errorf("weight %s: scales %s missing or not of shape [%d %d]", p.Name, name, n, len(cols))
	}
	s := &storedInt8{cols: cols, scale: make([]float32, t.Len)}
	if err := sf.ReadTensor(name, s.scale); err != nil {
		return nil, fmt.Errorf("weight %s: %w", name, err)
	}
	for i, v := range s.scale {
		if !(v >= 0) || v > 1e38 {
			return nil, fmt.Errorf("weight %s is damaged: value %d of %d is %v, want a finite scale >= 0", name, i, len(s.scale), v)
		}
	}
	if p.Value == nil {
		raw, dtype, err := sf.ReadRaw(p.Name)
		if err != nil {
			return nil, fmt.Errorf("weight %s: %w", p.Name, err)
		}
		if dtype != safetensors.I8 || len(raw) != n*k {
			// readStoredInt8Weights and the layout check disagree: a bug.
			return nil, fmt.Errorf("internal error: weight %s is not stored as %d int8 values", p.Name, n*k)
		}
		if i := bytes.IndexByte(raw, 0x80); i >= 0 {
			return nil, fmt.Errorf("weight %s is damaged: value %d is -128, want int8 values in [-127, 127]", p.Name, i)
		}
		s.q = raw
		return s, nil
	}
	s.q = make([]byte, n*k)
	for j := range n {
		b := 0
		for i := range k {
			if b+1 < len(cols) && i == cols[b+1] {
				b++
			}
			v := p.Value[j*k+i]
			if v < -127 {
				return nil, fmt.Errorf("weight %s is damaged: value %d is %v, want int8 values in [-127, 127]", p.Name, j*k+i, v)
			}
			s.q[j*k+i] = byte(int8(v))
			p.Value[j*k+i] = v * s.scale[j*len(cols)+b]
		}
	}
	return s, nil
}

// useStoredInt8 builds the int8 matrices of the products whose blocks m
// read from a file in int8, exactly as stored. The product of a weight
// stored in blocks of another layout is quantized again, from the
// dequantized values: p.w, or for a weight without float32 values
// (int8 decoding only) its stored values dequantized a block of rows at a
// time, the same float32 values.
func (m *Model) useStoredInt8(ps []*product) error {
	for _, p := range ps {
		s, ok := m.int8[p.name]
		if p.n == 0 || !ok {
			continue
		}
		b := slices.Index(s.cols, p.off)
		end := p.ldw
		if b+1 < len(s.cols) {
			end = s.cols[b+1]
		}
		if b < 0 || end-p.off != p.k {
			if p.w != nil {
				continue // quantize p.w
			}
			q, err := linalg.NewInt8MatrixRows(p.n, p.k, s.dequantizedRows(p))
			if err != nil {
				return fmt.Errorf("int8 weights of %s: %w", p.name, err)
			}
			p.q = q
			continue
		}
		nb := len(s.cols)
		scale := make([]float32, p.n)
		for j := range scale {
			scale[j] = s.scale[j*nb+b]
		}
		q, err := linalg.NewInt8MatrixFrom(p.n, p.k, s.q[p.off:], p.ldw, scale)
		if err != nil {
			return fmt.Errorf("int8 weights of %s: %w", p.name, err)
		}
		p.q = q
	}
	return nil
}

// dequantizedRows returns the reader of W's rows, for
// linalg.NewInt8MatrixRows, from the stored int8 values of its weight s:
// q times scale, as readStoredInt8Param dequantizes them.
func (s *storedInt8) dequantizedRows(p *product) func(j0, j1 int, dst []float32) error {
	nb := len(s.cols)
	return func(j0, j1 int, dst []float32) error {
		for j := j0; j < j1; j++ {
			b := 0
			for i := range p.k {
				c := p.off + i
				for b+1 < nb && c >= s.cols[b+1] {
					b++
				}
				dst[(j-j0)*p.k+i] = float32(int8(s.q[j*p.ldw+c])) * s.scale[j*nb+b]
			}
		}
		return nil
	}
}
