package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/corpus/multi30k"
)

// runCorpus runs the nmt command line in-process and returns its standard
// output, standard error and error.
func runCorpus(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp()
	app.Writer, app.ErrWriter = &out, &errOut
	err := runApp(context.Background(), app, append([]string{"nmt"}, args...))
	return out.String(), errOut.String(), err
}

// corpusFixture writes n aligned lines to src and tgt files in a temporary
// directory: every 5th pair has an empty source, every 7th a long target.
func corpusFixture(t *testing.T, n int) (src, tgt string) {
	t.Helper()
	dir := t.TempDir()
	var s, g strings.Builder
	for i := range n {
		switch {
		case i%5 == 0:
			fmt.Fprintf(&s, "\n")
		default:
			fmt.Fprintf(&s, "Satz Nummer %d hier\n", i)
		}
		if i%7 == 0 {
			fmt.Fprintf(&g, "sentence number %d%s\n", i, strings.Repeat(" and more", 20))
		} else {
			fmt.Fprintf(&g, "sentence number %d here\n", i)
		}
	}
	src, tgt = filepath.Join(dir, "f.de"), filepath.Join(dir, "f.en")
	if err := os.WriteFile(src, []byte(s.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tgt, []byte(g.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return src, tgt
}

func TestCorpusStats(t *testing.T) {
	src, tgt := corpusFixture(t, 40)
	out, _, err := runCorpus(t, "corpus", "stats", "--src", src, "--tgt", tgt, "--max-len", "10", "--max-ratio", "3")
	if err != nil {
		t.Fatal(err)
	}
	r, err := corpus.OpenParallel(src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, err := corpus.Summarize(r, corpus.Filter{MinLen: 1, MaxLen: 10, MaxRatio: 3})
	if err != nil {
		t.Fatal(err)
	}
	if out != want.String() {
		t.Errorf("stats output:\n%s\nwant:\n%s", out, want)
	}
	if want.Filter.TooShort != 8 || want.Filter.TooLong != 4 {
		t.Errorf("fixture counts %+v, want 8 too short and 4 too long", want.Filter)
	}
}

func TestCorpusUsageErrors(t *testing.T) {
	src, tgt := corpusFixture(t, 3)
	tests := []struct {
		name string
		args []string
	}{
		{"no input", []string{"corpus", "stats"}},
		{"src without tgt", []string{"corpus", "stats", "--src", src}},
		{"tsv and src", []string{"corpus", "stats", "--tsv", src, "--src", src, "--tgt", tgt}},
		{"bad policy", []string{"corpus", "stats", "--src", src, "--tgt", tgt, "--invalid-utf8", "ignore"}},
		{"bad ratio", []string{"corpus", "stats", "--src", src, "--tgt", tgt, "--max-ratio", "0.5"}},
		{"no output", []string{"corpus", "filter", "--src", src, "--tgt", tgt}},
		{"fetch argument", []string{"corpus", "fetch", "multi30k", "--dir", t.TempDir(), "extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCorpus(t, tt.args...)
			if err == nil || exitCode(err) != 2 {
				t.Errorf("error %v (exit %d), want a usage error with exit 2", err, exitCode(err))
			}
		})
	}
}

func TestCorpusInputErrors(t *testing.T) {
	dir := t.TempDir()
	src, tgt := filepath.Join(dir, "a.de"), filepath.Join(dir, "a.en")
	os.WriteFile(src, []byte("eins\nzwei\ndrei\n"), 0o644)
	os.WriteFile(tgt, []byte("one\ntwo\n"), 0o644)
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("a\tb\nno tab here\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"mismatch", []string{"corpus", "stats", "--src", src, "--tgt", tgt}, []string{src, tgt, src + ":3"}},
		{"tsv line", []string{"corpus", "stats", "--tsv", bad}, []string{bad + ":2"}},
		{"missing file", []string{"corpus", "stats", "--tsv", filepath.Join(dir, "nope")}, []string{"nope"}},
		{"filter mismatch", []string{"corpus", "filter", "--src", src, "--tgt", tgt, "--out-tsv", filepath.Join(dir, "o.tsv")}, []string{src + ":3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCorpus(t, tt.args...)
			if err == nil || exitCode(err) != 1 {
				t.Fatalf("error %v, want exit 1", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "o.tsv")); !os.IsNotExist(err) {
		t.Error("a failed filter left its output file")
	}
}

func TestCorpusFilter(t *testing.T) {
	src, tgt := corpusFixture(t, 60)
	all, err := corpus.ReadParallel(src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	f := corpus.Filter{MinLen: 1, MaxLen: 10}
	kept, st := f.Pairs(all)
	dir := t.TempDir()
	key := func(p corpus.Pair) string { return p.Src + "\t" + p.Tgt }

	out, _, err := runCorpus(t, "corpus", "filter", "--src", src, "--tgt", tgt, "--max-len", "10", "--out-src", filepath.Join(dir, "o.de.gz"), "--out-tgt", filepath.Join(dir, "o.en.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != st.String() {
		t.Errorf("report %q, want %q", out, st)
	}
	got, err := corpus.ReadParallel(filepath.Join(dir, "o.de.gz"), filepath.Join(dir, "o.en.gz"))
	if err != nil || !slices.Equal(mapPairs(got, key), mapPairs(kept, key)) {
		t.Errorf("filtered output differs from Filter.Pairs (%v)", err)
	}

	shuffled := func(seed, name string) []string {
		path := filepath.Join(dir, name)
		if _, _, err := runCorpus(t, "corpus", "filter", "--src", src, "--tgt", tgt, "--max-len", "10", "--shuffle-seed", seed, "--out-tsv", path); err != nil {
			t.Fatal(err)
		}
		ps, err := corpus.ReadTSV(path)
		if err != nil {
			t.Fatal(err)
		}
		return mapPairs(ps, key)
	}
	a, b, c := shuffled("7", "a.tsv"), shuffled("7", "b.tsv"), shuffled("8", "c.tsv")
	if !slices.Equal(a, b) || slices.Equal(a, c) || slices.Equal(a, mapPairs(kept, key)) {
		t.Error("shuffling is not deterministic per seed, or does not shuffle")
	}
	slices.Sort(a)
	want := mapPairs(kept, key)
	slices.Sort(want)
	if !slices.Equal(a, want) {
		t.Error("shuffled output is not a permutation of the kept pairs")
	}
}

func mapPairs(ps []corpus.Pair, f func(corpus.Pair) string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}

func TestCorpusFetchFrom(t *testing.T) {
	from := corpustest.SharedDir(t, "data", "multi30k")
	dir := filepath.Join(t.TempDir(), "data")
	out, logs, err := runCorpus(t, "corpus", "fetch", "multi30k", "--dir", dir, "--from", from, "--lang", "de", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "10 fetched, 0 already up to date") || !strings.Contains(logs, "fetched") {
		t.Errorf("output %q, logs %q", out, logs)
	}
	set, _ := multi30k.Files(dir, "de", "en")
	for _, p := range []string{set.Train.Src, set.Train.Tgt, set.Val.Src, set.TestTok.Tgt} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
}

func TestCorpusFetchDownloadResumes(t *testing.T) {
	from := corpustest.SharedDir(t, "data", "multi30k")
	var mu sync.Mutex
	var ranges []string
	files := http.StripPrefix("/raw/", http.FileServer(http.Dir(from)))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if rg := r.Header.Get("Range"); rg != "" {
			ranges = append(ranges, r.URL.Path+" "+rg)
		}
		mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	defer ts.Close()
	dir := t.TempDir()
	whole, err := os.ReadFile(filepath.Join(from, "val.de.gz"))
	if err != nil {
		t.Fatal(err)
	}
	half := len(whole) / 2
	if err := os.WriteFile(filepath.Join(dir, "val.de.gz.part"), whole[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCorpus(t, "corpus", "fetch", "multi30k", "--dir", dir, "--base-url", ts.URL, "--lang", "de", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "6 fetched") {
		t.Errorf("output %q", out)
	}
	if want := fmt.Sprintf("/raw/val.de.gz bytes=%d-", half); !slices.Equal(ranges, []string{want}) {
		t.Errorf("range requests %q, want [%q]", ranges, want)
	}
	got, err := os.ReadFile(filepath.Join(dir, "val.de.gz"))
	if err != nil || !bytes.Equal(got, whole) {
		t.Errorf("resumed file differs (%v)", err)
	}
}
