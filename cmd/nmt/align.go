package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/image/font/opentype"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// alignerLoader opens the translation models stored at paths (one, or an
// ensemble) as an Aligner.
type alignerLoader func(ctx context.Context, paths []string) (align.Aligner, error)

// alignCommand is "nmt align": export the attention behind translations.
func alignCommand() *cli.Command {
	return newAlignCommand(loadAligner)
}

// loadAligner opens the model files at paths as an Aligner: with several,
// their ensemble, whose attention is the members' mean.
func loadAligner(_ context.Context, paths []string) (align.Aligner, error) {
	m, err := translate.LoadEnsemble(paths, translate.ComputeFloat32)
	if err != nil {
		return nil, err
	}
	return &translate.Aligner{Model: m, Search: search.DefaultOptions()}, nil
}

func newAlignCommand(load alignerLoader) *cli.Command {
	formats := make([]string, 0, len(align.Formats()))
	for _, f := range align.Formats() {
		formats = append(formats, string(f))
	}
	return &cli.Command{
		Name:      "align",
		Usage:     "export which source words each output word attended to",
		UsageText: "nmt align -m MODEL [-i SRC] [--ref REF] [-f FORMAT] [-o OUT] [options]",
		Description: `align translates each line of SRC (or, with --ref, scores the given
translation on the same line of REF instead: forced alignment) and exports
the attention matrix of the translation.

Matrices are mapped from subwords to words, the whitespace-separated tokens
of each line exactly as given (punctuation stays attached): a source word's
weight is the sum over its pieces, an output word's row the mean of its
pieces' rows (--target-pieces), and </s> is dropped with rows renormalised
to sum to 1 unless --keep-special. --subword exports the subword matrix.

Formats: html (one self-contained report with hover highlighting), svg and
png (one heatmap per sentence), json (one array), jsonl (one object a line),
csv (one row per cell: sentence,target_pos,target_word,target,source_pos,
source_word,source,weight) and pharaoh (hard links "0-1 2-3", source-target,
0-based, one line per sentence; argmax per output word, or every link with
weight >= --threshold).

Text formats go to standard output without -o. For svg and png, OUT is a
file when there is one sentence, a pattern with one %d verb for the 1-based
sentence number ("heat-%03d.png"), or otherwise a directory that receives
sentence-0001.svg, sentence-0002.svg, ...

Heatmap labels use Liberation Sans (Latin, Greek, Cyrillic); other scripts
are drawn with installed system fonts (fonts-droid-fallback, fonts-noto-cjk,
fonts-dejavu-core) or the fonts given with --font.

--explain salience|both adds salience, activation x gradient: for each
output word, the gradient of its log-probability (decoder forced on the
reference or the produced translation) times the source embeddings
(--salience-layer states: the encoder states), summed over dimensions;
signed unless --salience-abs; --smoothgrad N averages N noisy copies.
Salience maps to words like attention (pieces summed, output pieces
combined by --target-pieces) but is never renormalised. Every format
carries it: json/jsonl a "salience" field (or "map": "salience" with
--explain salience), csv attention and salience columns, html both maps
side by side, svg/png salience heatmaps (for both: OUT with .salience
before the extension, or DIR/salience), pharaoh the argmax of the chosen
map (attention for both).

--faithfulness runs a deletion test instead of exporting (needs --ref):
for each output word, its top source word by attention, by salience, and
a random one (--seed) are replaced by <unk> and the translation forced
again; it prints the mean log-probability drop of each and how often the
two maps agree on the top word.

--symmetrize HEURISTIC aligns --ref both ways, with -m and with
--reverse-model (which must translate the other way: checked by the
languages the model files name, or their tokenizers), and combines the
two sets of hard links (argmax per word, or --threshold; salience links
with --explain salience) with intersect, union, grow-diag,
grow-diag-final or grow-diag-final-and, as Moses and fast_align's atools
do. An empty line on either side gives an empty line.

Examples:
   nmt align -m de-en -i test.de -f pharaoh > test.align
   nmt align -m de-en -i test.de --ref test.en -f html -o report.html
   nmt align -m de-en -i one.de -f png -o heatmap.png
   nmt align -m de-en -i test.de -f svg -o heatmaps/
   nmt align -m de-en -i test.de --ref test.en -f csv --subword -o att.csv
   nmt align -i test.de --ref test.en --explain both -f html -o report.html
   nmt align -i test.de --ref test.en --faithfulness
   nmt align -m de-en --reverse-model en-de -i test.de --ref test.en --symmetrize grow-diag-final-and -f pharaoh
   nmt align -i big.de --ref big.en -o big.align --shard auto/64   # see docs/scale-out.md`,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "model", Aliases: []string{"m"}, Value: cli.NewStringSlice(pretrained.Default), Usage: "model `FILE`, or the name of a built-in model (" + strings.Join(pretrained.Names(), ", ") + "); repeat it for an ensemble (attention averaged over the members)"},
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Value: "-", Usage: "source sentences, one a line (plain or gzip; - for standard input)"},
			&cli.StringFlag{Name: "ref", Aliases: []string{"r"}, Usage: "given translations of the input, line by line: score and align them instead of decoding"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: string(align.Pharaoh), Usage: "output format: " + strings.Join(formats, ", ")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output file, pattern or directory (default: standard output for text formats)"},
			&cli.Float64Flag{Name: "threshold", Aliases: []string{"t"}, Usage: "hard links: every link with at least this weight (0: argmax per output word)"},
			&cli.BoolFlag{Name: "keep-special", Usage: "keep </s> rows and columns (rows are then not renormalised)"},
			&cli.BoolFlag{Name: "subword", Usage: "export the subword-level matrix instead of words (not for pharaoh)"},
			&cli.StringFlag{Name: "target-pieces", Value: align.TargetMean.String(), Usage: "how an output word's pieces combine: mean, sum or first"},
			&cli.StringSliceFlag{Name: "font", Usage: "extra heatmap font `FILE` (TTF, OTF or TTC) for scripts Liberation lacks; repeatable"},
			&cli.StringFlag{Name: "title", Usage: "HTML report title"},
			shardFlag("align (pharaoh format)"),
		}, append(explainFlags(), symmetrizeFlags()...)...),
		Action: func(c *cli.Context) error { return alignAction(c, load) },
	}
}

