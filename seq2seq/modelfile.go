package seq2seq

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

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
	return f.save(path, dtype, f.Model.Tensors(), nil)
}

// save writes f with the model's weights as tensors and further metadata
// entries (SaveInt8's).
func (f *File) save(path string, dtype safetensors.DType, tensors []safetensors.Tensor, further map[string]string) error {
	if f.Model.int8Only {
		return fmt.Errorf("save model %s: %w", path, errInt8Only)
	}
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
	maps.Copy(meta, further)
	tensors = append(tensors, f.Extra...)
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
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	f, err := ReadFile(r, st.Size(), path)
	if err != nil {
		return nil, err
	}
	if !f.checksummed {
		warnNoChecksum(path)
	}
	return f, nil
}

// warnNoChecksum logs that the model file at path has no checksum.
func warnNoChecksum(path string) {
	slog.Warn("model file has no weights checksum (written by an older nmt): damage to its weights cannot be detected; re-export it to add one",
		"file", path)
}

// ReadFile reads a model file of size bytes from r, as LoadFile does;
// name identifies it in errors. Unlike LoadFile it logs nothing: a file
// without a checksum loads silently (the built-in models, compiled into
// the binary, are read this way).
func ReadFile(r io.ReaderAt, size int64, name string) (*File, error) {
	sf, err := safetensors.Open(r, size)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return readModel(sf, name, false)
}

// ReadBytes reads a model file held in memory, as LoadFile does, decoding
// the weights from data in place (data may be read-only, such as a
// go:embed variable); name identifies it in errors.
func ReadBytes(data []byte, name string) (*File, error) {
	sf, err := safetensors.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return readModel(sf, name, false)
}

// readModel builds the model file of sf (see fromSafetensors); name
// identifies it in errors.
func readModel(sf *safetensors.Reader, name string, int8Only bool) (*File, error) {
	f, err := fromSafetensors(sf, int8Only)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return f, nil
}

// fromSafetensors builds the model of a validated safetensors header,
// decoding each weight once, straight into the model's memory; with
// int8Only, all but the weights that an int8 decoder quantizes, which
// that decoder reads from sf (see readInt8), and float16 embeddings are
// kept as stored (see embedding.go).
func fromSafetensors(sf *safetensors.Reader, int8Only bool) (*File, error) {
	meta := sf.Metadata
	switch {
	case meta[metaFormat] != FileFormat:
		return nil, fmt.Errorf("not an nmt model file (metadata format is %q, want %q)", meta[metaFormat], FileFormat)
	case meta[metaVersion] != FileVersion:
		return nil, fmt.Errorf("%w: the file has format version %q, this nmt reads version %s; use the nmt release that wrote it or retrain",
			ErrVersion, meta[metaVersion], FileVersion)
	}
	checksummed, err := verifyChecksum(sf, meta[metaChecksum])
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
		if n := numElements(p.shape); t.Len != n {
			return nil, fmt.Errorf("weight %s has %d values, its shape %v needs %d", p.name, t.Len, p.shape, n)
		}
	}
	f16Embeddings := int8Only && embeddingsStoredF16(sf, cfg)
	m, err := newModel(cfg, int8Only, f16Embeddings)
	if err != nil {
		return nil, err
	}
	if f16Embeddings {
		if err := readF16Embeddings(sf, m); err != nil {
			return nil, err
		}
	}
	if err := readWeights(sf, m.params); err != nil {
		return nil, err
	}
	if err := readStoredInt8Weights(sf, m, meta[metaInt8]); err != nil {
		return nil, err
	}
	f := &File{Model: m, checksummed: checksummed,
		SrcTokenizer: []byte(meta[metaSrcTokenizer]), TgtTokenizer: []byte(meta[metaTgtTokenizer]),
		Metadata: map[string]string{}}
	for k, v := range meta {
		switch k {
		case metaFormat, metaVersion, metaConfig, metaSrcTokenizer, metaTgtTokenizer, metaChecksum, metaInt8:
		default:
			f.Metadata[k] = v
		}
	}
	if f.Extra, err = readExtra(sf, m.params); err != nil {
		return nil, err
	}
	f.Extra = slices.DeleteFunc(f.Extra, func(t safetensors.Tensor) bool {
		return m.int8[strings.TrimSuffix(t.Name, int8ScaleSuffix)] != nil
	})
	return f, nil
}

// readWeights decodes the weight of each of params from sf into its
// Value, in parallel, skipping those without values (int8Only).
func readWeights(sf *safetensors.Reader, params []*Param) error {
	errs := make([]error, len(params))
	linalg.Parallel(len(params), 1<<20, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if params[i].Value != nil {
				errs[i] = readWeight(sf, params[i])
			}
		}
	})
	return errors.Join(errs...)
}

// readWeight decodes the stored tensor of p into p.Value: the one place
// where a model weight is read from a file.
func readWeight(sf *safetensors.Reader, p *Param) error {
	t, ok := sf.Tensor(p.Name)
	if !ok || !slices.Equal(t.Shape, p.Shape) || t.Len != len(p.Value) {
		// paramLayout and newModel disagree: a bug, not bad input.
		return fmt.Errorf("internal error: weight %s does not match the layout of the config", p.Name)
	}
	if err := sf.ReadTensor(p.Name, p.Value); err != nil {
		return fmt.Errorf("weight %s: %w", p.Name, err)
	}
	return checkFinite(p)
}

// checkFinite reports the first weight of p that is NaN or infinite.
func checkFinite(p *Param) error {
	if i := linalg.NonFinite(p.Value); i >= 0 {
		return fmt.Errorf("weight %s is damaged: value %d of %d is %v", p.Name, i, len(p.Value), p.Value[i])
	}
	return nil
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
		if err := checkFinite(p); err != nil {
			return err
		}
	}
	return nil
}

// readExtra reads the tensors of sf that are not among params, in file
// order.
func readExtra(sf *safetensors.Reader, params []*Param) ([]safetensors.Tensor, error) {
	weights := make(map[string]bool, len(params))
	for _, p := range params {
		weights[p.Name] = true
	}
	var extra []safetensors.Tensor
	for _, t := range sf.Tensors() {
		if weights[t.Name] {
			continue
		}
		data := make([]float32, t.Len)
		if err := sf.ReadTensor(t.Name, data); err != nil {
			return nil, err
		}
		extra = append(extra, safetensors.Tensor{Name: t.Name, Shape: t.Shape, Data: data, DType: t.DType})
	}
	return extra, nil
}

// verifyChecksum checks the data of sf against the checksum stored in the
// metadata, computing it only when there is one, and reports whether
// there was one.
func verifyChecksum(sf *safetensors.Reader, stored string) (bool, error) {
	if stored == "" {
		return false, nil
	}
	got, err := sf.Checksum()
	if err != nil {
		return false, err
	}
	return checkChecksum(stored, got)
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
