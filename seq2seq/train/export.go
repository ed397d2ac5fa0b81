package train

import (
	"fmt"
	"strings"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Format is how Export writes a model file.
type Format struct {
	// DType is the weights' type: F32, or F16 for half the size.
	DType safetensors.DType
	// Int8 stores the weights that the int8 decoder multiplies in int8,
	// with a scale per row (seq2seq.File.SaveInt8); the others as DType.
	Int8 bool
}

// save writes f to path in the format.
func (fm Format) save(f *seq2seq.File, path string) error {
	if fm.Int8 {
		return f.SaveInt8(path, fm.DType)
	}
	return f.Save(path, fm.DType)
}

// Export writes the model of a checkpoint (or of any model file) at src as
// a model file for translation at dst: the configuration, both tokenizers
// and the weights in the format fm, without the optimizer state. The
// training configuration and trainer state stay in the metadata as a
// record of how the model was trained.
func Export(src, dst string, fm Format) error {
	f, err := seq2seq.LoadFile(src)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	stripCheckpoint(f)
	if err := fm.save(f, dst); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// stripCheckpoint drops the optimizer state and the checkpoint metadata of
// f, keeping the training record.
func stripCheckpoint(f *seq2seq.File) {
	f.Extra = nil
	if f.Metadata == nil {
		f.Metadata = map[string]string{}
	}
	for k := range f.Metadata {
		if strings.HasPrefix(k, "checkpoint_") {
			delete(f.Metadata, k)
		}
	}
}
