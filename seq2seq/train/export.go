package train

import (
	"fmt"
	"strings"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Export writes the model of a checkpoint (or of any model file) at src as
// a model file for translation at dst: the configuration, both tokenizers
// and the weights stored as dtype (F16 halves the size), without the
// optimizer state. The training configuration and trainer state stay in the
// metadata as a record of how the model was trained.
func Export(src, dst string, dtype safetensors.DType) error {
	f, err := seq2seq.LoadFile(src)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	stripCheckpoint(f)
	if err := f.Save(dst, dtype); err != nil {
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
