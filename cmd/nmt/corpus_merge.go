package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus/shard"
)

// corpusMergeCommand is "nmt corpus merge": join the outputs of the
// shards of a split.
func corpusMergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "merge the shard outputs of nmt translate --shard or nmt align --shard, in input order",
		ArgsUsage: "SHARD...",
		Description: `Each SHARD is the output of one shard (OUT.shard-I-of-N) or its sidecar
(OUT.shard-I-of-N.json); a shell glob may list both. The merge checks that
the shards are all the shards of one split of one input with the same
settings, each given once and complete (its sidecar written), that they
cover every input line exactly once and that each output still has the
lines and bytes its sidecar records; then it writes OUT atomically. On any
problem it writes nothing and names every missing or incomplete shard
(with how many lines a stopped shard has done).

A SHARD with * ? or [ that names no file is expanded as a glob by merge
itself, for images without a shell (the distroless image of the
Dockerfile): nmt corpus merge -o big.en 'big.en.shard-*'.

Examples:
   nmt corpus merge -o big.en big.en.shard-*
   nmt corpus merge -o out/big.jsonl out/big.jsonl.shard-*-of-00064`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "merged file to write, atomically", Required: true},
		},
		Action: corpusMerge,
	}
}

// corpusMerge is the action of "nmt corpus merge".
func corpusMerge(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.Exit("nmt corpus merge: give the shard outputs to merge", 2)
	}
	paths, err := expandGlobs(c.Args().Slice())
	if err != nil {
		return cli.Exit("nmt corpus merge: "+err.Error(), 2)
	}
	sum, err := shard.Merge(c.String("output"), paths)
	if err != nil {
		return err
	}
	slog.New(slog.NewTextHandler(c.App.ErrWriter, nil)).Info("merged", "output", c.String("output"),
		"shards", sum.Shards, "lines", sum.Lines, "bytes", sum.Bytes)
	return nil
}

// expandGlobs returns paths with each pattern that names no file replaced
// by the files it matches, in order.
func expandGlobs(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil || !strings.ContainsAny(p, "*?[") {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("pattern %q matches no file", p)
		}
		out = append(out, m...)
	}
	return out, nil
}
