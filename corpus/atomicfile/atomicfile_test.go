package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// read returns the content of path, or "<absent>".
func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "<absent>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// names returns the names in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return s
}

func TestCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != path {
		t.Errorf("Name() = %q, want %q", f.Name(), path)
	}
	f.WriteString("new")
	if got := read(t, path); got != "old" {
		t.Errorf("destination changed before Commit: %q", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "new" {
		t.Errorf("after Commit: %q", got)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after Commit %v, %v; want 0600, the old file's", st.Mode(), err)
	}
	if err := f.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Error("Write after Commit succeeded")
	}

	g, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	g.WriteString("discarded")
	g.Abort()
	g.Abort()
	if got := read(t, path); got != "new" {
		t.Errorf("after Abort: %q", got)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("temporary files left: %v", n)
	}
	if _, err := Create(filepath.Join(dir, "missing", "x")); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
}

// TestCloseThenCommit checks the two steps: Close leaves the destination
// alone, Commit then only renames.
func TestCloseThenCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := f.WriteString("more"); err == nil {
		t.Error("WriteString after Close succeeded")
	}
	if got := read(t, path); got != "<absent>" {
		t.Errorf("destination after Close: %q", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "data" {
		t.Errorf("after Commit: %q", got)
	}
}

// TestCommitRenameFails removes the directory before Commit: the rename
// fails and reports it.
func TestCommitRenameFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	os.Mkdir(dir, 0o755)
	f, err := Create(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	os.RemoveAll(dir)
	if err := f.Commit(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Commit into a removed directory: %v, want ErrNotExist", err)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "hello\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "hello\n" {
		t.Errorf("after WriteFile: %q", got)
	}
	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("WriteFile error %v, want %v", err, boom)
	}
	if got := read(t, path); got != "hello\n" {
		t.Errorf("after a failed WriteFile: %q", got)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("temporary files left: %v", n)
	}
}

// TestCommitAll injects a failing rename at each position of a group of
// three files, some replacing old files and some new: no destination may
// change and no temporary file may remain.
func TestCommitAll(t *testing.T) {
	for _, fail := range []int{-1, 0, 1, 2} {
		root := t.TempDir()
		var paths []string
		var files []*File
		for i, old := range []string{"old0", "", "old2"} {
			dir := filepath.Join(root, string(rune('a'+i)))
			os.Mkdir(dir, 0o755)
			p := filepath.Join(dir, "f.txt")
			if old != "" {
				if err := os.WriteFile(p, []byte(old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Create(p)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("new")
			paths, files = append(paths, p), append(files, f)
		}
		if fail >= 0 {
			// The directory vanishes with the temporary file in it.
			os.RemoveAll(filepath.Dir(paths[fail]))
		}
		err := CommitAll(files...)
		for i, p := range paths {
			want := []string{"old0", "<absent>", "old2"}[i]
			switch {
			case fail < 0:
				want = "new"
			case i == fail:
				want = "<absent>"
			}
			if got := read(t, p); got != want {
				t.Errorf("fail at %d: file %d holds %q, want %q", fail, i, got, want)
			}
			if n := names(t, filepath.Dir(p)); len(n) > 1 || (len(n) == 1 && n[0] != "f.txt") {
				t.Errorf("fail at %d: directory %d holds %v", fail, i, n)
			}
		}
		if (err != nil) != (fail >= 0) {
			t.Errorf("fail at %d: CommitAll error %v", fail, err)
		}
		for i, f := range files {
			if err := f.Commit(); err == nil {
				t.Errorf("fail at %d: file %d can be committed again", fail, i)
			}
		}
	}
}

// TestCommitAllCloseFails checks that a file that cannot be closed stops
// the whole group before any rename.
func TestCommitAllCloseFails(t *testing.T) {
	dir := t.TempDir()
	a, _ := Create(filepath.Join(dir, "a"))
	b, _ := Create(filepath.Join(dir, "b"))
	b.f.Close() // the Close step now fails
	if err := CommitAll(a, b); err == nil {
		t.Fatal("CommitAll succeeded with a file that cannot be closed")
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("directory holds %v, want nothing", n)
	}
}
