package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"
)

// Usage errors (an unknown command or flag, a flag value of the wrong
// type, a missing required flag, arguments a command does not take) are
// one line on standard error naming what was wrong, with the closest
// command or flag name when there is one, and exit status 2; the help is
// not printed. The commands' own checks of their flags return
// cli.Exit(message, exitUsage) in the same way.

// exitUsage is the exit status of a usage error.
const exitUsage = 2

// usageError returns the usage error of the command cmd (its full name,
// such as "nmt tokenizer encode") saying msg.
func usageError(cmd, msg string) error {
	return cli.Exit(cmd+": "+msg, exitUsage)
}

// checkUsage sets up the app and all its commands so that every usage
// error is reported as described above: flag errors through OnUsageError,
// unknown commands through the Action of every command that has
// subcommands, required flags through Before (urfave/cli would print the
// help on standard output first), and "nmt help TOPIC" through a help
// command of its own.
func checkUsage(app *cli.App) {
	app.OnUsageError = onUsageError
	app.Action = commandGroupAction(app.Name, nil)
	app.HideHelpCommand = true
	for _, cmd := range app.Commands {
		checkCommandUsage(app.Name, cmd)
	}
	help := helpCommand(app)
	checkCommandUsage(app.Name, help)
	app.Commands = append(app.Commands, help)
	// urfave/cli adds the --help flag only when it adds its own help
	// command.
	app.Flags = append(app.Flags, cli.HelpFlag)
}

// checkCommandUsage sets up cmd, whose parent's full name is parent, and
// its subcommands.
func checkCommandUsage(parent string, cmd *cli.Command) {
	name := parent + " " + cmd.Name
	cmd.OnUsageError = onUsageError
	cmd.HideHelpCommand = true
	if len(cmd.Subcommands) > 0 && cmd.Action == nil {
		cmd.Action = commandGroupAction(name, cmd)
	}
	var required []string
	for _, f := range cmd.Flags {
		switch f := f.(type) {
		case *cli.StringFlag:
			if f.Required {
				f.Required = false
				required = append(required, f.Name)
			}
		case *cli.StringSliceFlag:
			if f.Required {
				f.Required = false
				required = append(required, f.Name)
			}
		}
	}
	if len(required) > 0 {
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			for _, r := range required {
				if !c.IsSet(r) {
					return usageError(name, "--"+r+" is required")
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	for _, sub := range cmd.Subcommands {
		checkCommandUsage(name, sub)
	}
}

// commandGroupAction is the action of a command that only groups
// subcommands (the app itself when cmd is nil): the help without
// arguments, a usage error naming the closest subcommand otherwise.
func commandGroupAction(name string, cmd *cli.Command) cli.ActionFunc {
	return func(c *cli.Context) error {
		if !c.Args().Present() {
			if cmd == nil {
				return cli.ShowAppHelp(c)
			}
			return cli.ShowSubcommandHelp(c)
		}
		subs := c.App.Commands
		if cmd != nil {
			subs = cmd.Subcommands
		}
		return unknownCommand(name, c.Args().First(), subs)
	}
}

// unknownCommand is the usage error for the unknown subcommand word of the
// command called name, whose subcommands are subs.
func unknownCommand(name, word string, subs []*cli.Command) error {
	var names []string
	for _, s := range subs {
		names = append(names, s.Names()...)
	}
	msg := fmt.Sprintf("unknown command %q", word)
	if best := closest(word, names); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	} else {
		msg += " (commands: " + strings.Join(names, ", ") + ")"
	}
	return usageError(name, msg)
}

// helpCommand is "nmt help [COMMAND...]": the help of a command, and a
// usage error for an unknown one (urfave/cli's exits 3 with "No help
// topic").
func helpCommand(app *cli.App) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "show the commands, or the help of one command",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action: func(c *cli.Context) error {
			name, cmds := app.Name, app.Commands
			path := []string{app.Name}
			for _, word := range c.Args().Slice() {
				cmd := findCommand(cmds, word)
				if cmd == nil || cmd.Name == "help" {
					return unknownCommand(name, word, cmds)
				}
				name += " " + cmd.Name
				path = append(path, cmd.Name)
				cmds = cmd.Subcommands
			}
			return app.RunContext(c.Context, append(path, "--help"))
		},
	}
}

// onUsageError turns a flag parsing error of urfave/cli (the flag
// package's messages) into a one-line usage error naming the flag as the
// user would write it and the closest flag of the command.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageError(c.Command.HelpName, describeFlagError(err.Error(), c.Command.Flags))
}

var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	invalidValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+(\S+): `)
	missingValue  = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
)

// describeFlagError rewrites the flag package's message msg about one of
// flags.
func describeFlagError(msg string, flags []cli.Flag) string {
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		s := fmt.Sprintf("unknown flag %s", dashed(m[1]))
		if best := closest(m[1], names); best != "" {
			s += fmt.Sprintf(" (did you mean %s?)", dashed(best))
		}
		return s + "; text that starts with - goes after --"
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s %q: %s", dashed(m[2]), m[1], wantValue(findFlag(flags, m[2])))
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s needs a value", dashed(m[1]))
	}
	return msg
}

// wantValue says what kind of value flag f takes.
func wantValue(f cli.Flag) string {
	switch f.(type) {
	case *cli.IntFlag, *cli.Int64Flag:
		return "want an integer"
	case *cli.UintFlag, *cli.Uint64Flag:
		return "want a non-negative integer"
	case *cli.Float64Flag:
		return "want a number"
	case *cli.DurationFlag:
		return "want a duration such as 90s, 45m or 1h30m"
	case *cli.BoolFlag:
		return "want true or false"
	}
	return "invalid value"
}

// dashed writes a flag name as it is typed: "-o", "--output".
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// closest returns the candidate most similar to word (Jaro-Winkler
// similarity above 0.7), or "" if none is. One-letter candidates (short
// flags) count only for a one-letter word.
func closest(word string, candidates []string) string {
	best, bestScore := "", 0.7
	for _, c := range candidates {
		if (len(c) == 1) != (len(word) == 1) {
			continue
		}
		if s := smetrics.JaroWinkler(word, c, 0.7, 4); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}
