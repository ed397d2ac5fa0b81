package main

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/tokenize"
)

// tokenizerCommand groups the subword tokenizer tools: training a BPE
// vocabulary, encoding and decoding text with it.
func tokenizerCommand() *cli.Command {
	return &cli.Command{
		Name:  "tokenizer",
		Usage: "train byte-level BPE tokenizers, encode and decode text",
		Description: `A tokenizer is a HuggingFace tokenizer.json file holding a byte-level BPE
vocabulary: ids 0-3 are <pad>, <unk>, <s> and </s>, then the 256 bytes,
then the learned merges. Any valid UTF-8 text encodes without unknown
tokens and decodes back unchanged.

Examples:
   nmt tokenizer train --vocab-size 8000 -o tok.json train.de.gz train.en.gz
   echo "Ein Mann fährt Fahrrad." | nmt tokenizer encode --tokenizer tok.json
   nmt tokenizer encode --tokenizer tok.json --ids "A man rides a bike."
   nmt tokenizer decode --tokenizer tok.json 2 281 329 732 866 50 3`,
		Subcommands: []*cli.Command{
			tokenizerTrainCommand(),
			tokenizerEncodeCommand(),
			tokenizerDecodeCommand(),
		},
	}
}

func tokenizerTrainCommand() *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "learn a BPE vocabulary from text files",
		ArgsUsage: "FILE...",
		Description: `Reads every FILE, one sentence a line, plain or gzip (told apart by
content), and learns one vocabulary from all of them: give both languages'
files for a joint vocabulary, or run once per language. Invalid UTF-8 is
an error naming the file and line unless --repair-utf8 is given. The
tokenizer file is written atomically; a summary goes to standard output.

Examples:
   nmt tokenizer train --vocab-size 8000 -o tok.json train.de.gz train.en.gz
   nmt tokenizer train --vocab-size 8000 -o tok.de.json train.de.gz
   nmt tokenizer train --vocab-size 16000 --min-frequency 5 --repair-utf8 -o big.json web.txt`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "tokenizer file to write", Required: true},
			&cli.IntFlag{Name: "vocab-size", Usage: "vocabulary size, special and byte tokens included (at least 260)", Value: tokenize.DefaultVocabSize},
			&cli.IntFlag{Name: "min-frequency", Usage: "merge only pairs seen at least this often", Value: tokenize.DefaultMinFrequency},
			&cli.BoolFlag{Name: "repair-utf8", Usage: "replace invalid UTF-8 with U+FFFD instead of failing"},
		},
		Action: tokenizerTrain,
	}
}

// tokenizerTrain is the action of "nmt tokenizer train".
func tokenizerTrain(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.Exit("give at least one training file", 2)
	}
	if c.Int("vocab-size") < 1 || c.Int("min-frequency") < 1 {
		return cli.Exit("--vocab-size and --min-frequency must be positive", 2)
	}
	if err := atomicfile.Check(c.String("output")); err != nil {
		return err
	}
	start := time.Now()
	tr, err := tokenize.NewTrainer(tokenize.TrainOptions{
		VocabSize:    c.Int("vocab-size"),
		MinFrequency: c.Int("min-frequency"),
		RepairUTF8:   c.Bool("repair-utf8"),
	})
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	for _, path := range c.Args().Slice() {
		if err := tr.AddFile(path); err != nil {
			return err
		}
	}
	read := time.Since(start)
	tok, err := tr.Train(c.Context)
	if err != nil {
		return fmt.Errorf("train tokenizer: %w", err)
	}
	if err := tok.Save(c.String("output")); err != nil {
		return err
	}
	st := tr.Stats()
	w := c.App.Writer
	fmt.Fprintf(w, "read %d lines from %d files (%d pieces, %d distinct) in %.2fs\n",
		st.Lines, c.NArg(), st.Pieces, st.UniquePieces, read.Seconds())
	if st.RepairedLines > 0 {
		fmt.Fprintf(w, "repaired invalid UTF-8 in %d lines\n", st.RepairedLines)
	}
	fmt.Fprintf(w, "learned %d merges: %d tokens in %.2fs\n", st.Merges, tok.VocabSize(), time.Since(start).Seconds())
	fmt.Fprintf(w, "wrote %s\n", c.String("output"))
	return nil
}

func tokenizerEncodeCommand() *cli.Command {
	return &cli.Command{
		Name:      "encode",
		Usage:     "split text into subword tokens",
		ArgsUsage: "[TEXT...]",
		Description: `Encodes each TEXT argument, or else each line of standard input, and
prints one line per input line: the tokens separated by spaces, as pieces
(the vocabulary's byte-level spelling, 'Ġ' for a space), as ids, or both
(pieces, a tab, ids). No <s> or </s> is added. A line that is not valid
UTF-8 is reported with its number on standard error and printed empty, and
the command fails at the end; --repair-utf8 replaces the bad bytes with
U+FFFD instead.

Examples:
   nmt tokenizer encode --tokenizer tok.json "Ein Mann fährt Fahrrad."
   nmt tokenizer encode --tokenizer tok.json --ids < val.de > val.ids
   zcat val.en.gz | nmt tokenizer encode --tokenizer tok.json --both`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "tokenizer", Aliases: []string{"t"}, Usage: "tokenizer file", Required: true},
			&cli.BoolFlag{Name: "ids", Usage: "print token ids"},
			&cli.BoolFlag{Name: "pieces", Usage: "print token pieces (the default)"},
			&cli.BoolFlag{Name: "both", Usage: "print pieces, a tab, then ids"},
			&cli.BoolFlag{Name: "repair-utf8", Usage: "replace invalid UTF-8 with U+FFFD instead of reporting the line"},
		},
		Action: tokenizerEncode,
	}
}

