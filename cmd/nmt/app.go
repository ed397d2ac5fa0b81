package main

import (
	"errors"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/linalg"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// newApp builds the nmt command line. Each subcommand lives in its own file
// and has a constructor returning its *cli.Command.
func newApp() *cli.App {
	return &cli.App{
		Name:    "nmt",
		Usage:   "attention-based neural machine translation: train, translate, align",
		Version: version + " (matrix products: " + linalg.Backend() + "; vector kernels: " + linalg.VecBackend() + "; int8 products: " + linalg.Int8Backend() + ")",
		Description: `nmt trains LSTM encoder-decoder translation models with attention,
translates sentences and files with them, and exports which source words
each output word attended to.

Examples:
   nmt translate "Ein Mann fährt Fahrrad."
   nmt tokenizer train --vocab-size 8000 -o tok.json train.de train.en
   nmt eval --hyp hyp.txt --ref ref.txt`,
		Writer:         os.Stdout,
		ErrWriter:      os.Stderr,
		ExitErrHandler: func(*cli.Context, error) {}, // main reports errors and exits
		Commands: []*cli.Command{
			translateCommand(),
			alignCommand(),
			trainCommand(),
			evalCommand(),
			tokenizerCommand(),
			corpusCommand(),
			exportCommand(),
			serveCommand(),
		},
	}
}

// exitCode maps an error returned by the app to a process exit status:
// the code carried by a cli.ExitCoder, 1 otherwise.
func exitCode(err error) int {
	var ec cli.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return 1
}
