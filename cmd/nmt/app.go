package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/linalg"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// newApp builds the nmt command line. Each subcommand lives in its own file
// and has a constructor returning its *cli.Command.
func newApp() *cli.App {
	app := &cli.App{
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
		// An invalid NMT_BLAS or NMT_NOASM, or a backend NMT_BLAS requires
		// but cannot load, is an error, not a silent fallback to pure Go.
		Before: func(*cli.Context) error {
			if err := linalg.CheckEnv(); err != nil {
				return cli.Exit("nmt: "+err.Error(), exitUsage)
			}
			return nil
		},
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
	checkUsage(app)
	return app
}

// run runs app with the command line args (flags may follow arguments;
// see interspersed), reports an error on the app's ErrWriter and returns
// the process exit status.
func run(ctx context.Context, app *cli.App, args []string) int {
	err := runApp(ctx, app, args)
	if err == nil {
		return 0
	}
	if msg := err.Error(); strings.HasPrefix(msg, app.Name+" ") || strings.HasPrefix(msg, app.Name+":") {
		fmt.Fprintln(app.ErrWriter, msg)
	} else {
		fmt.Fprintln(app.ErrWriter, app.Name+":", msg)
	}
	return exitCode(err)
}

// runApp runs app with the command line args, flags moved before the
// arguments of their command.
func runApp(ctx context.Context, app *cli.App, args []string) error {
	return app.RunContext(ctx, interspersed(app, args))
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