// alignRequest is the validated command line of nmt align.
type alignRequest struct {
	format    align.Format
	words     align.WordOptions
	subword   bool
	threshold float32
	output    string
}

func parseAlignFlags(c *cli.Context) (alignRequest, error) {
	var req alignRequest
	if c.NArg() > 0 {
		return req, cli.Exit(fmt.Sprintf("nmt align: unexpected argument %q (the input goes in -i)", c.Args().First()), 2)
	}
	f, err := align.ParseFormat(c.String("format"))
	if err != nil {
		return req, cli.Exit("nmt align: "+err.Error(), 2)
	}
	tp, err := align.ParseTargetPieces(c.String("target-pieces"))
	if err != nil {
		return req, cli.Exit("nmt align: --target-pieces: "+err.Error(), 2)
	}
	t := c.Float64("threshold")
	if t < 0 || t > 1 {
		return req, cli.Exit(fmt.Sprintf("nmt align: --threshold %v: want a weight between 0 and 1", t), 2)
	}
	if c.Bool("subword") && f == align.Pharaoh {
		return req, cli.Exit("nmt align: pharaoh links are between words: drop --subword", 2)
	}
	if f.Image() && c.String("output") == "" {
		return req, cli.Exit(fmt.Sprintf("nmt align: %s heatmaps need -o FILE, PATTERN or DIR", f), 2)
	}
	return alignRequest{
		format:    f,
		words:     align.WordOptions{KeepSpecial: c.Bool("keep-special"), Target: tp},
		subword:   c.Bool("subword"),
		threshold: float32(t),
		output:    c.String("output"),
	}, nil
}

func alignAction(c *cli.Context, load alignerLoader) error {
	req, err := parseAlignFlags(c)
	if err != nil {
		return err
	}
	if c.IsSet("shard") {
		return alignShard(c, req, load)
	}
	srcs, err := readAlignLines(c, c.String("input"))
	if err != nil {
		return err
	}
	var refs []string
	if ref := c.String("ref"); ref != "" {
		if refs, err = readAlignLines(c, ref); err != nil {
			return err
		}
	}
	if err := checkRefs(c, srcs, refs); err != nil {
		return err
	}
	if err := checkAlignOutput(req, len(srcs)); err != nil {
		return err
	}
	if c.Bool("faithfulness") || c.String("symmetrize") != "" {
		aligner, err := load(c.Context, c.StringSlice("model"))
		if err != nil {
			return err
		}
		if _, err := configureExplain(c, aligner); err != nil {
			return err
		}
		if c.Bool("faithfulness") {
			return runFaithfulness(c, aligner, srcs, refs, req)
		}
		return runSymmetrize(c, load, aligner, srcs, refs, req)
	}
	ms, opt, explain, err := alignMatrices(c, req, load, srcs, refs)
	if err != nil {
		return err
	}
	if req.format.Image() {
		err := writeExplainedHeatmaps(req.output, req.format, ms, explain, opt.Heatmap)
		if errors.Is(err, align.ErrPattern) {
			return cli.Exit("nmt align: "+err.Error(), 2)
		}
		return err
	}
	if req.output == "" {
		return align.Write(c.App.Writer, req.format, ms, opt)
	}
	return align.WriteFile(req.output, req.format, ms, opt)
}

