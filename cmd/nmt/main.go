// Command nmt is an attention-based neural machine translation tool:
// it trains LSTM encoder-decoder models, translates text and exports
// the attention alignments behind each translation.
//
// Run "nmt --help" for the list of subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// An interrupt or SIGTERM cancels the commands' context, so that they
	// stop cleanly (removing partly written files); after the first one,
	// the default action is restored: a second one kills the process.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	code := run(ctx, newApp(), os.Args)
	stop()
	os.Exit(code)
}
