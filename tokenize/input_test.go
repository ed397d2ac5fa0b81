package tokenize

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddFile(t *testing.T) {
	dir := t.TempDir()
	text := strings.Join(smallCorpus, "\n") + "\n"
	plain := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(plain, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write([]byte(text))
	zw.Close()
	zipped := filepath.Join(dir, "zipped.txt.gz")
	if err := os.WriteFile(zipped, zbuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("fine\nnot \xff fine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.gz")
	if err := os.WriteFile(corrupt, zbuf.Bytes()[:len(zbuf.Bytes())/2], 0o644); err != nil {
		t.Fatal(err)
	}

	var files [][]byte
	for _, path := range []string{plain, zipped} {
		tr, err := NewTrainer(TrainOptions{VocabSize: 300})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.AddFile(path); err != nil {
			t.Fatalf("AddFile(%s): %v", path, err)
		}
		if got := tr.Stats().Lines; got != len(smallCorpus) {
			t.Errorf("AddFile(%s): %d lines, want %d", path, got, len(smallCorpus))
		}
		tok, err := tr.Train(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, tok.JSON())
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("plain and gzip files gave different tokenizers")
	}

	for _, tt := range []struct{ path, want string }{
		{bad, bad + ":2: invalid UTF-8 at byte 4"},
		{corrupt, "corrupt.gz"},
		{filepath.Join(dir, "missing.txt"), "missing.txt"},
	} {
		tr, _ := NewTrainer(TrainOptions{})
		err := tr.AddFile(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddFile(%s) error = %v, want one containing %q", tt.path, err, tt.want)
		}
	}
}
