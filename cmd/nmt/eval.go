package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/eval"
)

// evalCommand returns the "nmt eval" command: BLEU, chrF and chrF++ as
// sacreBLEU 2.6.0 computes them, and alignment error rate ("eval align"), attention entropy and agreement
// ("eval attention").
func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "score translations with BLEU, chrF and chrF++ exactly as sacreBLEU 2.6.0 does",
		UsageText: "nmt eval --hyp FILE --ref FILE [--ref FILE...] [options]\nnmt eval align --gold FILE --pred FILE [options]\nnmt eval attention A.json [B.json]",
		Description: `Scores hypothesis lines against reference lines, line by line, and prints
corpus scores identical to sacreBLEU 2.6.0's with a sacreBLEU-style
signature. Defaults are sacreBLEU's: 13a tokenization, mixed case, exp
smoothing. Either --hyp or one --ref may be "-" for standard input. Files
must have the same number of lines; reference lines may not be empty. With
several --ref files every hypothesis is scored against all of them.

The signature's version field reads "2.6.0+attnmt": numbers identical to
sacreBLEU 2.6.0's, computed by this program.

--sentence prints one score per line instead (BLEU with effective order,
as sacreBLEU -sl does); it takes a single metric.

Examples:
   nmt eval --hyp hyp.txt --ref ref.txt
   nmt eval --hyp hyp.txt --ref ref.txt --metrics bleu,chrf,chrf++ --format json
   nmt translate < test.de | nmt eval --hyp - --ref test.en --lowercase
   nmt eval --hyp hyp.tok --ref ref.tok --tokenize none
   nmt eval --hyp hyp.txt --ref ref.txt --sentence --metrics chrf
   nmt eval align --gold gold.talp --pred pred.txt --gold-one-based
   nmt eval attention soft.json hard.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "hyp", Aliases: []string{"i"}, Usage: "hypothesis `FILE`, one segment per line (- for stdin)"},
			&cli.StringSliceFlag{Name: "ref", Aliases: []string{"r"}, Usage: "reference `FILE`, line-aligned with --hyp; repeat for several references"},
			&cli.StringFlag{Name: "metrics", Aliases: []string{"m"}, Value: "bleu", Usage: "comma-separated `LIST` of bleu, chrf, chrf++"},
			&cli.BoolFlag{Name: "lowercase", Aliases: []string{"lc"}, Usage: "case-insensitive scores (sacreBLEU -lc)"},
			&cli.StringFlag{Name: "tokenize", Value: string(eval.Tok13a), Usage: "BLEU tokenizer: 13a or none (already tokenized text)"},
			&cli.BoolFlag{Name: "sentence", Usage: "print a score for every line instead of the corpus score"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FORMAT`: text or json"},
			&cli.IntFlag{Name: "width", Aliases: []string{"w"}, Value: 2, Usage: "decimals printed for scores"},
		},
		Action:      evalAction,
		Subcommands: []*cli.Command{evalAlignCommand(), evalAttentionCommand()},
	}
}

