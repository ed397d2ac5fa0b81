//go:build unix

package atomicfile

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperWriter is not a test: run by startWriter as a child process,
// it starts writing ATOMICFILE_HELPER_PATH, says "ready" and waits to be
// killed.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv("ATOMICFILE_HELPER_PATH")
	if path == "" {
		t.Skip("helper process for TestStaleTemporaryFiles")
	}
	f, err := Create(path)
	if err != nil {
		os.Exit(3)
	}
	f.WriteString("partial")
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Hour)
}

// startWriter starts a process writing path; it returns once the
// temporary file exists and is locked, with the process still running.
func startWriter(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_PATH="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		t.Fatalf("helper writer: %q", line)
	}
	return cmd
}

// tempFiles returns the names of the temporary files for dest in dir.
func tempFiles(t *testing.T, dir, dest string) []string {
	var s []string
	for _, n := range names(t, dir) {
		if tempPattern.MatchString(n) && strings.HasPrefix(n, "."+dest+".tmp-") {
			s = append(s, n)
		}
	}
	return s
}

// TestStaleTemporaryFiles kills writers with SIGKILL and checks that the
// temporary files they leave are removed by the next Create of the same
// destination and by RemoveStale, while a live writer's temporary file
// (another process, or this one) and files of other names stay.
func TestStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.txt")
	live := startWriter(t, out) // still running: its file must stay
	dead := startWriter(t, out) // leaves its file alone, as it is locked
	dead.Process.Signal(syscall.SIGKILL)
	dead.Wait()
	if n := tempFiles(t, dir, "out.txt"); len(n) != 2 {
		t.Fatalf("temporary files %v, want the dead and the live writer's", n)
	}
	others := []string{"out.txt.tmp-1", ".out.txt.tmp-12x", ".out.txt.tmp-", ".other.tmp", "keep.txt", ".out.txt.tmp-5.old"}
	for _, n := range others {
		os.WriteFile(filepath.Join(dir, n), []byte("not ours"), 0o644)
	}

	f, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	liveFile := tempFiles(t, dir, "out.txt")
	if len(liveFile) != 1 {
		t.Errorf("after Create: temporary files %v, want the live writer's only", liveFile)
	}
	for _, n := range others {
		if read(t, filepath.Join(dir, n)) != "not ours" {
			t.Errorf("%s was touched", n)
		}
	}

	// RemoveStale: files of a killed checkpoint writer go, a file this
	// process is writing stays, and so does the live writer's.
	ckpt := filepath.Join(dir, "ckpt-7.safetensors")
	w := startWriter(t, ckpt)
	w.Process.Signal(syscall.SIGKILL)
	w.Wait()
	mine, err := Create(filepath.Join(dir, "ckpt-8.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Abort()
	isCkpt := func(name string) bool { return strings.HasPrefix(name, "ckpt-") }
	removed, err := RemoveStale(dir, isCkpt)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || !strings.HasPrefix(filepath.Base(removed[0]), ".ckpt-7.safetensors.tmp-") {
		t.Errorf("RemoveStale removed %v, want the killed writer's ckpt-7 file", removed)
	}
	if n := tempFiles(t, dir, "ckpt-8.safetensors"); len(n) != 1 {
		t.Errorf("this process's temporary file was removed: %v", n)
	}
	if n := tempFiles(t, dir, "out.txt"); !slices.Equal(n, liveFile) {
		t.Errorf("the live writer's temporary file was removed: %v, want %v", n, liveFile)
	}
	live.Process.Signal(syscall.SIGKILL)
	live.Wait()
	removed, _ = RemoveStale(dir, func(name string) bool { return name == "out.txt" })
	if len(removed) != 1 || filepath.Base(removed[0]) != liveFile[0] {
		t.Errorf("after the last writer died, RemoveStale removed %v, want %v", removed, liveFile)
	}
	for _, n := range others {
		if read(t, filepath.Join(dir, n)) != "not ours" {
			t.Errorf("%s was touched", n)
		}
	}
}
