package corpus

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPairWriterRoundTrip(t *testing.T) {
	pairs := []Pair{{"Ein Hund.", "A dog.", 1}, {"", "empty source", 2}, {"über", "", 3}}
	tests := []struct {
		name  string
		files []string // one name for TSV, two for parallel
	}{
		{"tsv", []string{"out.tsv"}},
		{"tsv gzip", []string{"out.tsv.gz"}},
		{"parallel", []string{"out.de", "out.en"}},
		{"parallel gzip", []string{"out.de.gz", "out.en.gz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for _, f := range tt.files {
				paths = append(paths, filepath.Join(dir, f))
			}
			var w *PairWriter
			var err error
			if len(paths) == 1 {
				w, err = CreateTSV(paths[0])
			} else {
				w, err = CreateParallel(paths[0], paths[1])
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				if err := w.Write(p); err != nil {
					t.Fatal(err)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != len(paths) {
				t.Fatalf("%d temporary files while writing, want %d", len(entries), len(paths))
			}
			if _, err := os.Stat(paths[0]); !os.IsNotExist(err) {
				t.Fatalf("%s exists before Commit", paths[0])
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			w.Abort() // no effect after Commit
			var got []Pair
			if len(paths) == 1 {
				got, err = ReadTSV(paths[0])
			} else {
				got, err = ReadParallel(paths[0], paths[1])
			}
			if err != nil || !reflect.DeepEqual(got, pairs) {
				t.Errorf("read back %+v, %v; want %+v", got, err, pairs)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != len(paths) {
				t.Errorf("%d files after Commit, want %d", len(entries), len(paths))
			}
		})
	}
}

func TestPairWriterRejectsAndAborts(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateTSV(filepath.Join(dir, "out.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Pair{{"a", "x\ny", 2}, {"a\r", "x", 3}} {
		if err := w.Write(p); err == nil {
			t.Errorf("Write(%+v) succeeded", p)
		}
	}
	if err := w.Write(Pair{"a\tb", "x\t\ty", 4}); err != nil || w.TabsReplaced() != 1 {
		t.Errorf("Write of a pair with tabs: %v, %d replaced", err, w.TabsReplaced())
	}
	w.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after Abort: %v", entries)
	}
	p, err := CreateParallel(filepath.Join(dir, "a"), filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(Pair{"tab\tis fine", "here", 1}); err != nil || p.TabsReplaced() != 0 {
		t.Errorf("parallel files: %v, %d tabs replaced", err, p.TabsReplaced())
	}
	p.Abort()
}

// TestPairWriterCommitAllOrNothing makes one side's rename fail (its
// directory disappears before Commit): neither old file may be replaced.
func TestPairWriterCommitAllOrNothing(t *testing.T) {
	for _, failing := range []string{"src", "tgt"} {
		t.Run(failing, func(t *testing.T) {
			root := t.TempDir()
			dirs := map[string]string{"src": filepath.Join(root, "src"), "tgt": filepath.Join(root, "tgt")}
			paths := map[string]string{"src": filepath.Join(dirs["src"], "c.de"), "tgt": filepath.Join(dirs["tgt"], "c.en")}
			for side, p := range paths {
				os.Mkdir(dirs[side], 0o755)
				if err := os.WriteFile(p, []byte("old "+side+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := CreateParallel(paths["src"], paths["tgt"])
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(Pair{"neu", "new", 1}); err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(dirs[failing])
			if err := w.Commit(); err == nil {
				t.Fatal("Commit succeeded with a vanished directory")
			}
			for side, p := range paths {
				if side == failing {
					continue
				}
				if b, err := os.ReadFile(p); err != nil || string(b) != "old "+side+"\n" {
					t.Errorf("%s holds %q, %v; want the old content", side, b, err)
				}
				if entries, _ := os.ReadDir(dirs[side]); len(entries) != 1 {
					t.Errorf("%s directory holds %d files, want 1", side, len(entries))
				}
			}
		})
	}
}
