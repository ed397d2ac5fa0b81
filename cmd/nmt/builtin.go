package main

import (
	"fmt"
	"strings"

	"github.com/attnmt/nmt/seq2seq/pretrained"
)

// builtinModelsHelp lists the built-in models and what each is for, for
// the commands' help texts.
func builtinModelsHelp() string {
	var b strings.Builder
	b.WriteString("Built-in models (--model NAME; the default is " + pretrained.Default + "):")
	for _, name := range pretrained.Names() {
		fmt.Fprintf(&b, "\n   %-15s %s", name, pretrained.About(name))
	}
	return b.String()
}
