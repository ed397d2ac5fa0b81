package translate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/attnmt/nmt/seq2seq/translate"
)

func TestOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Aborted: the old file stays, no temporary file is left.
	o, err := translate.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("half"))
	o.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("after Abort the file holds %q, want the old content", b)
	}
	// Committed: the new content replaces it.
	o, err = translate.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write([]byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("before Commit the file holds %q, want the old content", b)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Abort() // no effect after Commit
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("after Commit the file holds %q, want %q", b, "new\n")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d files, want 1", len(entries))
	}
	if _, err := translate.CreateOutput(filepath.Join(dir, "missing", "out.txt")); err == nil {
		t.Error("no error creating a file in a missing directory")
	}
}

// TestOutputCommitTwice checks that a second Commit fails and leaves the
// committed file alone.
func TestOutputCommitTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	o, err := translate.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("one\n"))
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
	if _, err := o.Write([]byte("two\n")); err == nil {
		t.Error("Write after Commit succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "one\n" {
		t.Errorf("file holds %q, want %q", b, "one\n")
	}
}