// evalAction runs "nmt eval".
func evalAction(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("nmt eval: unexpected argument %q (did you mean \"nmt eval align\"?)", c.Args().First()), 2)
	}
	hypPath, refPaths := c.String("hyp"), c.StringSlice("ref")
	if hypPath == "" || len(refPaths) == 0 {
		return cli.Exit("nmt eval: --hyp and --ref are required", 2)
	}
	metrics, err := eval.ParseMetrics(c.String("metrics"))
	if err != nil {
		return cli.Exit("nmt eval: "+err.Error(), 2)
	}
	tok, err := eval.ParseTokenizer(c.String("tokenize"))
	if err != nil {
		return cli.Exit("nmt eval: "+err.Error(), 2)
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return cli.Exit(fmt.Sprintf("nmt eval: unknown format %q (want text or json)", format), 2)
	}
	width := c.Int("width")
	if width < 0 || width > 10 {
		return cli.Exit(fmt.Sprintf("nmt eval: --width %d out of range 0-10", width), 2)
	}
	sentence := c.Bool("sentence")
	if sentence && len(metrics) > 1 {
		return cli.Exit("nmt eval: --sentence takes a single metric", 2)
	}

	stdinUsed := false
	open := func(path string) (*eval.LineReader, func(), error) {
		if path == "-" {
			if stdinUsed {
				return nil, nil, cli.Exit("nmt eval: only one of --hyp and --ref can be - (stdin)", 2)
			}
			stdinUsed = true
			return eval.NewLineReader(c.App.Reader, "<stdin>"), func() {}, nil
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return eval.NewLineReader(f, path), func() { f.Close() }, nil
	}
	hyp, closeHyp, err := open(hypPath)
	if err != nil {
		return err
	}
	defer closeHyp()
	refs := make([]*eval.LineReader, len(refPaths))
	for i, p := range refPaths {
		r, closeRef, err := open(p)
		if err != nil {
			return err
		}
		defer closeRef()
		refs[i] = r
	}

	ev, err := eval.NewEvaluator(metrics, eval.EvalOptions{Lowercase: c.Bool("lowercase"), Tokenize: tok, Sentence: sentence})
	if err != nil {
		return err
	}
	out := c.App.Writer
	first := true
	emit := func(s eval.Score) error {
		if format == "text" {
			_, err := fmt.Fprintln(out, s.Format(width))
			return err
		}
		js, err := s.JSON(width)
		if err != nil {
			return err
		}
		sep := ",\n"
		if first {
			sep = "[\n"
		}
		first = false
		_, err = fmt.Fprintf(out, "%s%s", sep, js)
		return err
	}
	err = eval.ReadParallel(c.Context, hyp, refs, func(line int, h string, r []string) error {
		scores, err := ev.Add(h, r, sentence)
		if errors.Is(err, eval.ErrEmptyReference) {
			return fmt.Errorf("%s:%d: empty reference", strings.Join(refPaths, ", "), line)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		for _, s := range scores {
			if err := emit(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !sentence {
		scores, err := ev.Results()
		if errors.Is(err, eval.ErrNoSegments) {
			return fmt.Errorf("%s: no lines to score", hypPath)
		}
		if err != nil {
			return err
		}
		for _, s := range scores {
			if err := emit(s); err != nil {
				return err
			}
		}
	}
	if format == "json" {
		closing := "\n]\n"
		if first {
			closing = "[]\n"
		}
		_, err = io.WriteString(out, closing)
	}
	return err
}

// evalAlignCommand returns the "nmt eval align" command.
func evalAlignCommand() *cli.Command {
	return &cli.Command{
		Name:      "align",
		Usage:     "score word alignments against gold alignments: AER, precision, recall",
		UsageText: "nmt eval align --gold FILE --pred FILE [--one-based] [--format text|json]",
		Description: `Compares predicted word alignments with gold ones, one sentence pair per
line, and prints the alignment error rate (Och and Ney, 2003), precision,
recall and F1, counts summed over the corpus. Lines hold links "i-j" (sure)
and, in gold files, "i?j" or "ipj" (possible): the Pharaoh and talp forms.
Indices are 0-based unless --one-based (both files), --gold-one-based or
--pred-one-based say otherwise. Either file may be "-" for standard input.

Examples:
   nmt eval align --gold gold.txt --pred pred.txt
   nmt eval align --gold gold.talp --gold-one-based --pred pred.txt --format json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "gold", Usage: "gold alignment `FILE` (- for stdin)"},
			&cli.StringFlag{Name: "pred", Usage: "predicted alignment `FILE` (- for stdin)"},
			&cli.BoolFlag{Name: "one-based", Usage: "indices in both files start at 1"},
			&cli.BoolFlag{Name: "gold-one-based", Usage: "indices in the gold file start at 1"},
			&cli.BoolFlag{Name: "pred-one-based", Usage: "indices in the predicted file start at 1"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: evalAlignAction,
	}
}

// evalAlignAction runs "nmt eval align".
func evalAlignAction(c *cli.Context) error {
	goldPath, predPath := c.String("gold"), c.String("pred")
	if goldPath == "" || predPath == "" {
		return cli.Exit("nmt eval align: --gold and --pred are required", 2)
	}
	if goldPath == "-" && predPath == "-" {
		return cli.Exit("nmt eval align: only one of --gold and --pred can be - (stdin)", 2)
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return cli.Exit(fmt.Sprintf("nmt eval align: unknown format %q (want text or json)", format), 2)
	}
	read := func(path string, oneBased bool) ([]eval.Alignment, error) {
		r := c.App.Reader
		if path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r = f
		}
		as, err := eval.ParseAlignments(r, oneBased)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return as, nil
	}
	gold, err := read(goldPath, c.Bool("one-based") || c.Bool("gold-one-based"))
	if err != nil {
		return err
	}
	pred, err := read(predPath, c.Bool("one-based") || c.Bool("pred-one-based"))
	if err != nil {
		return err
	}
	if len(gold) != len(pred) {
		return fmt.Errorf("line counts differ: %s has %d lines, %s has %d", goldPath, len(gold), predPath, len(pred))
	}
	r, err := eval.AER(gold, pred)
	if err != nil {
		return err
	}
	if format == "json" {
		js, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.App.Writer, "%s\n", js)
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer,
		"AER = %.4f precision = %.4f recall = %.4f F1 = %.4f (sentences %d, links predicted %d, sure %d, possible %d)\n",
		r.AER, r.Precision, r.Recall, r.F1, r.Sentences, r.Predicted, r.Sure, r.Possible)
	return err
}
