package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
)

// evalAttentionCommand returns the "nmt eval attention" command.
func evalAttentionCommand() *cli.Command {
	return &cli.Command{
		Name:      "attention",
		Usage:     "attention entropy of an alignment export, and argmax agreement between two",
		UsageText: "nmt eval attention [--format text|json] A.json [B.json]",
		Description: `Reads matrices exported by "nmt align -f json" (or jsonl) and prints the
mean attention entropy per output word (nats; rows normalised first; for
sampled hard attention also that of the distributions drawn from). Given a
second export of the same sentence pairs (forced alignments of the same
references by another model), it also prints the share of output words
whose argmax source word is the same in both, matched sentence by sentence:
the token sequences must be identical. Use word-level exports (the
default of nmt align) so that models with different tokenizers compare.
Either file may be "-" for standard input. Make the exports with, for
each model, nmt align -m MODEL -i val.de -r val.en -f json -o KIND.json.

Examples:
   nmt eval attention soft.json
   nmt eval attention soft.json hard.json
   nmt eval attention --format json soft.json local.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: evalAttentionAction,
	}
}

// evalAttentionAction runs "nmt eval attention".
func evalAttentionAction(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) < 1 || len(paths) > 2 {
		return cli.Exit(fmt.Sprintf("nmt eval attention: want one or two alignment exports, got %d arguments", len(paths)), 2)
	}
	if len(paths) == 2 && paths[0] == "-" && paths[1] == "-" {
		return cli.Exit("nmt eval attention: only one file can be - (stdin)", 2)
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return cli.Exit(fmt.Sprintf("nmt eval attention: unknown format %q (want text or json)", format), 2)
	}
	sets := make([][]align.Matrix, len(paths))
	for i, p := range paths {
		ms, err := readAlignExport(c.App.Reader, p)
		if err != nil {
			return err
		}
		sets[i] = ms
	}
	cmp := align.Comparison{Sentences: len(sets[0]), A: align.Measure(sets[0])}
	if len(sets) == 2 {
		var err error
		if cmp, err = align.Compare(sets[0], sets[1]); err != nil {
			return fmt.Errorf("compare %s with %s: %w", paths[0], paths[1], err)
		}
	}
	if format == "json" {
		var v any = cmp
		if len(sets) == 1 {
			v = struct {
				Sentences int         `json:"sentences"`
				A         align.Focus `json:"a"`
			}{cmp.Sentences, cmp.A}
		}
		js, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.App.Writer, "%s\n", js)
		return err
	}
	return writeAttentionText(c.App.Writer, paths, cmp)
}

// readAlignExport reads the matrices of a JSON or JSONL export.
func readAlignExport(stdin io.Reader, path string) ([]align.Matrix, error) {
	r, name := stdin, "<stdin>"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, name = f, path
	}
	ms, err := align.ReadJSON(r, name)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no sentences", name)
	}
	return ms, nil
}

func writeAttentionText(w io.Writer, paths []string, c align.Comparison) error {
	focus := []align.Focus{c.A, c.B}
	for i, p := range paths {
		f := focus[i]
		line := fmt.Sprintf("%s: entropy %.4f nats per output word (%d words, %d sentences)", p, f.Entropy, f.Rows, c.Sentences)
		if f.DrawnRows > 0 {
			line += fmt.Sprintf("; distributions drawn from %.4f nats (%d words)", f.DrawnEntropy, f.DrawnRows)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	if len(paths) < 2 {
		return nil
	}
	_, err := fmt.Fprintf(w, "argmax agreement %.4f (%d of %d output words)\n", c.Agreement, c.Agree, c.Words)
	return err
}
