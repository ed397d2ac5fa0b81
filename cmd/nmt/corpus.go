package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/multi30k"
)

// corpusCommand groups the parallel-corpus tools: fetching known data
// sets, describing a corpus and filtering it.
func corpusCommand() *cli.Command {
	return &cli.Command{
		Name:  "corpus",
		Usage: "fetch, describe and filter parallel corpora; merge shard outputs",
		Description: `A parallel corpus is two aligned files, one sentence per line, or one
TSV file of source<TAB>target lines; plain text or gzip (detected by
content). Errors name the file and line, and files of different lengths
are an error naming both files and the first unmatched line.

Examples:
   nmt corpus fetch multi30k --dir data/multi30k
   nmt corpus fetch multi30k --dir data/multi30k --from ../shared/data/multi30k
   nmt corpus stats --src data/multi30k/train.de.gz --tgt data/multi30k/train.en.gz --max-len 50
   nmt corpus filter --tsv all.tsv --max-len 50 --max-ratio 3 --shuffle-seed 1 --out-tsv clean.tsv
   nmt corpus merge -o big.en big.en.shard-*`,
		Subcommands: []*cli.Command{
			corpusFetchCommand(),
			corpusStatsCommand(),
			corpusFilterCommand(),
			corpusMergeCommand(),
		},
	}
}

func corpusFetchCommand() *cli.Command {
	return &cli.Command{
		Name:  "fetch",
		Usage: "download a known data set, checking every file's SHA-256",
		Description: `Files are written to NAME.part, verified, then renamed; an interrupted
download resumes from NAME.part. Files already present and verified are
not fetched again.

Examples:
   nmt corpus fetch multi30k --dir data/multi30k
   nmt corpus fetch multi30k --dir data/multi30k --lang de --lang en
   nmt corpus fetch multi30k --dir data/multi30k --from ../shared/data/multi30k`,
		Subcommands: []*cli.Command{{
			Name:  "multi30k",
			Usage: "Multi30k task 1: train, val and test_2016_flickr in de, en, fr, cs",
			Description: `Downloads the raw gzip files of the public multi30k/dataset repository
(data/task1/raw), or copies them with --from from a local directory, in
which case the lowercased tokenized copies of val and test are copied too
when present.

Examples:
   nmt corpus fetch multi30k --dir data/multi30k
   nmt corpus fetch multi30k --dir data/multi30k --from ../shared/data/multi30k`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "dir", Usage: "data directory to fill (created if needed)", Required: true},
				&cli.StringFlag{Name: "from", Usage: "copy from this local directory instead of downloading"},
				&cli.StringSliceFlag{Name: "lang", Usage: "language to fetch (repeatable; default de, en, fr, cs)"},
				&cli.StringFlag{Name: "base-url", Usage: "download from this mirror", Value: multi30k.DefaultBaseURL},
				&cli.IntFlag{Name: "retries", Usage: "times an interrupted download is resumed", Value: 3},
			},
			Action: fetchMulti30k,
		}},
	}
}

// fetchMulti30k is the action of "nmt corpus fetch multi30k".
func fetchMulti30k(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("unexpected argument %q", c.Args().First()), 2)
	}
	log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	rep, err := multi30k.Fetch(c.Context, multi30k.FetchOptions{
		Dir:     c.String("dir"),
		From:    c.String("from"),
		BaseURL: c.String("base-url"),
		Langs:   c.StringSlice("lang"),
		Client:  &http.Client{Timeout: 10 * time.Minute},
		Logger:  log,
		Retries: c.Int("retries"),
	})
	if err != nil {
		return fmt.Errorf("fetch multi30k: %w", err)
	}
	fmt.Fprintf(c.App.Writer, "multi30k in %s: %v\n", c.String("dir"), rep)
	return nil
}

// corpusInputFlags select a corpus and how to read and filter it.
func corpusInputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "src", Usage: "source file, one sentence per line (with --tgt)"},
		&cli.StringFlag{Name: "tgt", Usage: "target file aligned with --src"},
		&cli.StringFlag{Name: "tsv", Usage: "source<TAB>target file (instead of --src/--tgt)"},
		&cli.StringFlag{Name: "invalid-utf8", Usage: "on invalid UTF-8: error, skip or replace", Value: "error"},
		&cli.IntFlag{Name: "min-len", Usage: "drop pairs with a side shorter than this, in words", Value: 1},
		&cli.IntFlag{Name: "max-len", Usage: "drop pairs with a side longer than this, in words (0: no limit)"},
		&cli.Float64Flag{Name: "max-ratio", Usage: "drop pairs whose longer side has more than this many times the words of the shorter (0: no limit)"},
	}
}

