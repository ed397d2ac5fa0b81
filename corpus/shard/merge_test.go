package shard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMerge runs every shard of splits of plain and gzip inputs and
// checks that merging them, given as outputs, sidecars or both, gives the
// unsplit result.
func TestMerge(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		b.WriteString(strings.Repeat("w", i%13) + "\n")
	}
	data := b.String() + "last line without newline"
	want := strings.ToUpper(data) + "\n"
	for _, gz := range []bool{false, true} {
		in := writeFile(t, "in", []byte(data), gz)
		for _, n := range []int{1, 3, 7, 40} {
			out := filepath.Join(t.TempDir(), "merged")
			outputs := runShards(t, in, out, n, "s")
			args := append(outputs, SidecarName(outputs[0])) // also given as its sidecar
			sum, err := Merge(out, args)
			if err != nil {
				t.Fatalf("gzip %v, %d shards: %v", gz, n, err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("gzip %v, %d shards: merged output differs from the unsplit one", gz, n)
			}
			if sum.Shards != n || sum.Lines != 201 || sum.Bytes != int64(len(want)) {
				t.Errorf("gzip %v, %d shards: summary %+v", gz, n, sum)
			}
		}
	}
}

// TestMergeErrors checks that a merge of an incomplete or inconsistent
// split fails, names the culprits and leaves the output as it was.
func TestMergeErrors(t *testing.T) {
	data := strings.Repeat("some line\n", 30)
	in := writeFile(t, "in", []byte(data), false)
	tests := []struct {
		name  string
		setup func(t *testing.T, out string) []string
		want  []string // in the error message
	}{
		{"missing shard", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 5, "s")
			os.Remove(o[2])
			os.Remove(SidecarName(o[2]))
			return append(o[:2:2], o[3:]...)
		}, []string{"1 of 5 shards not given", "shard 2/5 (", ".shard-00002-of-00005): no output, no progress file"}},
		{"complete shard not given", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 5, "s")
			return o[1:]
		}, []string{"shard 0/5 (", "complete, but not given"}},
		{"stopped shard", func(t *testing.T, out string) []string {
			return runShards(t, in, out, 5, "s", 3)
		}, []string{".shard-00003-of-00005: not complete: 1 lines done at the last checkpoint"}},
		{"stopped shard not given", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 5, "s", 3)
			return append(o[:3:3], o[4:]...)
		}, []string{"shard 3/5 (", "not complete: 1 lines done"}},
		{"other settings", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 3, "beam=5")
			p := runShards(t, in, out+"2", 3, "beam=1")
			return []string{o[0], o[1], p[2]}
		}, []string{`not of the same split`, `settings "beam=1", not "beam=5"`}},
		{"other split", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 3, "s")
			p := runShards(t, in, out, 4, "s")
			return append(o, p[3])
		}, []string{"4 shards, not 3"}},
		{"output changed", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 3, "s")
			os.WriteFile(o[1], []byte("TRUNCATED\n"), 0o644)
			return o
		}, []string{".shard-00001-of-00003 (shard 1/3) has 1 lines", "sidecar says 10 lines"}},
		{"bad sidecar", func(t *testing.T, out string) []string {
			o := runShards(t, in, out, 2, "s")
			os.WriteFile(SidecarName(o[0]), []byte(`{"format":"nmt-shard/9"}`), 0o644)
			return o
		}, []string{".shard-00000-of-00002.json: invalid shard sidecar: format \"nmt-shard/9\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged")
			os.WriteFile(out, []byte("old\n"), 0o644)
			_, err := Merge(out, tt.setup(t, out))
			if err == nil {
				t.Fatal("Merge succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if got, _ := os.ReadFile(out); string(got) != "old\n" {
				t.Errorf("the output was changed to %q", got)
			}
		})
	}
	if _, err := Merge("x", nil); err == nil {
		t.Error("Merge of no shards succeeded")
	}
	o := runShards(t, in, filepath.Join(t.TempDir(), "m"), 2, "s", 1)
	if _, err := Merge(filepath.Join(t.TempDir(), "x"), o); !errors.Is(err, ErrIncomplete) {
		t.Errorf("Merge with a stopped shard: %v, want ErrIncomplete", err)
	}
}

// TestRerunReplacesShard checks that running one shard again replaces only
// that shard and keeps the split mergeable.
func TestRerunReplacesShard(t *testing.T) {
	in := writeFile(t, "in", []byte(strings.Repeat("x\ny\n", 10)), false)
	out := filepath.Join(t.TempDir(), "merged")
	o := runShards(t, in, out, 3, "s")
	before, _ := os.Stat(o[0])
	j, err := Open(Options{Input: in, Output: out, Spec: Spec{1, 3}, Settings: "s"})
	if err != nil {
		t.Fatal(err)
	}
	upper(t, j, -1)
	if err := j.Commit(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(o[0]); !after.ModTime().Equal(before.ModTime()) {
		t.Error("shard 0 changed when shard 1 ran again")
	}
	if _, err := Merge(out, o); err != nil {
		t.Fatal(err)
	}
}
