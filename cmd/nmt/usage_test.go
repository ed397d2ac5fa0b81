package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runMain runs the command line args as main does, in-process, and returns
// the exit status, standard output and standard error.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Reader = strings.NewReader("")
	app.Writer, app.ErrWriter = &out, &errOut
	code = run(context.Background(), app, append([]string{"nmt"}, args...))
	return code, out.String(), errOut.String()
}

// replaceCommand puts cmd in place of the app's command of the same name,
// set up for usage errors as newApp sets up its own.
func replaceCommand(app *cli.App, cmd *cli.Command) {
	for i, c := range app.Commands {
		if c.Name == cmd.Name {
			checkCommandUsage(app.Name, cmd)
			app.Commands[i] = cmd
		}
	}
}

// commandPaths lists the full names of every command of app below the
// root, such as "tokenizer encode".
func commandPaths(cmds []*cli.Command, parent []string) [][]string {
	var paths [][]string
	for _, c := range cmds {
		p := append(append([]string(nil), parent...), c.Name)
		paths = append(paths, p)
		paths = append(paths, commandPaths(c.Subcommands, p)...)
	}
	return paths
}

// checkUsageLine checks that a run ended as a usage error: status 2,
// nothing on standard output, one line on standard error containing want.
func checkUsageLine(t *testing.T, code int, stdout, stderr, want string) {
	t.Helper()
	if code != exitUsage {
		t.Errorf("exit status %d, want %d", code, exitUsage)
	}
	if stdout != "" {
		t.Errorf("standard output %q, want nothing", stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("standard error %q, want one line", stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("standard error %q lacks %q", stderr, want)
	}
}

// TestUnknownFlagEveryCommand gives every command an unknown flag, before
// and after an argument.
func TestUnknownFlagEveryCommand(t *testing.T) {
	paths := append(commandPaths(newApp().Commands, nil), nil) // nil: the app itself
	for _, p := range paths {
		for _, args := range [][]string{
			append(append([]string(nil), p...), "--bogus-flag"),
			append(append([]string(nil), p...), "word", "--bogus-flag"),
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := runMain(t, args...)
				want := strings.Join(append([]string{"nmt"}, p...), " ") + ": unknown flag --bogus-flag"
				checkUsageLine(t, code, stdout, stderr, want)
			})
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"translat"}, `nmt: unknown command "translat" (did you mean "translate"?)`},
		{[]string{"help", "translat"}, `unknown command "translat" (did you mean "translate"?)`},
		{[]string{"help", "tokenizer", "encod"}, `nmt tokenizer: unknown command "encod" (did you mean "encode"?)`},
		{[]string{"tokenizer", "encod"}, `nmt tokenizer: unknown command "encod" (did you mean "encode"?)`},
		{[]string{"corpus", "stat"}, `nmt corpus: unknown command "stat" (did you mean "stats"?)`},
		{[]string{"corpus", "fetch", "multi"}, `nmt corpus fetch: unknown command "multi" (did you mean "multi30k"?)`},
		{[]string{"eval", "algn"}, `unexpected argument "algn"`},
		{[]string{"translate", "--beems", "3", "x"}, "unknown flag --beems (did you mean --beam?)"},
		{[]string{"translate", "--beam", "abc", "x"}, `nmt translate: --beam "abc": want an integer`},
		{[]string{"translate", "x", "--alpha", "high"}, `--alpha "high": want a number`},
		{[]string{"translate", "x", "-o"}, "nmt translate: -o needs a value"},
		{[]string{"translate", "--attention=maybe", "x"}, `--attention "maybe": want true or false`},
		{[]string{"translate", "--format", "xml", "x"}, "xml"},
		{[]string{"align", "--threshold", "2"}, "--threshold 2"},
		{[]string{"align", "extra"}, `unexpected argument "extra"`},
		{[]string{"train", "--max-time", "5"}, `nmt train: --max-time "5": want a duration`},
		{[]string{"train", "--seed", "-1"}, `--seed "-1": want a non-negative integer`},
		{[]string{"train", "--progress", "fancy"}, `--progress "fancy"`},
		{[]string{"train", "stray"}, "unexpected arguments"},
		{[]string{"eval", "--hyp", "h.txt"}, "--hyp and --ref are required"},
		{[]string{"eval", "--width", "x"}, `--width "x": want an integer`},
		{[]string{"eval", "align", "--gold", "g"}, "--gold and --pred are required"},
		{[]string{"tokenizer", "train", "a.txt"}, "nmt tokenizer train: --output is required"},
		{[]string{"tokenizer", "encode", "x"}, "nmt tokenizer encode: --tokenizer is required"},
		{[]string{"tokenizer", "decode", "1"}, "nmt tokenizer decode: --tokenizer is required"},
		{[]string{"tokenizer", "train", "--vocab-size", "many", "-o", "t.json", "a.txt"}, `--vocab-size "many": want an integer`},
		{[]string{"corpus", "fetch", "multi30k"}, "nmt corpus fetch multi30k: --dir is required"},
		{[]string{"corpus", "fetch", "multi30k", "--dir", "d", "--retries", "x"}, `--retries "x"`},
		{[]string{"corpus", "stats", "--max-len", "x"}, `--max-len "x": want an integer`},
		{[]string{"corpus", "stats"}, "give either --src and --tgt, or --tsv"},
		{[]string{"corpus", "filter", "--src", "a"}, "give either --out-src and --out-tgt, or --out-tsv"},
		{[]string{"export", "only-one"}, "want CHECKPOINT... and OUT"},
		{[]string{"export", "--dtype", "f8", "a", "b"}, `unknown --dtype "f8"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runMain(t, tt.args...)
			checkUsageLine(t, code, stdout, stderr, tt.want)
		})
	}
}

// TestHelpStillWorks checks that asking for help is not a usage error.
func TestHelpStillWorks(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help"}, {"help", "translate"}, {"translate", "--help"},
		{"help", "tokenizer", "encode"}, {"tokenizer"}, {"tokenizer", "encode", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runMain(t, args...)
			if code != 0 || stderr != "" || !strings.Contains(stdout, "USAGE") {
				t.Errorf("status %d, standard error %q, standard output %.80q...: want the help", code, stderr, stdout)
			}
		})
	}
}

func TestInterspersed(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"nmt translate Ein -o out.en", "nmt translate -o out.en Ein"},
		{"nmt translate Ein Hund -o out.en --beam 3", "nmt translate -o out.en --beam 3 Ein Hund"},
		{"nmt translate Ein --output=out.en", "nmt translate --output=out.en Ein"},
		{"nmt translate Ein --attention Hund", "nmt translate --attention Ein Hund"},
		{"nmt translate -i - -o out", "nmt translate -i - -o out"},
		{"nmt translate Ein -- -o", "nmt translate -- Ein -o"},
		{"nmt translate -- --", "nmt translate -- --"},
		{"nmt translate Ein -o", "nmt translate -o"},
		{"nmt translate Ein --bogus x", "nmt translate --bogus Ein x"},
		{"nmt tokenizer encode Hallo -t tok.json --ids", "nmt tokenizer encode -t tok.json --ids Hallo"},
		{"nmt eval align --gold g --pred p", "nmt eval align --gold g --pred p"},
		{"nmt eval --hyp h align", "nmt eval --hyp h align"},
		{"nmt translate help", "nmt translate help"},
		{"nmt export a.safetensors b.safetensors --dtype f32", "nmt export --dtype f32 a.safetensors b.safetensors"},
	}
	app := newApp()
	for _, tt := range tests {
		got := interspersed(app, strings.Fields(tt.in))
		if want := strings.Fields(tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("interspersed(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

// TestEnvironmentErrors checks that an invalid NMT_BLAS or NMT_NOASM is a
// one-line error naming the variable, for every command, instead of a
// silent fallback to pure Go.
func TestEnvironmentErrors(t *testing.T) {
	for _, tt := range []struct{ name, value string }{{"NMT_BLAS", "bogus"}, {"NMT_NOASM", "maybe"}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.name, tt.value)
			for _, p := range commandPaths(newApp().Commands, nil) {
				code, stdout, stderr := runMain(t, p...)
				checkUsageLine(t, code, stdout, stderr, `"`+tt.value+`"`)
				if !strings.Contains(stderr, tt.name) {
					t.Errorf("standard error %q does not name %s", stderr, tt.name)
				}
			}
		})
	}
}
