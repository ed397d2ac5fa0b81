package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed returns args with every flag moved in front of the
// positional arguments of its command, so that flags are parsed wherever
// they stand: "nmt translate 'Ein Hund.' -o out.en" becomes
// "nmt translate -o out.en 'Ein Hund.'". (urfave/cli v2, like the flag
// package, stops parsing flags at the first positional argument.)
//
// A flag belongs to the deepest command named before it; a flag that takes
// a value keeps the word after it ("-o out.en") unless it is written
// "--flag=value". Everything after "--" is positional, so text that starts
// with "-" is given after "--"; when a positional argument starts with "-"
// the result carries a "--" before the positional arguments. A last flag
// that wants a value and has none ends the result, for the parser to
// report. Unknown flags
// are moved too (as flags without a value) and reported by the parser.
func interspersed(app *cli.App, args []string) []string {
	if len(args) == 0 {
		return args
	}
	out := []string{args[0]}
	cmds, flags := app.Commands, app.Flags
	var positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case isFlag(a):
			out = append(out, a)
			if !strings.Contains(a, "=") && takesValue(flags, strings.TrimLeft(a, "-")) {
				if i+1 == len(rest) {
					return out // the flag's value is missing: the parser says so
				}
				i++
				out = append(out, rest[i])
			}
		case len(positional) == 0 && findCommand(cmds, a) != nil:
			cmd := findCommand(cmds, a)
			out = append(out, a)
			cmds, flags = cmd.Subcommands, cmd.Flags
		default:
			positional = append(positional, a)
		}
	}
	for _, p := range positional {
		if len(p) > 1 && p[0] == '-' { // a flag or "--" as text
			out = append(out, "--")
			break
		}
	}
	return append(out, positional...)
}

// isFlag reports whether a command-line word is a flag: "-x", "--name"
// or "--name=value", but not "-" (standard input) or "--".
func isFlag(a string) bool {
	return len(a) > 1 && a[0] == '-' && a != "--"
}

// takesValue reports whether the flag called name among flags takes a
// value (a string, number or duration; not a boolean switch).
func takesValue(flags []cli.Flag, name string) bool {
	f := findFlag(flags, name)
	if f == nil {
		return false
	}
	dg, ok := f.(cli.DocGenerationFlag)
	return ok && dg.TakesValue()
}

// findFlag returns the flag called name (or one of its aliases), or nil.
func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// findCommand returns the command called name (or one of its aliases), or
// nil.
func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
