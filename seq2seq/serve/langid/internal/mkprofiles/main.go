// Command mkprofiles writes the n-gram profiles of package langid from
// Multi30k's training sentences:
//
//	go run ./seq2seq/serve/langid/internal/mkprofiles -data ../shared/data/multi30k -o seq2seq/serve/langid/profiles
//
// Each profile keeps the Top most frequent n-grams of train.LANG.gz with
// their counts, one "ngram<TAB>count" line each, most frequent first.
package main

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq/serve/langid"
)

func main() {
	data := flag.String("data", "../shared/data/multi30k", "Multi30k directory")
	out := flag.String("o", "seq2seq/serve/langid/profiles", "output directory")
	top := flag.Int("top", 3000, "n-grams kept per language")
	langs := flag.String("langs", "cs,de,en,fr", "languages, comma-separated")
	flag.Parse()
	for _, lang := range strings.Split(*langs, ",") {
		if err := write(*data, *out, lang, *top); err != nil {
			fmt.Fprintln(os.Stderr, "mkprofiles:", err)
			os.Exit(1)
		}
	}
}

func write(data, out, lang string, top int) error {
	path := filepath.Join(data, "train."+lang+".gz")
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	counts := map[string]int{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		for _, g := range langid.NGrams(sc.Text()) {
			counts[g]++
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	grams := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	grams = grams[:min(top, len(grams))]
	var sb strings.Builder
	for _, g := range grams {
		fmt.Fprintf(&sb, "%s\t%d\n", g, counts[g])
	}
	dst := filepath.Join(out, lang+".tsv")
	if err := atomicfile.WriteFile(dst, func(w io.Writer) error {
		_, err := io.WriteString(w, sb.String())
		return err
	}); err != nil {
		return err
	}
	slog.Info("profile written", "lang", lang, "ngrams", len(grams), "file", dst)
	return nil
}
