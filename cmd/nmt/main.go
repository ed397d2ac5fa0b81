// Command nmt is an attention-based neural machine translation tool:
// it trains LSTM encoder-decoder models, translates text and exports
// the attention alignments behind each translation.
//
// Run "nmt --help" for the list of subcommands.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "nmt:", err)
		os.Exit(exitCode(err))
	}
}
