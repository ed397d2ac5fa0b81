package corpus

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

func TestFilterCopyShuffled(t *testing.T) {
	// 40 pairs of 1 to 5 words; the filter drops those over 3.
	var src, tgt strings.Builder
	for i := range 40 {
		n := 1 + i%5
		fmt.Fprintf(&src, "satz%d%s\n", i, strings.Repeat(" wort", n-1))
		fmt.Fprintf(&tgt, "sentence%d%s\n", i, strings.Repeat(" word", n-1))
	}
	open := func() *PairReader {
		return NewParallelReader(strings.NewReader(src.String()), "s", strings.NewReader(tgt.String()), "t")
	}
	f := Filter{MinLen: 1, MaxLen: 3}
	all, err := ReadAll(open())
	if err != nil {
		t.Fatal(err)
	}
	want, wantSt := f.Pairs(all)
	if wantSt.Kept != 24 || wantSt.TooLong != 16 {
		t.Fatalf("fixture counts %v, want 24 kept and 16 too long", wantSt)
	}
	// copyShuffled returns the "src\ttgt" lines written with the seed.
	copyShuffled := func(seed uint64) []string {
		t.Helper()
		dir := t.TempDir()
		w, err := CreateParallel(filepath.Join(dir, "out.de"), filepath.Join(dir, "out.en"))
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.CopyShuffled(w, open(), seed)
		if err != nil || st != wantSt {
			t.Fatalf("CopyShuffled: %v, %v; want %v", st, err, wantSt)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := ReadParallel(filepath.Join(dir, "out.de"), filepath.Join(dir, "out.en"))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, p := range got {
			lines = append(lines, p.Src+"\t"+p.Tgt)
		}
		return lines
	}
	a, b, c := copyShuffled(1), copyShuffled(1), copyShuffled(2)
	if !slices.Equal(a, b) {
		t.Error("the same seed gave different orders")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same order")
	}
	var kept []string
	for _, p := range want {
		kept = append(kept, p.Src+"\t"+p.Tgt)
	}
	for _, got := range [][]string{a, c} {
		if slices.Equal(got, kept) {
			t.Error("output is in input order")
		}
		got = slices.Clone(got)
		slices.Sort(got)
		if w := slices.Sorted(slices.Values(kept)); !slices.Equal(got, w) {
			t.Errorf("output holds %q, want the kept pairs %q", got, w)
		}
	}

	// A read error is returned.
	r := NewParallelReader(strings.NewReader("a\nb\n"), "s", strings.NewReader("x\n"), "t")
	w, err := CreateTSV(filepath.Join(t.TempDir(), "out.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	var me *MismatchError
	if _, err := f.CopyShuffled(w, r, 1); !errors.As(err, &me) {
		t.Errorf("CopyShuffled of mismatched files: %v, want a *MismatchError", err)
	}
}
