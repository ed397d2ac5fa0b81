package translate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/pretrained"
)

// TestLoadModelMissingNamesBuiltins checks that a model that is neither a
// file nor a built-in name gets a message naming the path given and the
// built-in models.
func TestLoadModelMissingNamesBuiltins(t *testing.T) {
	for _, path := range []string{"de-en.nmt", filepath.Join(t.TempDir(), "model.safetensors")} {
		_, err := LoadModel(path, ComputeFloat32)
		if err == nil {
			t.Fatalf("LoadModel(%s) succeeded", path)
		}
		msg := err.Error()
		if !strings.Contains(msg, path) {
			t.Errorf("error %q does not name %s", msg, path)
		}
		for _, name := range pretrained.Names() {
			if !strings.Contains(msg, name) {
				t.Errorf("error %q does not name the built-in model %s", msg, name)
			}
		}
	}
}
