package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/attnmt/nmt/attention/linalg"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/attnmt/nmt/seq2seq/train"
)

// trainCommand returns the "nmt train" command.
func trainCommand() *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "train a translation model",
		ArgsUsage: " ",
		Description: `train trains an attentional LSTM encoder-decoder on parallel text.
The configuration (data, tokenizer, model sizes, optimizer, schedule,
checkpoints) comes from the defaults, then the --config YAML file, then the
flags. --print-config prints the result without training.

Checkpoints go to --out: ckpt-STEP.safetensors (the newest few) and
best.safetensors, the model with the best validation score. Each is a model
file for "nmt translate" that also holds the optimizer and trainer state.
Ctrl-C saves a checkpoint and stops; --resume continues the newest valid
checkpoint in --out exactly where it stopped, with its stored configuration
(schedule flags given with --resume still override it; data and tokenizer
flags, --seed and --batch-tokens are refused, as they would change the
data order the checkpoint stores its place in). --max-time counts the
time of one run: a resumed run gets it anew.

Examples:
   nmt train --print-config > train.yaml
   nmt train --config train.yaml --out run
   nmt train --multi30k ../shared/data/multi30k --src de --tgt en --max-time 60m --out run
   nmt train --train-src train.de --train-tgt train.en --valid-src val.de --valid-tgt val.en --out run
   nmt train --resume --out run --max-time 30m`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "YAML configuration `FILE`"},
			&cli.BoolFlag{Name: "print-config", Usage: "print the configuration as YAML and exit"},
			&cli.BoolFlag{Name: "resume", Usage: "continue from the newest valid checkpoint in --out"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "checkpoint `DIR` (checkpoint.dir)"},
			&cli.StringFlag{Name: "multi30k", Usage: "Multi30k data `DIR` (data.multi30k)"},
			&cli.StringFlag{Name: "src", Usage: "source `LANG` for --multi30k (data.src_lang)"},
			&cli.StringFlag{Name: "tgt", Usage: "target `LANG` for --multi30k (data.tgt_lang)"},
			&cli.StringFlag{Name: "train-src", Usage: "training source `FILE`, plain or gzip"},
			&cli.StringFlag{Name: "train-tgt", Usage: "training target `FILE`"},
			&cli.StringFlag{Name: "valid-src", Usage: "validation source `FILE`"},
			&cli.StringFlag{Name: "valid-tgt", Usage: "validation target `FILE`"},
			&cli.StringFlag{Name: "src-tokenizer", Usage: "existing source tokenizer.json `FILE` (tokenizer.src)"},
			&cli.StringFlag{Name: "tgt-tokenizer", Usage: "existing target tokenizer.json `FILE` (tokenizer.tgt)"},
			&cli.IntFlag{Name: "vocab-size", Usage: "size of trained tokenizer vocabularies (tokenizer.vocab_size)"},
			&cli.DurationFlag{Name: "max-time", Usage: "stop after this wall-clock time of this run, e.g. 60m; a resumed run counts anew (schedule.max_time)"},
			&cli.IntFlag{Name: "epochs", Usage: "stop after this many epochs (schedule.max_epochs)"},
			&cli.IntFlag{Name: "max-steps", Usage: "stop after this many steps (schedule.max_steps)"},
			&cli.IntFlag{Name: "batch-tokens", Usage: "token budget of a batch (schedule.batch_tokens; not with --resume)"},
			&cli.Float64Flag{Name: "lr", Usage: "learning rate (optimizer.lr)"},
			&cli.IntFlag{Name: "valid-every", Usage: "validate every N steps, 0: every epoch (schedule.valid_every)"},
			&cli.IntFlag{Name: "patience", Usage: "stop after N validations without improvement (schedule.patience)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (schedule.seed; not with --resume)"},
			&cli.StringFlag{Name: "progress", Value: "auto", Usage: "progress display: auto, bar or log"},
		},
		Action: trainAction,
	}
}

// dataFlags are the flags that choose the data and the tokenizers, which a
// resumed run cannot change.
var dataFlags = []string{"multi30k", "src", "tgt", "train-src", "train-tgt", "valid-src", "valid-tgt",
	"src-tokenizer", "tgt-tokenizer", "vocab-size"}

// planFlags are the flags that decide the order and the make-up of the
// batches: a checkpoint stores its position in that plan, so a resumed
// run cannot change them (see train.CheckResume).
var planFlags = []string{"seed", "batch-tokens"}

