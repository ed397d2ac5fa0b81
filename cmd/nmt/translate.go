package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// translateModel is a loaded model: its decoder and its tokenizers.
type translateModel struct {
	dec      search.Decoder
	src, tgt translate.Tokenizer
	compute  translate.Compute // what the decoder computes in, for the log
}

// modelLoader loads the model files at paths (one model, or the members
// of an ensemble), to decode with compute c.
type modelLoader func(paths []string, c translate.Compute) (translateModel, error)

// translateCommand translates sentences, standard input or files.
func translateCommand() *cli.Command { return newTranslateCommand(loadTranslateModel) }

// loadTranslateModel loads model files written by "nmt train" or built-in
// models: one, or several as an ensemble.
func loadTranslateModel(paths []string, c translate.Compute) (translateModel, error) {
	m, err := translate.LoadEnsemble(paths, c)
	if err != nil {
		return translateModel{}, err
	}
	return translateModel{dec: m.Decoder, src: m.Src, tgt: m.Tgt, compute: m.Compute}, nil
}

// newTranslateCommand returns the translate command, loading models with load.
func newTranslateCommand(load modelLoader) *cli.Command {
	def := translate.DefaultOptions()
	return &cli.Command{
		Name:      "translate",
		Usage:     "translate sentences, standard input or a file",
		ArgsUsage: "[SENTENCE...]",
		Description: `Translates each SENTENCE argument, or else each line of --input (plain or
gzip), or else each line of standard input, and writes one line per input
line, in order. An empty line gives an empty line. A line that is not valid
UTF-8 or is too long is reported on standard error as "FILE:N: ..."
("stdin:N: ..." for standard input, "line N: ..." for the Nth argument) and
gives an empty line (a record with an "error" field in jsonl); the
command then exits with status 1 after writing every line. Input is
streamed: files of any size are translated in bounded memory. --output is
written atomically, and left as it was if the translation fails or is
interrupted; a progress bar shows on a terminal.

--format jsonl writes one JSON object per line with the fields source,
translation, tokens, score (log-probability normalised for length),
logprob, nbest (a list of {translation, score, logprob}), with --attention
source_tokens and attention (one row per output token and </s>, one weight
per source token and </s>), and error.

An <unk> in a translation is replaced by the source word it attended to
most, unless --no-unk-replace is given.

Several --model flags translate with their ensemble: at every step the
members' log-probabilities are averaged (greedy and beam search, float32 and
int8). The members must share their tokenizers (models trained with the same
tokenizer files, or checkpoints of one run).

` + builtinModelsHelp() + `

Examples:
   nmt translate --model de-en "Ein Mann fährt Fahrrad."
   nmt translate --model de-en < in.de > out.en
   nmt translate --model de-en -i test.de.gz -o test.en --beam 10
   nmt translate -i big.de -o big.en --shard auto/64   # one shard of 64, see docs/scale-out.md
   nmt translate --model de-en --format jsonl --n-best 3 --attention "Zwei Hunde spielen."
   nmt translate -m run/ckpt-9000.safetensors -m run/best.safetensors -i test.de -o test.en`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "model", Aliases: []string{"m"}, Value: cli.NewStringSlice(pretrained.Default), Usage: "model file, or the name of a built-in model (" + strings.Join(pretrained.Names(), ", ") + "); repeat it to translate with an ensemble"},
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "file to translate, one sentence a line (default: arguments, or standard input)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "file to write, atomically (default: standard output)"},
			&cli.IntFlag{Name: "beam", Usage: fmt.Sprintf("beam size, 1 to %d; 1 is greedy search", search.MaxBeam), Value: def.Search.Beam},
			&cli.IntFlag{Name: "n-best", Usage: "translations per sentence, at most --beam (more than 1 needs --format jsonl)", Value: 1},
			&cli.StringFlag{Name: "format", Usage: "output format: text or jsonl", Value: "text"},
			&cli.StringFlag{Name: "length-norm", Usage: "score normalisation: gnmt, average or none", Value: def.Search.Norm.String()},
			&cli.Float64Flag{Name: "alpha", Usage: "exponent of the gnmt length penalty", Value: def.Search.Alpha},
			&cli.Float64Flag{Name: "max-len-ratio", Usage: "at most ratio x source tokens + 10 output tokens", Value: def.Search.MaxLenRatio},
			&cli.IntFlag{Name: "max-tokens", Usage: "longest source sentence translated, in tokens", Value: def.MaxTokens},
			&cli.IntFlag{Name: "batch-size", Usage: "sentences decoded together", Value: def.Search.BatchSize},
			&cli.IntFlag{Name: "batch-tokens", Usage: "padded source tokens decoded together (sentences x longest length): fewer long sentences per batch, so memory does not depend on the input; 0 for no bound", Value: def.Search.BatchTokens},
			&cli.IntFlag{Name: "workers", Usage: "batches decoded in parallel", Value: runtime.GOMAXPROCS(0)},
			&cli.BoolFlag{Name: "no-unk-replace", Usage: "keep <unk> instead of the source word it attended to"},
			&cli.BoolFlag{Name: "attention", Usage: "add the attention matrix to jsonl records"},
			shardFlag("translate"),
			&cli.StringFlag{Name: "compute", Usage: "arithmetic of the decoder's weight products: auto (int8 on CPUs with AVX-512 VNNI or AVX2, else float32), int8 or float32", Value: string(translate.ComputeAuto)},
		},
		Action: func(c *cli.Context) error { return runTranslate(c, load) },
	}
}

