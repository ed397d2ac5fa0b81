package corpustest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir, want string
	}{
		{deep, filepath.Join(root, "a")},
		{filepath.Join(root, "a"), filepath.Join(root, "a")},
	}
	for _, tt := range tests {
		if got, err := moduleRoot(tt.dir); err != nil || got != tt.want {
			t.Errorf("moduleRoot(%s) = %q, %v; want %q", tt.dir, got, err, tt.want)
		}
	}
	if _, err := moduleRoot(root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("moduleRoot without go.mod: %v, want ErrNotExist", err)
	}
}

func TestSharedDir(t *testing.T) {
	_, err := sharedPath()
	skipped := true
	t.Run("skip", func(t *testing.T) {
		SharedDir(t, "no-such-entry-in-shared")
		skipped = false
	})
	if !skipped {
		t.Error("SharedDir did not skip for an absent path")
	}
	if err != nil {
		t.Skipf("no shared directory to find: %v", err)
	}
	p := SharedDir(t)
	if st, err := os.Stat(p); err != nil || !st.IsDir() || filepath.Base(p) != "shared" {
		t.Errorf("SharedDir() = %q (%v), want the shared directory", p, err)
	}
}
