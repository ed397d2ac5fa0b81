package seq2seq

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Embeddings kept in float16. A model read for int8 decoding only
// (readInt8) from a file that stores its embeddings as F16 keeps them as
// stored, without float32 values, and converts the rows it looks up: the
// file's bytes are used in place when the file is in memory (a built-in
// model), so the embeddings cost no memory and no decoding at load. The
// rows converted are exactly the values reading them in float32 gives.

// f16Embedding is an embedding matrix [V, E] stored as float16.
type f16Embedding struct {
	data []byte // [V, E] little-endian float16
	e    int
}

// row converts row id into dst [E].
func (t *f16Embedding) row(id int, dst []float32) {
	safetensors.F16.Decode(dst, t.data[2*id*t.e:2*(id+1)*t.e])
}

// embedRow writes row id of the embedding p [V, E] into dst [E].
func (m *Model) embedRow(p *Param, id int, dst []float32) {
	if t := m.f16Emb[p]; t != nil {
		t.row(id, dst)
		return
	}
	e := len(dst)
	copy(dst, p.Value[id*e:(id+1)*e])
}

// embedRows gathers the rows of the embedding p [V, E] named by ids into
// out [len(ids), E].
func (m *Model) embedRows(p *Param, ids []int32, out []float32) {
	t := m.f16Emb[p]
	if t == nil {
		embed(p.Value, p.Shape[1], ids, out)
		return
	}
	for i, id := range ids {
		t.row(int(id), out[i*t.e:(i+1)*t.e])
	}
}

// embeddingsStoredF16 reports whether sf stores every embedding of cfg's
// layout as F16.
func embeddingsStoredF16(sf *safetensors.Reader, cfg Config) bool {
	names := []string{"src_embed", "tgt_embed"}
	if cfg.ShareEmbeddings {
		names = names[:1]
	}
	for _, name := range names {
		if t, ok := sf.Tensor(name); !ok || t.DType != safetensors.F16 {
			return false
		}
	}
	return true
}

// readF16Embeddings keeps the stored float16 values of m's embeddings,
// which have no float32 values, checking that they are finite.
func readF16Embeddings(sf *safetensors.Reader, m *Model) error {
	m.f16Emb = map[*Param]*f16Embedding{}
	for _, p := range []*Param{m.srcEmb, m.tgtEmb} {
		data, dtype, err := sf.ReadRaw(p.Name)
		if err != nil {
			return fmt.Errorf("weight %s: %w", p.Name, err)
		}
		n := numElements(p.Shape)
		if dtype != safetensors.F16 || len(data) != 2*n {
			// embeddingsStoredF16 and the layout check disagree: a bug.
			return fmt.Errorf("internal error: embedding %s is not stored as %d float16 values", p.Name, n)
		}
		if i := parallelNonFiniteF16(data); i >= 0 {
			v := make([]float32, 1)
			safetensors.F16.Decode(v, data[2*i:])
			return fmt.Errorf("weight %s is damaged: value %d of %d is %v", p.Name, i, n, v[0])
		}
		m.f16Emb[p] = &f16Embedding{data: data, e: p.Shape[1]}
	}
	return nil
}

// parallelNonFiniteF16 is nonFiniteF16 spread over the cores: the check
// reads every page of the embeddings, whose first reads (page faults) are
// most of its cost.
func parallelNonFiniteF16(b []byte) int {
	n := len(b) / 2
	var mu sync.Mutex
	first := -1
	linalg.Parallel(n, 1, func(lo, hi int) {
		if i := nonFiniteF16(b[2*lo : 2*hi]); i >= 0 {
			mu.Lock()
			if first < 0 || lo+i < first {
				first = lo + i
			}
			mu.Unlock()
		}
	})
	return first
}

// nonFiniteF16 returns the index of the first NaN or infinite value of the
// little-endian float16 values in b, or -1. It tests four values at a
// time: a value is NaN or infinite when its five exponent bits are all
// set.
func nonFiniteF16(b []byte) int {
	const (
		exponents = 0x7c00_7c00_7c00_7c00
		ones      = 0x0001_0001_0001_0001
		highs     = 0x8000_8000_8000_8000
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// t has a zero 16-bit lane where all exponent bits are set;
		// (t - ones) &^ t sets that lane's high bit (t's lanes have no
		// high bit, so no lane borrows from another).
		t := binary.LittleEndian.Uint64(b[i:])&exponents ^ exponents
		if (t-ones)&^t&highs != 0 {
			break
		}
	}
	for ; i+1 < len(b); i += 2 {
		if b[i+1]&0x7c == 0x7c {
			return i / 2
		}
	}
	return -1
}
