package corpus

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/attnmt/nmt/corpus/corpustest"
)

// TestMulti30kFiles reads the real training files from ../shared.
func TestMulti30kFiles(t *testing.T) {
	dir := corpustest.SharedDir(t, "data", "multi30k")
	r, err := OpenParallel(filepath.Join(dir, "train.de.gz"), filepath.Join(dir, "train.en.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
		if p := r.Pair(); p.Line != n || p.Src == "" || p.Tgt == "" {
			t.Fatalf("pair %d: %+v", n, p)
		}
	}
	if err := r.Err(); err != nil || n != 29000 {
		t.Errorf("read %d pairs, %v; want 29000", n, err)
	}
}

// TestMulti30kMismatch pairs files of different splits: the error must name
// both and the first unmatched line.
func TestMulti30kMismatch(t *testing.T) {
	dir := corpustest.SharedDir(t, "data", "multi30k")
	train, val := filepath.Join(dir, "train.de.gz"), filepath.Join(dir, "val.en.gz")
	_, err := ReadParallel(train, val)
	var me *MismatchError
	if !errors.As(err, &me) || me.Longer != train || me.Line != 1015 || me.Src != train || me.Tgt != val {
		t.Errorf("error %v, want a mismatch at %s:1015", err, train)
	}
}
