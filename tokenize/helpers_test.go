package tokenize

import (
	"bufio"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attnmt/nmt/corpus/corpustest"
)

// multi30kDir returns ../shared/data/multi30k relative to the repository
// root, or skips the test if it is absent.
func multi30kDir(tb testing.TB) string {
	tb.Helper()
	return corpustest.SharedDir(tb, "data", "multi30k")
}

// readGzipLines returns the lines of a gzip file.
func readGzipLines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

// trainLines trains a tokenizer on lines.
func trainLines(tb testing.TB, opts TrainOptions, lines ...string) *Tokenizer {
	tb.Helper()
	tok, err := Train(context.Background(), opts, strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// smallCorpus is a few sentences written for these tests.
var smallCorpus = []string{
	"A man rides a bicycle down the street.",
	"Ein Mann fährt mit dem Fahrrad die Straße hinunter.",
	"Two dogs are playing in the snow.",
	"Zwei Hunde spielen im Schnee.",
	"A woman in a red dress is dancing.",
	"Eine Frau in einem roten Kleid tanzt.",
	"The children's playground is full of children.",
	"Die Kinder spielen auf dem Spielplatz, 3 Kinder lachen!",
	"日本語のテキストと絵文字 😀👍 also work.",
}

var (
	multi30kOnce sync.Once
	multi30kTok  *Tokenizer
	multi30kErr  error
)

// multi30kTokenizer trains, once per test binary, an 8000-token joint
// tokenizer on Multi30k's train.de and train.en.
func multi30kTokenizer(tb testing.TB) *Tokenizer {
	tb.Helper()
	dir := multi30kDir(tb)
	multi30kOnce.Do(func() {
		var tr *Trainer
		tr, multi30kErr = NewTrainer(TrainOptions{VocabSize: 8000})
		if multi30kErr != nil {
			return
		}
		for _, name := range []string{"train.de.gz", "train.en.gz"} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				multi30kErr = err
				return
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				multi30kErr = err
				return
			}
			if multi30kErr = tr.AddText(name, zr); multi30kErr != nil {
				return
			}
		}
		multi30kTok, multi30kErr = tr.Train(context.Background())
	})
	if multi30kErr != nil {
		tb.Fatal(multi30kErr)
	}
	return multi30kTok
}