// runTranslate is the action of "nmt translate".
func runTranslate(c *cli.Context, load modelLoader) error {
	opt, err := translateOptions(c)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	if c.NArg() > 0 && c.IsSet("input") {
		return cli.Exit("give sentences as arguments or --input, not both", 2)
	}
	compute, err := translate.ParseCompute(c.String("compute"))
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	loaded := tuneGCForLoading()
	m, err := load(c.StringSlice("model"), compute)
	loaded()
	if err != nil {
		return err
	}
	if compute == translate.ComputeAuto && m.compute == translate.ComputeFloat32 && translate.NoAsmChangesAuto() {
		slog.New(slog.NewTextHandler(c.App.ErrWriter, nil)).Warn("NMT_NOASM is set: --compute auto uses float32, not int8 (give --compute int8 to keep int8 arithmetic, in slow pure Go)")
	}
	if c.IsSet("shard") {
		return translateShard(c, m, opt)
	}
	path := c.String("output")
	var done func()
	if path != "" {
		opt.Progress, done = progress(c.App.ErrWriter, "compute", string(m.compute))
	}
	opt.Progress = boundMemoryAfterFirstChunk(opt.Progress, opt.ChunkSize)
	tr, err := translate.New(m.dec, m.src, m.tgt, opt)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	if path == "" {
		st, err := translateInput(c, tr, c.App.Writer)
		if err != nil {
			return err
		}
		return exitLinesFailed(st.Failed, st.Lines)
	}
	out, err := translate.CreateOutput(path)
	if err != nil {
		return err
	}
	defer out.Abort() // does nothing after Commit
	st, err := translateInput(c, tr, out)
	done()
	if err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	return exitLinesFailed(st.Failed, st.Lines)
}

// translateOptions turns the flags into translator options.
func translateOptions(c *cli.Context) (translate.Options, error) {
	opt := translate.DefaultOptions()
	var err error
	if opt.Format, err = translate.ParseFormat(c.String("format")); err != nil {
		return opt, err
	}
	if opt.Search.Norm, err = search.ParseNormalization(c.String("length-norm")); err != nil {
		return opt, err
	}
	opt.Search.Beam, opt.Search.NBest = c.Int("beam"), c.Int("n-best")
	opt.Search.Alpha, opt.Search.MaxLenRatio = c.Float64("alpha"), c.Float64("max-len-ratio")
	opt.Search.BatchSize, opt.Workers, opt.MaxTokens = c.Int("batch-size"), c.Int("workers"), c.Int("max-tokens")
	opt.Search.BatchTokens = c.Int("batch-tokens")
	opt.NoUnkReplace, opt.Attention = c.Bool("no-unk-replace"), c.Bool("attention")
	opt.Errors, opt.Name = c.App.ErrWriter, inputName(c)
	return opt, opt.Validate()
}

// translateInput translates the arguments, the --input file or standard
// input to w.
func translateInput(c *cli.Context, tr *translate.Translator, w io.Writer) (translate.Stats, error) {
	switch {
	case c.NArg() > 0:
		return tr.WriteLines(c.Context, c.Args().Slice(), w)
	case c.IsSet("input"):
		f, err := corpus.Open(c.String("input"))
		if err != nil {
			return translate.Stats{}, err
		}
		defer f.Close()
		return tr.Stream(c.Context, f, w)
	}
	return tr.Stream(c.Context, corpus.NewContextReader(c.Context, c.App.Reader), w)
}

// inputName names the input in messages about its lines: the --input
// file, "stdin", or "" (line N) for arguments.
func inputName(c *cli.Context) string {
	switch {
	case c.NArg() > 0:
		return ""
	case c.IsSet("input"):
		return c.String("input")
	}
	return "stdin"
}

// progress returns the progress report of a translation to a file and
// the function that ends it: a bar with sentences/s when errw is a
// terminal, a log line every 10 s and a summary otherwise; attrs are added
// to the log lines.
func progress(errw io.Writer, attrs ...any) (report func(translate.Stats), done func()) {
	if f, ok := errw.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(errw), progressbar.OptionSetDescription("translating"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("sent"),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		return func(st translate.Stats) { bar.Set(st.Lines) }, func() { bar.Finish() }
	}
	log := slog.New(slog.NewTextHandler(errw, nil)).With(attrs...)
	var last translate.Stats
	var logged time.Duration
	report = func(st translate.Stats) {
		if st.Elapsed-logged >= 10*time.Second {
			logged = st.Elapsed
			log.Info("translating", "lines", st.Lines, "failed", st.Failed, "sentences_per_s", fmt.Sprintf("%.1f", st.PerSecond()))
		}
		last = st
	}
	done = func() {
		log.Info("translated", "lines", last.Lines, "failed", last.Failed, "seconds", fmt.Sprintf("%.1f", last.Elapsed.Seconds()),
			"sentences_per_s", fmt.Sprintf("%.1f", last.PerSecond()))
	}
	return report, done
}
