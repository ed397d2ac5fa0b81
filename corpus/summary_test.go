package corpus

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestSummarizeGolden(t *testing.T) {
	tests := []struct {
		name   string
		filter Filter
		policy UTF8Policy
	}{
		{"tiny_nofilter", Filter{}, UTF8Error},
		{"tiny_filter", Filter{MinLen: 1, MaxLen: 12, MaxRatio: 3}, UTF8Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := OpenParallel("testdata/tiny.de", "testdata/tiny.en")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			r.InvalidUTF8 = tt.policy
			s, err := Summarize(r, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".golden", []byte(s.String()))
		})
	}
}

func TestFilterCopy(t *testing.T) {
	r, err := OpenParallel("testdata/tiny.de", "testdata/tiny.en")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := filepath.Join(t.TempDir(), "out.tsv")
	w, err := CreateTSV(out)
	if err != nil {
		t.Fatal(err)
	}
	f := Filter{MinLen: 1, MaxLen: 12}
	st, err := f.Copy(w, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	all, err := ReadParallel("testdata/tiny.de", "testdata/tiny.en")
	if err != nil {
		t.Fatal(err)
	}
	want, wantSt := f.Pairs(all)
	got, err := ReadTSV(out)
	if err != nil || st != wantSt || len(got) != len(want) {
		t.Fatalf("Copy wrote %d pairs with %v (%v), want %d with %v", len(got), st, err, len(want), wantSt)
	}
	for i := range got {
		if got[i].Src != want[i].Src || got[i].Tgt != want[i].Tgt {
			t.Errorf("pair %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
