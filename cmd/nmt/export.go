package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/seq2seq/safetensors"
	"github.com/attnmt/nmt/seq2seq/train"
)

// exportCommand is "nmt export": a compact model file from a checkpoint.
func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write a checkpoint's model as a compact file for translation",
		UsageText: "nmt export [--dtype f16|f32] CHECKPOINT OUT",
		Description: `export writes the model of a training checkpoint as a model file for
"nmt translate" and "nmt align": the configuration, both tokenizers and the
weights, without the optimizer state (a third of a checkpoint's size), in
half precision by default (half again). The file is written atomically.

Examples:
   nmt export runs/deen/best.safetensors de-en.safetensors
   nmt export --dtype f32 runs/deen/best.safetensors de-en-f32.safetensors`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dtype", Value: "f16", Usage: "weight precision: f16 or f32"},
		},
		Action: exportAction,
	}
}

func exportAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return cli.Exit("nmt export: want CHECKPOINT and OUT (see nmt export --help)", 2)
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
	return train.Export(c.Args().Get(0), c.Args().Get(1), dtype)
}
