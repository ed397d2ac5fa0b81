package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq/safetensors"
	"github.com/attnmt/nmt/seq2seq/train"
)

// exportCommand is "nmt export": a compact model file from a checkpoint.
func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write a checkpoint's model (or the average of several) as a compact file for translation",
		UsageText: "nmt export [--dtype f16|f32] [--int8] CHECKPOINT... OUT\n   nmt export [--dtype f16|f32] [--int8] --average N RUNDIR OUT",
		Description: `export writes the model of a training checkpoint as a model file for
"nmt translate" and "nmt align": the configuration, both tokenizers and the
weights, without the optimizer state (a third of a checkpoint's size), in
half precision by default (half again). The file is written atomically.

Given several checkpoints, it writes their average: every weight is the mean
of that weight in the checkpoints (checkpoint averaging; the checkpoints must
come from one run, or at least share the model configuration and the
tokenizers). --average N averages the newest N step checkpoints
(ckpt-STEP.safetensors) of the run directory RUNDIR; the run keeps that many
when its checkpoint.keep_last is at least N.

--int8 stores the weight matrices that "--compute int8" multiplies in 8-bit
integers (the encoder and decoder LSTMs, the bridge, the attention
projections, the output layer and the vocabulary projection), each row with
a float32 scale, quantized exactly as --compute int8 quantizes them at load:
the file translates with --compute int8 (and auto, where it picks int8)
exactly as the file without --int8 does, and every command reads it
(--compute float32 multiplies the dequantized weights). Embeddings and biases
keep --dtype.

Examples:
   nmt export runs/deen/best.safetensors de-en.safetensors
   nmt export --dtype f32 runs/deen/best.safetensors de-en-f32.safetensors
   nmt export --average 4 runs/deen de-en-avg4.safetensors
   nmt export --int8 runs/deen/best.safetensors de-en-int8.safetensors
   nmt export runs/deen/ckpt-00009000.safetensors runs/deen/ckpt-00009500.safetensors avg.safetensors`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dtype", Value: "f16", Usage: "weight precision: f16 or f32"},
			&cli.IntFlag{Name: "average", Usage: "average the newest `N` step checkpoints of RUNDIR"},
			&cli.BoolFlag{Name: "int8", Usage: "store the weights that --compute int8 multiplies as int8 with per-row scales"},
		},
		Action: exportAction,
	}
}

func exportAction(c *cli.Context) error {
	args := c.Args().Slice()
	n := c.Int("average")
	switch {
	case c.IsSet("average") && (len(args) != 2 || n < 1):
		return cli.Exit("nmt export: --average N (N at least 1) wants RUNDIR and OUT (see nmt export --help)", 2)
	case len(args) < 2:
		return cli.Exit("nmt export: want CHECKPOINT... and OUT (see nmt export --help)", 2)
	}
	var dtype safetensors.DType
	switch strings.ToLower(c.String("dtype")) {
	case "f16":
		dtype = safetensors.F16
	case "f32":
		dtype = safetensors.F32
	default:
		return cli.Exit(fmt.Sprintf("nmt export: unknown --dtype %q (want f16 or f32)", c.String("dtype")), 2)
	}
	in, out := args[:len(args)-1], args[len(args)-1]
	if c.IsSet("average") {
		if fi, err := os.Stat(in[0]); err != nil || !fi.IsDir() {
			return cli.Exit(fmt.Sprintf("nmt export: --average wants a run directory, %s is not one", in[0]), 2)
		}
		var err error
		if in, err = train.LastCheckpoints(in[0], n); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := atomicfile.Check(out); err != nil {
		return err
	}
	fm := train.Format{DType: dtype, Int8: c.Bool("int8")}
	if len(in) == 1 {
		return train.Export(in[0], out, fm)
	}
	return train.ExportAverage(in, out, fm)
}
