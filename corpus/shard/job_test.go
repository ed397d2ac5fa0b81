package shard

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// upper is the "translation" of the job tests: each line upper-cased.
func upper(t *testing.T, j *Job, maxLines int) {
	t.Helper()
	data, err := io.ReadAll(j.Reader())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		if maxLines >= 0 && i == maxLines {
			return
		}
		if _, err := io.WriteString(j, strings.ToUpper(strings.TrimSuffix(l, "\n"))+"\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestJobResume stops a shard part way, with half a line written after the
// last checkpoint as a killed process leaves it, and checks that the next
// run resumes after the checkpoint and ends with the output of a run that
// was never stopped.
func TestJobResume(t *testing.T) {
	in := writeFile(t, "in", []byte("a\nb\n\nd\ne\nf\ng"), false)
	out := filepath.Join(t.TempDir(), "out")
	opt := Options{Input: in, Output: out, Spec: Spec{0, 1}, CheckpointEvery: -1}
	j, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	upper(t, j, 3)
	io.WriteString(j, "HALF A LI") // then killed: no Close
	j.abandon()
	if _, err := os.Stat(SidecarName(j.OutputPath())); err == nil {
		t.Fatal("a stopped shard has a sidecar")
	}
	j, err = Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	if j.Resumed() != 3 {
		t.Fatalf("resumed after %d lines, want 3", j.Resumed())
	}
	if name, first := j.LineName(); first != 4 || !strings.Contains(name, "from byte 0") {
		t.Errorf("LineName = %q, %d, want lines from 4", name, first)
	}
	upper(t, j, -1)
	if err := j.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(j.OutputPath())
	if err != nil {
		t.Fatal(err)
	}
	if want := "A\nB\n\nD\nE\nF\nG\n"; string(got) != want {
		t.Errorf("output %q, want %q", got, want)
	}
	for _, p := range []string{partialName(j.OutputPath()), progressName(j.OutputPath())} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after Commit (%v)", p, err)
		}
	}
	sc, err := readSidecar(j.OutputPath())
	if err != nil {
		t.Fatal(err)
	}
	if sc.Lines != 7 || sc.OutputBytes != int64(len(got)) {
		t.Errorf("sidecar says %d lines, %d bytes; want 7, %d", sc.Lines, sc.OutputBytes, len(got))
	}
}

// TestJobRestartsOnChange checks that a progress file of other settings is
// not resumed.
func TestJobRestartsOnChange(t *testing.T) {
	in := writeFile(t, "in", []byte("a\nb\nc\n"), false)
	out := filepath.Join(t.TempDir(), "out")
	opt := Options{Input: in, Output: out, Spec: Spec{0, 1}, Settings: "beam=5", CheckpointEvery: -1}
	j, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	upper(t, j, 2)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	opt.Settings = "beam=1"
	j, err = Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.Resumed() != 0 {
		t.Errorf("resumed %d lines of a run with other settings", j.Resumed())
	}
}

// TestJobCommitChecksLines checks that a shard whose output lacks lines is
// not committed.
func TestJobCommitChecksLines(t *testing.T) {
	in := writeFile(t, "in", []byte("a\nb\nc\n"), false)
	j, err := Open(Options{Input: in, Output: filepath.Join(t.TempDir(), "out"), Spec: Spec{0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	upper(t, j, 2)
	if err := j.Commit(); err == nil || !strings.Contains(err.Error(), "2 output lines for 3 input lines") {
		t.Errorf("Commit of 2 lines for 3: %v", err)
	}
	if _, err := os.Stat(j.OutputPath()); err == nil {
		t.Error("an incomplete output was renamed into place")
	}
}

// runShards runs every shard of in into out with upper, all but the
// shards in skip.
func runShards(t *testing.T, in, out string, n int, settings string, skip ...int) []string {
	t.Helper()
	var outputs []string
	for i := range n {
		j, err := Open(Options{Input: in, Output: out, Spec: Spec{i, n}, Settings: settings})
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, j.OutputPath())
		if slices.Contains(skip, i) { // started, then stopped
			upper(t, j, 1)
			j.Close()
			continue
		}
		upper(t, j, -1)
		if err := j.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	return outputs
}
