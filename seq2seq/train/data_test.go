package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLines writes lines to dir/name and returns the path.
func writeLines(t *testing.T, dir, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func tinyCorpus(t *testing.T) Config {
	dir := t.TempDir()
	src := []string{"ein hund läuft", "eine katze schläft", "ein mann fährt rad", "zwei hunde laufen", "ein kind spielt"}
	tgt := []string{"a dog runs", "a cat sleeps", "a man rides a bike", "two dogs run", "a child plays"}
	c := DefaultConfig()
	c.Data = DataConfig{
		TrainSrc: writeLines(t, dir, "train.de", src), TrainTgt: writeLines(t, dir, "train.en", tgt),
		ValidSrc: writeLines(t, dir, "valid.de", src[:2]), ValidTgt: writeLines(t, dir, "valid.en", tgt[:2]),
		MaxLen: 8,
	}
	c.Tokenizer = TokenizerConfig{VocabSize: 300, MinFrequency: 2}
	return c
}

func TestPrepare(t *testing.T) {
	for _, joint := range []bool{false, true} {
		c := tinyCorpus(t)
		c.Tokenizer.Joint = joint
		d, err := Prepare(context.Background(), c, nil, nil, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		if (d.SrcTokenizer == d.TgtTokenizer) != joint {
			t.Errorf("joint=%v: shared tokenizer %v", joint, d.SrcTokenizer == d.TgtTokenizer)
		}
		// Lengths are counted in subword tokens after the filter.
		for _, e := range d.Train {
			if len(e.Src) > 8 || len(e.Tgt) > 8 || len(e.Src) == 0 {
				t.Errorf("example %d passes the filter with lengths %d, %d", e.Index, len(e.Src), len(e.Tgt))
			}
		}
		if len(d.Valid) != 2 || d.ValidRefs[1] != "a cat sleeps" {
			t.Fatalf("valid %d, refs %q", len(d.Valid), d.ValidRefs)
		}
		if got := d.TgtTokenizer.Decode(d.Valid[0].Tgt); got != "a dog runs" {
			t.Errorf("round trip of the first reference: %q", got)
		}
		// Given tokenizers are used as they are.
		again, err := Prepare(context.Background(), c, d.SrcTokenizer, d.TgtTokenizer, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		if again.SrcTokenizer != d.SrcTokenizer {
			t.Error("Prepare replaced given tokenizers")
		}
	}
}

func TestPrepareErrors(t *testing.T) {
	c := tinyCorpus(t)
	c.Data.TrainTgt = writeLines(t, t.TempDir(), "short.en", []string{"only one line"})
	_, err := Prepare(context.Background(), c, nil, nil, quietLog())
	if err == nil || !strings.Contains(err.Error(), "line count mismatch") {
		t.Errorf("mismatched files: %v", err)
	}
	c = tinyCorpus(t)
	c.Data.MaxLen = 1
	c.Data.MinLen = 1
	if _, err := Prepare(context.Background(), c, nil, nil, quietLog()); err == nil || !strings.Contains(err.Error(), "length filter") {
		t.Errorf("everything filtered: %v", err)
	}
	c = tinyCorpus(t)
	c.Data.ValidSrc = filepath.Join(t.TempDir(), "missing")
	if _, err := Prepare(context.Background(), c, nil, nil, quietLog()); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}

func TestMulti30kFiles(t *testing.T) {
	c := DefaultConfig().Data
	c.Multi30k = "/data"
	train, valid, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	if train != [2]string{"/data/train.de.gz", "/data/train.en.gz"} || valid != [2]string{"/data/val.de.gz", "/data/val.en.gz"} {
		t.Errorf("files %v %v", train, valid)
	}
}

func TestPrepareCorpora(t *testing.T) {
	c := tinyCorpus(t)
	dir := t.TempDir()
	news := []string{"der zug hat verspätung", "die regierung tritt zurück"}
	newsEn := []string{"the train is late", "the government resigns"}
	c.Data.Corpora = []CorpusConfig{
		{Name: "captions", TrainSrc: c.Data.TrainSrc, TrainTgt: c.Data.TrainTgt, ValidSrc: c.Data.ValidSrc, ValidTgt: c.Data.ValidTgt, Weight: 1, ValidWeight: 1},
		{Name: "news", TrainSrc: writeLines(t, dir, "n.de", news), TrainTgt: writeLines(t, dir, "n.en", newsEn),
			ValidSrc: writeLines(t, dir, "nv.de", news[1:]), ValidTgt: writeLines(t, dir, "nv.en", newsEn[1:]), Weight: 2, ValidWeight: 1},
	}
	c.Data.TrainSrc, c.Data.TrainTgt, c.Data.ValidSrc, c.Data.ValidTgt = "", "", "", ""
	c.Tokenizer.Joint, c.Data.MaxLen = true, 0
	d, err := Prepare(context.Background(), c, nil, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sets) != 2 {
		t.Fatalf("%d sets, want 2", len(d.Sets))
	}
	cap, nw := d.Sets[0], d.Sets[1]
	if cap.Name != "captions" || nw.Name != "news" || cap.TrainHi != nw.TrainLo || nw.TrainHi != len(d.Train) ||
		cap.ValidHi != 2 || nw.ValidLo != 2 || nw.ValidHi != 3 || nw.Weight != 2 {
		t.Errorf("sets %+v", d.Sets)
	}
	if got := d.TgtTokenizer.Decode(d.Train[nw.TrainLo].Tgt); got != "the train is late" {
		t.Errorf("first news pair decodes to %q", got)
	}
	if d.ValidRefs[2] != "the government resigns" {
		t.Errorf("validation references %q", d.ValidRefs)
	}
	// The tokenizer was trained on both corpora, not on the first alone.
	only := tinyCorpus(t)
	only.Tokenizer.Joint, only.Data.MaxLen = true, 0
	d1, err := Prepare(context.Background(), only, nil, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if string(d1.SrcTokenizer.JSON()) == string(d.SrcTokenizer.JSON()) {
		t.Error("the tokenizer of both corpora equals that of the first: it did not see the second")
	}
}
