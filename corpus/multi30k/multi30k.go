// Package multi30k knows the files of the Multi30k task 1 data set (Elliott
// et al., 2016): English image captions from Flickr30k with German, French
// and Czech translations, the standard small benchmark for attentional RNN
// translation models.
//
// A data directory holds the upstream gzip files under their upstream names:
//
//	train.{de,en,fr,cs}.gz             29,000 lines
//	val.{de,en,fr,cs}.gz                1,014 lines
//	test_2016_flickr.{de,en,fr,cs}.gz   1,000 lines
//
// and optionally the lowercased, punctuation-normalized, Moses-tokenized
// copies of the evaluation splits under which published results are scored,
// val.lc.norm.tok.L.gz and test_2016_flickr.lc.norm.tok.L.gz.
//
// Files gives the paths of a language pair, Open reads a split, and Fetch
// fills a directory from the public multi30k/dataset repository or from a
// local copy, checking every file against the SHA-256 digests in Manifest.
// test_2016_flickr is for the final evaluation only: never train or tune on it.
package multi30k

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/attnmt/nmt/corpus"
)

// The splits of task 1.
const (
	Train    = "train"
	Val      = "val"
	Test2016 = "test_2016_flickr"
)

// Splits returns the split names in the order train, val, test.
func Splits() []string { return []string{Train, Val, Test2016} }

// Languages returns the languages of task 1: de, en, fr, cs.
func Languages() []string { return []string{"de", "en", "fr", "cs"} }

// Name returns the file name of a split in a language, e.g. "train.de.gz".
func Name(split, lang string) string { return split + "." + lang + ".gz" }

// TokName returns the file name of the lowercased tokenized copy of an
// evaluation split, e.g. "val.lc.norm.tok.de.gz".
func TokName(split, lang string) string { return split + ".lc.norm.tok." + lang + ".gz" }

// Paths are the source and target files of one split.
type Paths struct {
	Src, Tgt string
}

// Set holds the paths of every split of a language pair in a directory.
type Set struct {
	Train, Val, Test Paths
	// ValTok and TestTok are the lowercased tokenized copies, the scoring
	// convention of published results.
	ValTok, TestTok Paths
}

// Files returns the paths of the files of the pair src-tgt in dir. It does
// not check that they exist.
func Files(dir, src, tgt string) (Set, error) {
	if err := checkPair(src, tgt); err != nil {
		return Set{}, err
	}
	p := func(name func(string, string) string, split string) Paths {
		return Paths{Src: filepath.Join(dir, name(split, src)), Tgt: filepath.Join(dir, name(split, tgt))}
	}
	return Set{
		Train:   p(Name, Train),
		Val:     p(Name, Val),
		Test:    p(Name, Test2016),
		ValTok:  p(TokName, Val),
		TestTok: p(TokName, Test2016),
	}, nil
}

// Open opens a split of the pair src-tgt in dir for reading.
func Open(dir, split, src, tgt string) (*corpus.PairReader, error) {
	if err := checkPair(src, tgt); err != nil {
		return nil, err
	}
	if !slices.Contains(Splits(), split) {
		return nil, fmt.Errorf("multi30k: unknown split %q (want train, val or %s)", split, Test2016)
	}
	return corpus.OpenParallel(filepath.Join(dir, Name(split, src)), filepath.Join(dir, Name(split, tgt)))
}

func checkPair(src, tgt string) error {
	for _, l := range []string{src, tgt} {
		if !slices.Contains(Languages(), l) {
			return fmt.Errorf("multi30k: unknown language %q (want de, en, fr or cs)", l)
		}
	}
	if src == tgt {
		return fmt.Errorf("multi30k: source and target are both %q", src)
	}
	return nil
}
