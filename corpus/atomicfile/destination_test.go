//go:build unix

package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSymlinkDestination checks that a symbolic link is followed: its
// target is replaced in the target's directory and the link stays a link,
// for a relative link, a chain of links and a link to a missing file.
func TestSymlinkDestination(t *testing.T) {
	dir := t.TempDir()
	targetDir := filepath.Join(dir, "real")
	os.Mkdir(targetDir, 0o755)
	target := filepath.Join(targetDir, "out.txt")
	os.WriteFile(target, []byte("old"), 0o640)
	link := filepath.Join(dir, "link.txt")
	chain := filepath.Join(dir, "chain.txt")
	dangling := filepath.Join(dir, "dangling.txt")
	if err := errors.Join(os.Symlink("real/out.txt", link), os.Symlink("link.txt", chain),
		os.Symlink(filepath.Join(targetDir, "new.txt"), dangling)); err != nil {
		t.Skip("no symbolic links:", err)
	}
	for _, tt := range []struct{ path, target, content string }{
		{link, target, "via link"},
		{chain, target, "via chain"},
		{dangling, filepath.Join(targetDir, "new.txt"), "new"},
	} {
		if err := WriteFile(tt.path, func(w io.Writer) error { _, err := io.WriteString(w, tt.content); return err }); err != nil {
			t.Fatalf("write %s: %v", tt.path, err)
		}
		if st, err := os.Lstat(tt.path); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v %v", tt.path, st.Mode(), err)
		}
		if got := read(t, tt.target); got != tt.content {
			t.Errorf("target of %s holds %q, want %q", tt.path, got, tt.content)
		}
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want the old 0640", st.Mode().Perm())
	}
	if n := names(t, targetDir); len(n) != 2 {
		t.Errorf("target directory holds %v, want out.txt and new.txt only", n)
	}
	if n := names(t, dir); len(n) != 4 {
		t.Errorf("link directory holds %v, want the three links and real/", n)
	}
}

// TestFIFODestination checks that a FIFO is written directly, not
// replaced by a regular file.
func TestFIFODestination(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs:", err)
	}
	got := make(chan string)
	go func() {
		r, err := os.Open(path) // blocks until the writer opens it
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(r)
		r.Close()
		got <- string(b)
	}()
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "through the pipe"); return err }); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("FIFO replaced: mode %v, %v", st.Mode(), err)
	}
	if n := names(t, filepath.Dir(path)); len(n) != 1 {
		t.Errorf("directory holds %v, want the FIFO only", n)
	}
}

// TestDeviceDestination writes to /dev/null, which must stay a device.
// Only opening and closing it is tested: the device is never replaced
// because Create writes a non-regular file in place.
func TestDeviceDestination(t *testing.T) {
	st, err := os.Stat(os.DevNull)
	if err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Skip("no null device")
	}
	f, err := Create(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if !f.direct {
		f.Abort()
		t.Fatal("a device would be replaced by a temporary file")
	}
	f.WriteString("discarded")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, st.Mode(), err)
	}
}

// TestNewFileMode checks that a new file gets 0666 less the umask, and an
// existing one keeps its mode.
func TestNewFileMode(t *testing.T) {
	dir := t.TempDir()
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	path := filepath.Join(dir, "new.txt")
	if err := WriteFile(path, func(io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("new file mode %v, want 0640 (0666 less umask 027)", st.Mode().Perm())
	}
	os.Chmod(path, 0o604)
	if err := WriteFile(path, func(io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o604 {
		t.Errorf("rewritten file mode %v, want the old 0604", st.Mode().Perm())
	}
}

// TestCreateErrorsNameThePath checks that Create fails before anything is
// written for a directory or a missing directory, naming the path given,
// not the temporary file.
func TestCreateErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ path, want string }{
		{dir, "create " + dir + ": is a directory"},
		{filepath.Join(dir, "missing", "out.txt"), "create " + filepath.Join(dir, "missing", "out.txt") + ": no such directory"},
	} {
		_, err := Create(tt.path)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("Create(%s) error %v, want one starting %q without the temporary name", tt.path, err, tt.want)
		}
	}
}

// TestCheck checks that Check finds the errors Create would, and changes
// nothing.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	os.Mkdir(readOnly, 0o555)
	fifo := filepath.Join(dir, "pipe")
	syscall.Mkfifo(fifo, 0o600)
	existing := filepath.Join(dir, "old.txt")
	os.WriteFile(existing, []byte("old"), 0o644)
	tests := []struct {
		path    string
		wantErr string
	}{
		{existing, ""},
		{filepath.Join(dir, "new.txt"), ""},
		{fifo, ""}, // not opened: no reader waits
		{dir, "is a directory"},
		{filepath.Join(dir, "missing", "x"), "no such directory"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, struct{ path, wantErr string }{filepath.Join(readOnly, "x"), "permission denied"})
	}
	for _, tt := range tests {
		err := Check(tt.path)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Check(%s) = %v, want error %q", tt.path, err, tt.wantErr)
		}
	}
	if got := read(t, existing); got != "old" {
		t.Errorf("Check changed %s: %q", existing, got)
	}
	if n := names(t, dir); len(n) != 3 {
		t.Errorf("Check left files: %v, want old.txt, pipe and ro", n)
	}
}