// trainAction loads the configuration, prepares data and model and runs
// the trainer.
func trainAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit("nmt train: unexpected arguments (use --train-src etc. or --config)", 2)
	}
	if c.Bool("resume") {
		if c.IsSet("config") {
			return cli.Exit("nmt train: --config and --resume are exclusive: a resumed run uses the configuration stored in its checkpoint", 2)
		}
		for _, name := range dataFlags {
			if c.IsSet(name) {
				return cli.Exit(fmt.Sprintf("nmt train: --%s and --resume are exclusive: a resumed run keeps the data and tokenizers of its checkpoint", name), 2)
			}
		}
		for _, name := range planFlags {
			if c.IsSet(name) {
				return cli.Exit(fmt.Sprintf("nmt train: --%s and --resume are exclusive: the checkpoint's place in the batch order depends on it (start a new run in another --out to change it)", name), 2)
			}
		}
	}
	switch p := c.String("progress"); p {
	case "auto", "bar", "log":
	default:
		return cli.Exit(fmt.Sprintf("nmt train: --progress %q: want auto, bar or log", p), 2)
	}
	log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	log.Info("compute", "blas", linalg.Backend(), "vector", linalg.VecBackend())
	cfg := train.DefaultConfig()
	var ck *train.Checkpoint
	switch {
	case c.Bool("resume"):
		dir := c.String("out")
		if dir == "" {
			dir = cfg.Checkpoint.Dir
		}
		var path string
		var err error
		if ck, path, err = train.LatestCheckpoint(dir, log); err != nil {
			return err
		}
		log.Info("resuming", "checkpoint", path, "step", ck.State.Step)
		cfg = ck.Train
	case c.IsSet("config"):
		var err error
		if cfg, err = train.LoadConfig(c.String("config")); err != nil {
			return err
		}
	}
	if err := applyTrainFlags(c, &cfg); err != nil {
		return err
	}
	if c.Bool("print-config") {
		return cfg.WriteYAML(c.App.Writer)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	tr, err := train.Setup(ctx, cfg, ck, log)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted before training started: %w", err)
		}
		return err
	}
	switch c.String("progress") {
	case "bar":
		tr.Progress = c.App.ErrWriter
	case "auto":
		if f, ok := c.App.ErrWriter.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			tr.Progress = f
		}
	}
	res, err := tr.Run(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) && res.Checkpoint != "" {
			return fmt.Errorf("%w\nresume with: nmt train --resume --out %s", err, cfg.Checkpoint.Dir)
		}
		return err
	}
	return printTrainResult(c.App.Writer, res)
}

// applyTrainFlags copies the flags that were set into cfg.
func applyTrainFlags(c *cli.Context, cfg *train.Config) error {
	str := map[string]*string{
		"out": &cfg.Checkpoint.Dir, "multi30k": &cfg.Data.Multi30k, "src": &cfg.Data.SrcLang, "tgt": &cfg.Data.TgtLang,
		"train-src": &cfg.Data.TrainSrc, "train-tgt": &cfg.Data.TrainTgt, "valid-src": &cfg.Data.ValidSrc, "valid-tgt": &cfg.Data.ValidTgt,
		"src-tokenizer": &cfg.Tokenizer.Src, "tgt-tokenizer": &cfg.Tokenizer.Tgt,
	}
	for name, dst := range str {
		if c.IsSet(name) {
			*dst = c.String(name)
		}
	}
	// Explicit files replace the Multi30k default, and the other way round.
	if c.IsSet("train-src") || c.IsSet("train-tgt") || c.IsSet("valid-src") || c.IsSet("valid-tgt") {
		if c.IsSet("multi30k") {
			return cli.Exit("nmt train: --multi30k and --train-src etc. are exclusive", 2)
		}
		cfg.Data.Multi30k = ""
	} else if c.IsSet("multi30k") {
		cfg.Data.TrainSrc, cfg.Data.TrainTgt, cfg.Data.ValidSrc, cfg.Data.ValidTgt = "", "", "", ""
	}
	if c.IsSet("src-tokenizer") || c.IsSet("tgt-tokenizer") {
		cfg.Tokenizer.Joint = cfg.Tokenizer.Src == cfg.Tokenizer.Tgt
	}
	ints := map[string]*int{
		"vocab-size": &cfg.Tokenizer.VocabSize, "epochs": &cfg.Schedule.MaxEpochs, "max-steps": &cfg.Schedule.MaxSteps,
		"batch-tokens": &cfg.Schedule.BatchTokens, "valid-every": &cfg.Schedule.ValidEvery, "patience": &cfg.Schedule.Patience,
	}
	for name, dst := range ints {
		if c.IsSet(name) {
			*dst = c.Int(name)
		}
	}
	if c.IsSet("max-time") {
		cfg.Schedule.MaxTime = c.Duration("max-time")
	}
	if c.IsSet("lr") {
		cfg.Optimizer.LR = c.Float64("lr")
	}
	if c.IsSet("seed") {
		cfg.Schedule.Seed = c.Uint64("seed")
	}
	return nil
}

// printTrainResult reports how training ended and where the model is.
func printTrainResult(w io.Writer, res train.Result) error {
	st := res.State
	fmt.Fprintf(w, "stopped (%s) after %d steps in epoch %d\n", res.Stop, st.Step, st.Epoch+1)
	if v := st.Last; v != nil {
		fmt.Fprintf(w, "last validation (step %d): perplexity %.3f", v.Step, v.Perplexity)
		if v.BLEU >= 0 {
			fmt.Fprintf(w, ", BLEU %.2f", v.BLEU)
		}
		fmt.Fprintln(w)
	}
	if step, value := st.BestValue(); step > 0 {
		name := map[string]string{"ppl": "perplexity", "bleu": "BLEU"}[st.Metric]
		fmt.Fprintf(w, "best validation (step %d): %s %.3f\n", step, name, value)
	}
	if res.Best != "" {
		fmt.Fprintf(w, "best model: %s\n", filepath.ToSlash(res.Best))
	}
	_, err := fmt.Fprintf(w, "last checkpoint: %s\n", filepath.ToSlash(res.Checkpoint))
	return err
}
