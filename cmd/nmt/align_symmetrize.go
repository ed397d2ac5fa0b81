package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// symmetrizeFlags are the options of nmt align --symmetrize.
func symmetrizeFlags() []cli.Flag {
	names := make([]string, 0, 5)
	for _, h := range align.Symmetrizations() {
		names = append(names, string(h))
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "symmetrize", Usage: "combine the hard links of both directions (needs --reverse-model, --ref, -f pharaoh): " + strings.Join(names, ", ")},
		&cli.StringFlag{Name: "reverse-model", Usage: "model `FILE` or built-in name translating the other way (for --symmetrize)"},
	}
}

// runSymmetrize is nmt align --symmetrize: forced alignment both ways,
// hard links from the chosen map (--explain salience: salience), combined.
func runSymmetrize(c *cli.Context, load alignerLoader, fwd align.Aligner, srcs, refs []string, req alignRequest) error {
	h, err := align.ParseSymmetrization(c.String("symmetrize"))
	if err != nil {
		return cli.Exit("nmt align: --symmetrize: "+err.Error(), 2)
	}
	if refs == nil || c.String("reverse-model") == "" || req.format != align.Pharaoh {
		return cli.Exit("nmt align: --symmetrize needs --ref, --reverse-model and -f pharaoh", 2)
	}
	rev, err := load(c.Context, []string{c.String("reverse-model")})
	if err != nil {
		return err
	}
	if _, err := configureExplain(c, rev); err != nil {
		return err
	}
	if f, ok := fwd.(*translate.Aligner); ok {
		r, ok := rev.(*translate.Aligner)
		if !ok {
			return fmt.Errorf("nmt align: --reverse-model %s is not a translation model", c.String("reverse-model"))
		}
		if err := translate.CheckReverse(f.Model, r.Model); err != nil {
			return fmt.Errorf("nmt align: --reverse-model %s: %w", c.String("reverse-model"), err)
		}
	}
	words := func(a align.Aligner, src, tgt []string) ([]align.Matrix, error) {
		ms, err := a.Align(c.Context, src, tgt)
		if err != nil {
			return nil, fmt.Errorf("align: %w", err)
		}
		for i := range ms {
			if ms[i], err = ms[i].Words(req.words); err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
		}
		return ms, nil
	}
	fm, err := words(fwd, srcs, refs)
	if err != nil {
		return err
	}
	rm, err := words(rev, refs, srcs)
	if err != nil {
		return fmt.Errorf("reverse model: %w", err)
	}
	links, err := align.SymmetrizeMatrices(h, fm, rm, req.threshold)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, l := range links {
			fmt.Fprintln(bw, align.FormatPharaoh(l))
		}
		return bw.Flush()
	}
	if req.output == "" {
		return write(c.App.Writer)
	}
	return atomicfile.WriteFile(req.output, write)
}
