package multi30k

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/corpus/fetch"
)

func TestFiles(t *testing.T) {
	tests := []struct {
		src, tgt string
		want     Set
		ok       bool
	}{
		{"de", "en", Set{
			Train:   Paths{"d/train.de.gz", "d/train.en.gz"},
			Val:     Paths{"d/val.de.gz", "d/val.en.gz"},
			Test:    Paths{"d/test_2016_flickr.de.gz", "d/test_2016_flickr.en.gz"},
			ValTok:  Paths{"d/val.lc.norm.tok.de.gz", "d/val.lc.norm.tok.en.gz"},
			TestTok: Paths{"d/test_2016_flickr.lc.norm.tok.de.gz", "d/test_2016_flickr.lc.norm.tok.en.gz"},
		}, true},
		{"en", "cs", Set{
			Train:   Paths{"d/train.en.gz", "d/train.cs.gz"},
			Val:     Paths{"d/val.en.gz", "d/val.cs.gz"},
			Test:    Paths{"d/test_2016_flickr.en.gz", "d/test_2016_flickr.cs.gz"},
			ValTok:  Paths{"d/val.lc.norm.tok.en.gz", "d/val.lc.norm.tok.cs.gz"},
			TestTok: Paths{"d/test_2016_flickr.lc.norm.tok.en.gz", "d/test_2016_flickr.lc.norm.tok.cs.gz"},
		}, true},
		{"de", "de", Set{}, false},
		{"de", "es", Set{}, false},
		{"", "en", Set{}, false},
	}
	for _, tt := range tests {
		got, err := Files("d", tt.src, tt.tgt)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Files(d, %q, %q) = %+v, %v", tt.src, tt.tgt, got, err)
		}
	}
	if _, err := Open("d", "test", "de", "en"); err == nil {
		t.Error("Open accepted the unknown split test")
	}
}

func TestManifest(t *testing.T) {
	m := Manifest()
	if len(m) != 3*4+2*4 {
		t.Fatalf("%d files, want 20", len(m))
	}
	names := map[string]bool{}
	for _, f := range m {
		if names[f.Name()] || len(f.SHA256) != 64 || (f.Tokenized && f.Split == Train) || (f.Upstream() == "") != f.Tokenized {
			t.Errorf("bad entry %+v", f)
		}
		names[f.Name()] = true
	}
	m[0].SHA256 = "changed"
	if Manifest()[0].SHA256 == "changed" {
		t.Error("Manifest returns the package's own table")
	}
}

// TestManifestMatchesShared checks the digest table and line counts
// against the upstream files in ../shared.
func TestManifestMatchesShared(t *testing.T) {
	dir := corpustest.SharedDir(t, "data", "multi30k")
	for _, f := range Manifest() {
		path := filepath.Join(dir, f.Name())
		if ok, err := fetch.Verify(path, f.SHA256); err != nil || !ok {
			t.Errorf("%s: digest does not match (%v)", f.Name(), err)
		}
		r, err := corpus.OpenLines(path)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for r.Next() {
			n++
		}
		r.Close()
		if r.Err() != nil || n != f.Lines {
			t.Errorf("%s: %d lines (%v), want %d", f.Name(), n, r.Err(), f.Lines)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// upstream serves a directory the way the upstream repository lays it out:
// raw files under /raw/. It counts requests.
func upstream(t *testing.T, dir string, corrupt string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	files := http.StripPrefix("/raw/", http.FileServer(http.Dir(dir)))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if corrupt != "" && strings.HasSuffix(r.URL.Path, "/"+corrupt) {
			w.Write([]byte("not the file"))
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

func TestFetchDownload(t *testing.T) {
	src := corpustest.SharedDir(t, "data", "multi30k")
	ts, requests := upstream(t, src, "")
	dir := filepath.Join(t.TempDir(), "m30k")
	opts := FetchOptions{Dir: dir, BaseURL: ts.URL, Langs: []string{"de", "en"}, Client: ts.Client(), Logger: quiet()}
	rep, err := Fetch(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (FetchReport{Fetched: 6, Skipped: 4}); rep != want {
		t.Errorf("first fetch: %+v, want %+v", rep, want)
	}
	set, _ := Files(dir, "de", "en")
	pairs, err := corpus.ReadParallel(set.Val.Src, set.Val.Tgt)
	if err != nil || len(pairs) != 1014 {
		t.Errorf("val: %d pairs, %v", len(pairs), err)
	}
	before := requests.Load()
	rep, err = Fetch(context.Background(), opts)
	if want := (FetchReport{UpToDate: 6, Skipped: 4}); err != nil || rep != want {
		t.Errorf("second fetch: %+v, %v; want %+v", rep, err, want)
	}
	if requests.Load() != before {
		t.Error("second fetch made requests for verified files")
	}
}

func TestFetchChecksumMismatch(t *testing.T) {
	src := corpustest.SharedDir(t, "data", "multi30k")
	ts, _ := upstream(t, src, "val.en.gz")
	dir := t.TempDir()
	_, err := Fetch(context.Background(), FetchOptions{Dir: dir, BaseURL: ts.URL, Langs: []string{"en"}, Client: ts.Client(), Logger: quiet()})
	if !errors.Is(err, fetch.ErrChecksum) || !strings.Contains(err.Error(), "val.en.gz") {
		t.Errorf("error %v, want a checksum mismatch naming val.en.gz", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "val.en.gz")); !os.IsNotExist(err) {
		t.Error("a file that failed verification is in place")
	}
}

func TestFetchFrom(t *testing.T) {
	src := corpustest.SharedDir(t, "data", "multi30k")
	dir := t.TempDir()
	rep, err := Fetch(context.Background(), FetchOptions{Dir: dir, From: src, Langs: []string{"fr"}, Logger: quiet()})
	if want := (FetchReport{Fetched: 5}); err != nil || rep != want {
		t.Errorf("Fetch from %s: %+v, %v; want %+v", src, rep, err, want)
	}
	// A source without the tokenized copies: those are skipped.
	partial := t.TempDir()
	for _, split := range Splits() {
		b, err := os.ReadFile(filepath.Join(src, Name(split, "cs")))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(partial, Name(split, "cs")), b, 0o644)
	}
	rep, err = Fetch(context.Background(), FetchOptions{Dir: dir, From: partial, Langs: []string{"cs"}, Logger: quiet()})
	if want := (FetchReport{Fetched: 3, Skipped: 2}); err != nil || rep != want {
		t.Errorf("Fetch from a partial copy: %+v, %v; want %+v", rep, err, want)
	}
	// A missing raw file is an error.
	if _, err := Fetch(context.Background(), FetchOptions{Dir: t.TempDir(), From: t.TempDir(), Logger: quiet()}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Fetch from an empty directory: %v", err)
	}
}

func TestFetchOptionErrors(t *testing.T) {
	for _, o := range []FetchOptions{{Dir: ""}, {Dir: t.TempDir(), Langs: []string{"es"}}} {
		o.Logger = quiet()
		if _, err := Fetch(context.Background(), o); err == nil {
			t.Errorf("Fetch(%+v) succeeded", o)
		}
	}
}
