package seq2seq

import (
	"errors"
	"fmt"
	"os"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// LoadFileInt8 reads a model file as LoadFile does, for int8 decoding
// only, and returns it with its int8 decoder (see NewInt8Decoder). The
// weights that decoder quantizes are quantized straight from the file, a
// block of rows at a time, and never held in float32: the model takes
// about a third of the memory, and loads faster. A file that stores them
// in int8 (SaveInt8) needs no quantizing: its int8 values and scales are
// packed for the decoder as stored. The returned model has
// no float32 values for those weights (Int8Only): it cannot make a
// float32 decoder, train or be saved.
func LoadFileInt8(path string) (*File, *Decoder, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", path, err)
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", path, err)
	}
	sf, err := safetensors.Open(r, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", path, err)
	}
	f, d, err := readInt8(sf, path)
	if err == nil && !f.checksummed {
		warnNoChecksum(path)
	}
	return f, d, err
}

// ReadBytesInt8 is LoadFileInt8 for a model file held in memory, read in
// place as ReadBytes does (data may be read-only, such as a go:embed
// variable).
func ReadBytesInt8(data []byte, name string) (*File, *Decoder, error) {
	o, err := OpenBytesInt8(data, name)
	if err != nil {
		return nil, nil, err
	}
	return o.Read()
}

// OpenedInt8 is a model file held in memory whose header has been read,
// for int8 decoding: its tokenizers can be built while Read decodes and
// quantizes its weights.
type OpenedInt8 struct {
	// SrcTokenizer and TgtTokenizer are the tokenizer.json documents
	// stored in the file (empty if it has none), the File's once read.
	SrcTokenizer, TgtTokenizer []byte

	sf   *safetensors.Reader
	name string
}

// OpenBytesInt8 reads the header of a model file held in memory (see
// ReadBytesInt8, which is OpenBytesInt8 then Read).
func OpenBytesInt8(data []byte, name string) (*OpenedInt8, error) {
	sf, err := safetensors.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return &OpenedInt8{sf: sf, name: name,
		SrcTokenizer: []byte(sf.Metadata[metaSrcTokenizer]), TgtTokenizer: []byte(sf.Metadata[metaTgtTokenizer])}, nil
}

// Read checks the file and builds its model for int8 decoding only, with
// its int8 decoder, as ReadBytesInt8 does. It is safe to call while
// another goroutine reads SrcTokenizer and TgtTokenizer.
func (o *OpenedInt8) Read() (*File, *Decoder, error) {
	f, d, err := readInt8(o.sf, o.name)
	if err != nil {
		return nil, nil, err
	}
	f.SrcTokenizer, f.TgtTokenizer = o.SrcTokenizer, o.TgtTokenizer
	return f, d, nil
}

// readInt8 builds the model of sf without the float32 values of its int8
// weights and makes its int8 decoder: from the int8 values and scales a
// file stores (SaveInt8), packed once, in place from a file in memory,
// exactly as stored; the weights a file stores in float are quantized
// from sf, a block of rows at a time.
func readInt8(sf *safetensors.Reader, name string) (*File, *Decoder, error) {
	f, err := readModel(sf, name, true)
	if err != nil {
		return nil, nil, err
	}
	m := f.Model
	d := m.plainDecoder()
	if err := m.useStoredInt8(d.products()); err != nil {
		return nil, nil, fmt.Errorf("load model %s: int8 decoder: %w", name, err)
	}
	if err := quantize(d.products(), sf); err != nil {
		return nil, nil, fmt.Errorf("load model %s: int8 decoder: %w", name, err)
	}
	// The decoder holds the stored int8 weights packed; without float32
	// values, nothing else reads them (an int8-only model is not saved).
	for _, p := range m.params {
		if p.Value == nil {
			delete(m.int8, p.Name)
		}
	}
	return f, d, nil
}

// Int8Only reports whether m was read for int8 decoding only
// (LoadFileInt8, ReadBytesInt8), without the float32 values of the
// weights its int8 decoder quantized.
func (m *Model) Int8Only() bool { return m.int8Only }

// errInt8Only is the error of what a model read for int8 decoding only
// cannot do.
var errInt8Only = errors.New("the model was read for int8 decoding only (its quantized weights have no float32 values)")
