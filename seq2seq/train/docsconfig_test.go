package train

import (
	"path/filepath"
	"testing"
)

// TestDocsConfigsValid loads every configuration in docs/models: each
// must parse (unknown keys are errors) and pass Validate, so that the
// documented training commands run as written.
func TestDocsConfigsValid(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "docs", "models", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no configurations found in docs/models")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cfg, err := LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		})
	}
}
