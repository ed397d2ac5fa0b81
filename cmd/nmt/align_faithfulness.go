package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// faithfulnessFlag is nmt align --faithfulness.
var faithfulnessFlag = &cli.BoolFlag{Name: "faithfulness", Usage: "instead of maps, run the deletion test over the file (needs --ref): mean log-probability drop of each output word when its top source word by attention, by salience, or a random one is replaced by <unk>, and how often attention and salience agree (-f json for JSON)"}

// runFaithfulness is nmt align --faithfulness.
func runFaithfulness(c *cli.Context, aligner align.Aligner, srcs, refs []string, req alignRequest) error {
	if refs == nil {
		return cli.Exit("nmt align: --faithfulness needs --ref (give the model's own translations from nmt translate to test those)", 2)
	}
	ta, ok := aligner.(*translate.Aligner)
	if !ok {
		return fmt.Errorf("nmt align: --faithfulness needs a model that computes gradients")
	}
	res, err := ta.Faithfulness(c.Context, srcs, refs, translate.FaithfulnessOptions{Words: req.words, Seed: c.Uint64("seed")})
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		if req.format == align.JSON || req.format == align.JSONL {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		}
		_, err := fmt.Fprintf(w, "sentences\t%d\nwords\t%d\ndrop attention\t%.3f\ndrop salience\t%.3f\ndrop random\t%.3f\nagreement\t%.3f\n",
			res.Sentences, res.Words, res.DropAttention, res.DropSalience, res.DropRandom, res.Agreement)
		return err
	}
	if req.output == "" {
		return write(c.App.Writer)
	}
	return atomicfile.WriteFile(req.output, write)
}