// tokenizerEncode is the action of "nmt tokenizer encode".
func tokenizerEncode(c *cli.Context) error {
	n := 0
	for _, f := range []string{"ids", "pieces", "both"} {
		if c.Bool(f) {
			n++
		}
	}
	if n > 1 {
		return cli.Exit("give only one of --ids, --pieces and --both", 2)
	}
	tok, err := tokenize.Load(c.String("tokenizer"))
	if err != nil {
		return err
	}
	out := bufio.NewWriter(c.App.Writer)
	repair := c.Bool("repair-utf8")
	lines, bad, repaired := 0, 0, 0
	err = tokenizerEachLine(c, func(where string, line string) error {
		lines++
		if repair {
			var changed bool
			if line, changed = tokenize.RepairUTF8(line); changed {
				repaired++
			}
		}
		e, err := tok.Encode(line)
		if err != nil {
			bad++
			fmt.Fprintf(c.App.ErrWriter, "%s: %v\n", where, err)
			return out.WriteByte('\n')
		}
		switch {
		case c.Bool("ids"):
			writeInts(out, e.IDs)
		case c.Bool("both"):
			out.WriteString(strings.Join(e.Pieces, " "))
			out.WriteByte('\t')
			writeInts(out, e.IDs)
		default:
			out.WriteString(strings.Join(e.Pieces, " "))
		}
		return out.WriteByte('\n')
	})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if repaired > 0 {
		fmt.Fprintf(c.App.ErrWriter, "repaired invalid UTF-8 in %d lines\n", repaired)
	}
	return exitLinesFailed(bad, lines)
}

// writeInts writes ids separated by spaces.
func writeInts(w *bufio.Writer, ids []int) {
	for i, id := range ids {
		if i > 0 {
			w.WriteByte(' ')
		}
		w.WriteString(strconv.Itoa(id))
	}
}

// tokenizerEachLine calls fn with each argument, or else each line of the
// app's standard input, and where it came from ("argument 2", "stdin:7").
func tokenizerEachLine(c *cli.Context, fn func(where, line string) error) error {
	if c.NArg() > 0 {
		for i, arg := range c.Args().Slice() {
			if err := fn(fmt.Sprintf("argument %d", i+1), arg); err != nil {
				return err
			}
		}
		return nil
	}
	in := c.App.Reader
	if in == nil {
		return cli.Exit("no text given and no standard input", 2)
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), tokenize.MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if err := fn(fmt.Sprintf("stdin:%d", line), sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin after line %d: %w", line, err)
	}
	return nil
}

func tokenizerDecodeCommand() *cli.Command {
	return &cli.Command{
		Name:      "decode",
		Usage:     "turn token ids back into text",
		ArgsUsage: "[ID...]",
		Description: `Decodes the ID arguments as one sequence, or else each line of standard
input (ids separated by spaces), printing one line of text each. Special
ids (<pad>, <unk>, <s>, </s>) are dropped. A line with a word that is not a
token id is reported with its number on standard error and printed empty,
and the command fails at the end.

Examples:
   nmt tokenizer decode --tokenizer tok.json 2 281 329 732 866 50 3
   nmt tokenizer decode --tokenizer tok.json < val.ids`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "tokenizer", Aliases: []string{"t"}, Usage: "tokenizer file", Required: true},
		},
		Action: tokenizerDecode,
	}
}

// tokenizerDecode is the action of "nmt tokenizer decode".
func tokenizerDecode(c *cli.Context) error {
	tok, err := tokenize.Load(c.String("tokenizer"))
	if err != nil {
		return err
	}
	out := bufio.NewWriter(c.App.Writer)
	lines, bad := 0, 0
	decode := func(where string, fields []string) error {
		lines++
		ids := make([]int, len(fields))
		for i, f := range fields {
			id, err := strconv.Atoi(f)
			if err != nil || id < 0 || id >= tok.VocabSize() {
				bad++
				fmt.Fprintf(c.App.ErrWriter, "%s: %q is not a token id (0..%d)\n", where, f, tok.VocabSize()-1)
				return out.WriteByte('\n')
			}
			ids[i] = id
		}
		out.WriteString(tok.Decode(ids))
		return out.WriteByte('\n')
	}
	if c.NArg() > 0 {
		err = decode("arguments", c.Args().Slice())
	} else {
		err = tokenizerEachLine(c, func(where, line string) error {
			return decode(where, strings.Fields(line))
		})
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	return exitLinesFailed(bad, lines)
}
