package seq2seq

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"

	"github.com/attnmt/nmt/attention/linalg"
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
	metaChecksum     = "weights_crc32" // 8 hex digits, see safetensors.Checksum
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

	checksummed bool // the file had a weights checksum (and it matched)
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
	sum, err := safetensors.Checksum(tensors, dtype)
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	meta[metaChecksum] = fmt.Sprintf("%08x", sum)
	if err := safetensors.WriteFile(path, tensors, meta, dtype); err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return nil
}

// ErrVersion is wrapped by the error for a model file written in a format
// version this program does not read.
var ErrVersion = errors.New("unsupported model file version")

// ErrChecksum is wrapped by the error for a model file whose weights do
// not match the checksum stored with them: the file was damaged after it
// was written.
var ErrChecksum = errors.New("weights do not match their checksum")

// LoadFile reads a model file (or a training checkpoint, which is a model
// file with extra tensors). A file of another format or version, a
// corrupt file, one whose weights do not match their checksum or their
// configuration, or one with a weight that is NaN or infinite is rejected
// with an error naming the file (and the weight). A file written before
// model files carried a checksum loads, with a warning in the log.
func LoadFile(path string) (*File, error) {
	sf, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	f, err := fromSafetensors(sf)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	if !f.checksummed {
		slog.Warn("model file has no weights checksum (written by an older nmt): damage to its weights cannot be detected; re-export it to add one",
			"file", path)
	}
	return f, nil
}

// ReadFile reads a model file of size bytes from r, as LoadFile does;
// name identifies it in errors. Unlike LoadFile it logs nothing: a file
// without a checksum loads silently (the built-in models, compiled into
// the binary, are read this way).
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
	checksummed, err := checkChecksum(meta[metaChecksum], sf.Checksum)
	if err != nil {
		return nil, err
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
		if i := linalg.NonFinite(p.Value); i >= 0 {
			return nil, fmt.Errorf("weight %s is damaged: value %d of %d is %v", p.Name, i, len(p.Value), p.Value[i])
		}
		seen[p.Name] = true
	}
	f := &File{Model: m, checksummed: checksummed,
		SrcTokenizer: []byte(meta[metaSrcTokenizer]), TgtTokenizer: []byte(meta[metaTgtTokenizer]),
		Metadata: map[string]string{}}
	for k, v := range meta {
		switch k {
		case metaFormat, metaVersion, metaConfig, metaSrcTokenizer, metaTgtTokenizer, metaChecksum:
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

// CheckWeights reports whether m is what loading a model file promises: a
// valid configuration, the parameters of its layout with their shapes,
// and only finite weights. Fuzz tests of every loader check it.
func (m *Model) CheckWeights() error {
	if err := m.cfg.Validate(); err != nil {
		return fmt.Errorf("model config: %w", err)
	}
	layout := m.cfg.paramLayout()
	if len(m.params) != len(layout) {
		return fmt.Errorf("model has %d weights, its config %d", len(m.params), len(layout))
	}
	for i, p := range m.params {
		if l := layout[i]; p.Name != l.name || !slices.Equal(p.Shape, l.shape) || len(p.Value) != numElements(l.shape) {
			return fmt.Errorf("weight %d is %s %v with %d values, the config's layout has %s %v", i, p.Name, p.Shape, len(p.Value), l.name, l.shape)
		}
		if j := linalg.NonFinite(p.Value); j >= 0 {
			return fmt.Errorf("weight %s is damaged: value %d of %d is %v", p.Name, j, len(p.Value), p.Value[j])
		}
	}
	return nil
}

// checkChecksum compares the checksum stored in the metadata (8 hex
// digits, or empty in files written before there was one) with got, the
// checksum of the data as read, and reports whether there was one.
func checkChecksum(stored string, got uint32) (bool, error) {
	if stored == "" {
		return false, nil
	}
	want, err := strconv.ParseUint(stored, 16, 32)
	if err != nil || len(stored) != 8 {
		return false, fmt.Errorf("metadata %s is %q, want 8 hex digits", metaChecksum, stored)
	}
	if uint32(want) != got {
		return false, fmt.Errorf("%w (CRC-32 %08x, the file says %s): the file was damaged after it was written; copy or export it again",
			ErrChecksum, got, stored)
	}
	return true, nil
}

// numElements returns the number of values of a tensor of the given shape.
func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