// alignMatrices aligns srcs (to refs if given) with the model of the
// command line, and returns the matrices to write, their options and the
// explanation they carry.
func alignMatrices(c *cli.Context, req alignRequest, load alignerLoader, srcs, refs []string) ([]align.Matrix, align.Options, translate.Explain, error) {
	opt := align.Options{Threshold: req.threshold, Title: c.String("title")}
	if err := checkRefs(c, srcs, refs); err != nil {
		return nil, opt, "", err
	}
	var err error
	if req.format.Image() {
		opt.Heatmap.Fonts, err = heatmapFonts(c.StringSlice("font"))
		if err != nil {
			return nil, opt, "", err
		}
	}
	aligner, err := load(c.Context, c.StringSlice("model"))
	if err != nil {
		return nil, opt, "", err
	}
	explain, err := configureExplain(c, aligner)
	if err != nil {
		return nil, opt, "", err
	}
	ms, err := aligner.Align(c.Context, srcs, refs)
	if err != nil {
		return nil, opt, "", fmt.Errorf("align: %w", err)
	}
	if len(ms) != len(srcs) {
		return nil, opt, "", fmt.Errorf("align: model returned %d matrices for %d lines", len(ms), len(srcs))
	}
	if !req.subword {
		for i := range ms {
			if ms[i], err = ms[i].Words(req.words); err != nil {
				return nil, opt, "", fmt.Errorf("line %d: %w", i+1, err)
			}
		}
	}
	return ms, opt, explain, nil
}

// checkRefs reports a --ref file whose line count differs from the input's.
func checkRefs(c *cli.Context, srcs, refs []string) error {
	if refs != nil && len(refs) != len(srcs) {
		return fmt.Errorf("%s has %d lines but %s has %d: --ref needs one translation per input line", c.String("input"), len(srcs), c.String("ref"), len(refs))
	}
	return nil
}

// checkAlignOutput checks, before the model is loaded, that the output
// files of n sentences can be written.
func checkAlignOutput(req alignRequest, n int) error {
	if req.output == "" {
		return nil
	}
	paths := []string{req.output}
	if req.format.Image() {
		var err error
		if paths, err = align.HeatmapPaths(req.output, n, req.format); err != nil {
			if errors.Is(err, align.ErrPattern) {
				return cli.Exit("nmt align: "+err.Error(), 2)
			}
			return err
		}
	}
	for _, p := range paths {
		if err := atomicfile.Check(p); err != nil {
			return err
		}
	}
	return nil
}

// readAlignLines reads all lines of path, or of the app's standard input
// for "-".
func readAlignLines(c *cli.Context, path string) ([]string, error) {
	var r *corpus.LineReader
	if path == "-" {
		r = corpus.NewLineReader(c.App.Reader, "standard input")
	} else {
		var err error
		if r, err = corpus.OpenLines(path); err != nil {
			return nil, err
		}
		defer r.Close()
	}
	return readLines(r)
}

// readLines reads all lines of r.
func readLines(r *corpus.LineReader) ([]string, error) {
	var lines []string
	for r.Next() {
		lines = append(lines, r.Text())
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return lines, nil
}

// heatmapFonts loads the --font files, then the installed system fonts
// that cover other scripts (skipping those that fail to load).
func heatmapFonts(paths []string) ([]*opentype.Font, error) {
	var fonts []*opentype.Font
	for _, p := range paths {
		f, err := align.LoadFont(p)
		if err != nil {
			return nil, fmt.Errorf("--font: %w", err)
		}
		fonts = append(fonts, f)
	}
	for _, p := range align.SystemFonts() {
		f, err := align.LoadFont(p)
		if err != nil {
			slog.Debug("skipping system font", "path", p, "err", err)
			continue
		}
		fonts = append(fonts, f)
	}
	return fonts, nil
}