// openCorpus opens the corpus named by the input flags and reads the filter.
func openCorpus(c *cli.Context) (*corpus.PairReader, corpus.Filter, error) {
	f := corpus.Filter{MinLen: c.Int("min-len"), MaxLen: c.Int("max-len"), MaxRatio: c.Float64("max-ratio")}
	if err := f.Validate(); err != nil {
		return nil, f, cli.Exit(err.Error(), 2)
	}
	policy, err := corpus.ParseUTF8Policy(c.String("invalid-utf8"))
	if err != nil {
		return nil, f, cli.Exit(err.Error(), 2)
	}
	var r *corpus.PairReader
	switch src, tgt, tsv := c.String("src"), c.String("tgt"), c.String("tsv"); {
	case tsv != "" && src == "" && tgt == "":
		r, err = corpus.OpenTSV(tsv)
	case tsv == "" && src != "" && tgt != "":
		r, err = corpus.OpenParallel(src, tgt)
	default:
		return nil, f, cli.Exit("give either --src and --tgt, or --tsv", 2)
	}
	if err != nil {
		return nil, f, err
	}
	r.InvalidUTF8 = policy
	return r, f, nil
}

func corpusStatsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "count pairs and words, and what a length filter would drop",
		Description: `Reads the whole corpus, checking that both files have the same number of
lines and that every line is valid UTF-8, and reports sizes, lengths in
whitespace-separated words and the pairs the filter options would drop.

Examples:
   nmt corpus stats --src train.de.gz --tgt train.en.gz
   nmt corpus stats --tsv pairs.tsv --max-len 50 --max-ratio 3`,
		Flags:  corpusInputFlags(),
		Action: corpusStats,
	}
}

// corpusStats is the action of "nmt corpus stats".
func corpusStats(c *cli.Context) error {
	r, f, err := openCorpus(c)
	if err != nil {
		return err
	}
	defer r.Close()
	s, err := corpus.Summarize(r, f)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(c.App.Writer, s)
	return err
}

func corpusFilterCommand() *cli.Command {
	return &cli.Command{
		Name:  "filter",
		Usage: "write the pairs that pass length filters, optionally shuffled",
		Description: `Streams the corpus through the length filters and writes the pairs kept,
to two aligned files or one TSV file (gzip when the name ends in .gz),
atomically. With --shuffle-seed the kept pairs are held in memory and
shuffled deterministically. The counts per reason go to standard output.

Examples:
   nmt corpus filter --src train.de.gz --tgt train.en.gz --max-len 50 --max-ratio 3 \
       --out-src clean.de --out-tgt clean.en
   nmt corpus filter --tsv pairs.tsv --shuffle-seed 7 --out-tsv shuffled.tsv.gz`,
		Flags: append(corpusInputFlags(),
			&cli.StringFlag{Name: "out-src", Usage: "output source file (with --out-tgt)"},
			&cli.StringFlag{Name: "out-tgt", Usage: "output target file"},
			&cli.StringFlag{Name: "out-tsv", Usage: "output TSV file (instead of --out-src/--out-tgt)"},
			&cli.Uint64Flag{Name: "shuffle-seed", Usage: "shuffle the kept pairs with this seed"},
		),
		Action: corpusFilter,
	}
}

// corpusFilter is the action of "nmt corpus filter".
func corpusFilter(c *cli.Context) error {
	var w *corpus.PairWriter
	var err error
	switch src, tgt, tsv := c.String("out-src"), c.String("out-tgt"), c.String("out-tsv"); {
	case tsv != "" && src == "" && tgt == "":
		w, err = corpus.CreateTSV(tsv)
	case tsv == "" && src != "" && tgt != "":
		w, err = corpus.CreateParallel(src, tgt)
	default:
		return cli.Exit("give either --out-src and --out-tgt, or --out-tsv", 2)
	}
	if err != nil {
		return err
	}
	defer w.Abort()
	r, f, err := openCorpus(c)
	if err != nil {
		return err
	}
	defer r.Close()
	var st corpus.Stats
	if c.IsSet("shuffle-seed") {
		st, err = f.CopyShuffled(w, r, c.Uint64("shuffle-seed"))
	} else {
		st, err = f.Copy(w, r)
	}
	if err != nil {
		return err
	}
	if n := r.Skipped() + r.Replaced(); n > 0 {
		fmt.Fprintf(c.App.Writer, "invalid UTF-8: %d pairs skipped, %d repaired\n", r.Skipped(), r.Replaced())
	}
	if n := w.TabsReplaced(); n > 0 {
		fmt.Fprintf(c.App.Writer, "%d pairs had tabs inside a side, written as spaces in the TSV file\n", n)
	}
	fmt.Fprintln(c.App.Writer, st)
	return w.Commit()
}
