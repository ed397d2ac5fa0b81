package seq2seq

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Model files are safetensors files (readable by Python's safetensors and
// torch) whose metadata names the format and carries the configuration and
// both tokenizers, so that one file is all a translation needs.
const (
	FileFormat  = "attnmt-model" // metadata "format"
	FileVersion = "1"            // metadata "format_version"
)

// Metadata keys of a model file.
const (
	metaFormat       = "format"
	metaVersion      = "format_version"
	metaConfig       = "config"
	metaSrcTokenizer = "src_tokenizer"
	metaTgtTokenizer = "tgt_tokenizer"
)

// File is a model together with everything stored beside it.
type File struct {
	Model *Model
	// SrcTokenizer and TgtTokenizer are the tokenizer.json documents of the
	// source and target languages (the same bytes for a joint vocabulary).
	SrcTokenizer, TgtTokenizer []byte
	// Metadata holds any further metadata entries (training information,
	// checkpoint state), keyed as stored.
	Metadata map[string]string
	// Extra holds tensors that are not model weights, such as optimizer
	// moments in a checkpoint.
	Extra []safetensors.Tensor
}

// Tensors returns the model's weights as safetensors tensors sharing the
// parameters' memory.
func (m *Model) Tensors() []safetensors.Tensor {
	ts := make([]safetensors.Tensor, len(m.params))
	for i, p := range m.params {
		ts[i] = safetensors.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Value}
	}
	return ts
}

// Save writes f atomically to path, the weights stored as dtype (F32, or
// F16 for a file half the size).
func (f *File) Save(path string, dtype safetensors.DType) error {
	cfg, err := json.Marshal(f.Model.cfg)
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	meta := maps.Clone(f.Metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[metaFormat] = FileFormat
	meta[metaVersion] = FileVersion
	meta[metaConfig] = string(cfg)
	meta[metaSrcTokenizer] = string(f.SrcTokenizer)
	meta[metaTgtTokenizer] = string(f.TgtTokenizer)
	tensors := append(f.Model.Tensors(), f.Extra...)
	if err := safetensors.WriteFile(path, tensors, meta, dtype); err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return nil
}

// ErrVersion is wrapped by the error for a model file written in a format
// version this program does not read.
var ErrVersion = errors.New("unsupported model file version")

// LoadFile reads a model file (or a training checkpoint, which is a model
// file with extra tensors). A file of another format or version, a
// corrupt file, or one whose weights do not match its configuration is
// rejected with an error naming the file.
func LoadFile(path string) (*File, error) {
	sf, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	f, err := fromSafetensors(sf)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return f, nil
}

// ReadFile reads a model file of size bytes from r, as LoadFile does;
// name identifies it in errors.
func ReadFile(r io.ReaderAt, size int64, name string) (*File, error) {
	sf, err := safetensors.Read(r, size)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	f, err := fromSafetensors(sf)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return f, nil
}

func fromSafetensors(sf *safetensors.File) (*File, error) {
	meta := sf.Metadata
	switch {
	case meta[metaFormat] != FileFormat:
		return nil, fmt.Errorf("not an nmt model file (metadata format is %q, want %q)", meta[metaFormat], FileFormat)
	case meta[metaVersion] != FileVersion:
		return nil, fmt.Errorf("%w: the file has format version %q, this nmt reads version %s; use the nmt release that wrote it or retrain",
			ErrVersion, meta[metaVersion], FileVersion)
	}
	var cfg Config
	if err := json.Unmarshal([]byte(meta[metaConfig]), &cfg); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	// Check the weights against the configuration before allocating the
	// model, so that a configuration the file's tensors do not back
	// cannot make the loader allocate more than the file holds.
	for _, p := range cfg.paramLayout() {
		t, ok := sf.Tensor(p.name)
		if !ok {
			return nil, fmt.Errorf("weight %s missing", p.name)
		}
		if !slices.Equal(t.Shape, p.shape) {
			return nil, fmt.Errorf("weight %s has shape %v, the config needs %v", p.name, t.Shape, p.shape)
		}
		if n := numElements(p.shape); len(t.Data) != n {
			return nil, fmt.Errorf("weight %s has %d values, its shape %v needs %d", p.name, len(t.Data), p.shape, n)
		}
	}
	m, err := New(cfg, 0)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range m.params {
		t, ok := sf.Tensor(p.Name)
		if !ok || !slices.Equal(t.Shape, p.Shape) || len(t.Data) != len(p.Value) {
			// paramLayout and New disagree: a bug, not bad input.
			return nil, fmt.Errorf("internal error: weight %s does not match the layout of the config", p.Name)
		}
		copy(p.Value, t.Data)
		seen[p.Name] = true
	}
	f := &File{Model: m,
		SrcTokenizer: []byte(meta[metaSrcTokenizer]), TgtTokenizer: []byte(meta[metaTgtTokenizer]),
		Metadata: map[string]string{}}
	for k, v := range meta {
		switch k {
		case metaFormat, metaVersion, metaConfig, metaSrcTokenizer, metaTgtTokenizer:
		default:
			f.Metadata[k] = v
		}
	}
	for _, t := range sf.Tensors {
		if !seen[t.Name] {
			f.Extra = append(f.Extra, t)
		}
	}
	return f, nil
}

// numElements returns the number of values of a tensor of the given shape.
func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
