package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// The -update flag rewrites golden files; another test file of the package
// may define it first.
var _ = defineTranslateUpdateFlag()

func defineTranslateUpdateFlag() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
	return true
}

// translateGoldenUpdate reports whether -update was given.
func translateGoldenUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// fakeModel loads "reverse.nmt" as a model that translates a sentence into
// its words in reverse order, over a small word vocabulary.
func fakeModel(paths []string, _ translate.Compute) (translateModel, error) {
	if len(paths) != 1 || filepath.Base(paths[0]) != "reverse.nmt" {
		return translateModel{}, fmt.Errorf("load model %s: no such model", strings.Join(paths, ", "))
	}
	tok := translatetest.New([]string{"ein", "Mann", "fährt", "Fahrrad", ".", "eine", "Frau", "läuft"}, false)
	return translateModel{dec: &searchtest.Copy{V: tok.VocabSize(), Reverse: true}, src: tok, tgt: tok, compute: translate.ComputeFloat32}, nil
}

// runTranslateCLI runs "nmt translate args..." in-process with the fake
// model and stdin as standard input.
func runTranslateCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runTranslateCLIContext(t, context.Background(), strings.NewReader(stdin), args...)
}

// runTranslateCLIContext runs "nmt translate args..." in-process with the
// fake model, the context ctx and stdin as standard input.
func runTranslateCLIContext(t *testing.T, ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp()
	replaceCommand(app, newTranslateCommand(fakeModel))
	app.Reader = stdin
	app.Writer, app.ErrWriter = &out, &errOut
	err = runApp(ctx, app, append([]string{"nmt", "translate"}, args...))
	return out.String(), errOut.String(), err
}

func TestTranslateCommand(t *testing.T) {
	tests := []struct {
		name       string
		stdin      string
		args       []string
		out        string
		errContain string
	}{
		{"arguments", "", []string{"--model", "reverse.nmt", "ein Mann fährt Fahrrad .", "", "eine Katze läuft"},
			". Fahrrad fährt Mann ein\n\nläuft Katze eine\n", ""},
		{"greedy without unk replacement", "", []string{"-m", "reverse.nmt", "--beam", "1", "--no-unk-replace", "eine Katze läuft"},
			"läuft eine\n", ""},
		{"stdin", "ein Mann\n\neine \xff Frau\nFrau läuft\n", []string{"--model", "reverse.nmt"},
			"Mann ein\n\n\nläuft Frau\n", "stdin:3: invalid UTF-8\n"},
		{"too many tokens", "ein Mann fährt\nFrau\n", []string{"--model", "reverse.nmt", "--max-tokens", "2"},
			"\nFrau\n", "stdin:1: too many tokens: 3, at most 2\n"},
		{"argument errors", "", []string{"--model", "reverse.nmt", "ein", "eine \xff"},
			"ein\n\n", "line 2: invalid UTF-8\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runTranslateCLI(t, tt.stdin, tt.args...)
			// A failed line gives a complete output and status 1.
			if wantFail := tt.errContain != ""; (err != nil) != wantFail || (err != nil && exitCode(err) != 1) {
				t.Fatalf("error %v, want one with status 1: %v; stderr:\n%s", err, wantFail, errOut)
			}
			if err != nil && !strings.Contains(err.Error(), "1 of ") {
				t.Errorf("error %q does not count the failed lines", err)
			}
			if out != tt.out {
				t.Errorf("stdout %q, want %q", out, tt.out)
			}
			if errOut != tt.errContain {
				t.Errorf("stderr %q, want %q", errOut, tt.errContain)
			}
		})
	}
}

func TestTranslateCommandJSONL(t *testing.T) {
	out, errOut, err := runTranslateCLI(t, "ein Mann\n\neine \xff\n", "--model", "reverse.nmt", "--format", "jsonl", "--n-best", "2", "--beam", "3", "--attention")
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "1 of 3 lines failed") {
		t.Fatalf("error %v, want 1 of 3 lines failed; stderr:\n%s", err, errOut)
	}
	path := filepath.Join("testdata", "translate_jsonl.golden")
	if translateGoldenUpdate() {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, out)
	}
}

func TestTranslateCommandFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.de.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("ein Mann fährt\r\n\r\neine Frau läuft\neine \xff\n"))
	zw.Close()
	if err := os.WriteFile(in, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(dir, "out.en")
	stdout, errOut, err := runTranslateCLI(t, "", "--model", "reverse.nmt", "-i", in, "-o", outPath)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "1 of 4 lines failed") {
		t.Fatalf("error %v, want 1 of 4 lines failed, after the output is written; stderr:\n%s", err, errOut)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if !strings.Contains(errOut, "msg=translated compute=float32 lines=4 failed=1") {
		t.Errorf("stderr %q, want a summary log line", errOut)
	}
	if want := in + ":4: invalid UTF-8\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
	got, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "fährt Mann ein\n\nläuft Frau eine\n\n"; string(got) != want {
		t.Errorf("output file %q, want %q", got, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d files, want 2 (no temporary file left)", len(entries))
	}

	// A failing run leaves the output file as it was.
	_, _, err = runTranslateCLI(t, "", "--model", "reverse.nmt", "-i", filepath.Join(dir, "missing.de"), "-o", outPath)
	if err == nil || !strings.Contains(err.Error(), "missing.de") {
		t.Errorf("missing input: got error %v", err)
	}
	if again, _ := os.ReadFile(outPath); !bytes.Equal(again, got) {
		t.Errorf("output file changed by a failing run: %q", again)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d files after a failing run, want 2", len(entries))
	}
}

// cancelingReader gives lines without end and cancels its context on
// its second Read, as an interrupt would.
type cancelingReader struct {
	reads  int
	cancel context.CancelFunc
}

func (r *cancelingReader) Read(p []byte) (int, error) {
	r.reads++
	if r.reads == 2 {
		r.cancel()
	}
	line := "ein Mann fährt\n"
	n := 0
	for n+len(line) <= len(p) {
		n += copy(p[n:], line)
	}
	return n, nil
}

func TestTranslateCommandInterrupted(t *testing.T) {
	dir := t.TempDir()
	outPath := filepath.Join(dir, "out.en")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, err := runTranslateCLIContext(t, ctx, &cancelingReader{cancel: cancel}, "--model", "reverse.nmt", "-o", outPath)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("directory holds %v, want nothing (no output, no temporary file)", entries)
	}
}

func TestTranslateCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"built-in model by default", []string{"ein Mann"}, 1, "load model de-en: no such model"},
		{"bad format", []string{"-m", "reverse.nmt", "--format", "xml", "ein"}, 2, `unknown output format "xml"`},
		{"n-best above beam", []string{"-m", "reverse.nmt", "--beam", "2", "--n-best", "3", "ein"}, 2, "n-best must be between 1 and the beam size 2"},
		{"bad compute", []string{"-m", "reverse.nmt", "--compute", "fp16", "ein"}, 2, `unknown compute "fp16"`},
		{"n-best as text", []string{"-m", "reverse.nmt", "--n-best", "2", "ein"}, 2, "n-best 2 needs JSONL"},
		{"bad normalisation", []string{"-m", "reverse.nmt", "--length-norm", "log", "ein"}, 2, `unknown length normalisation "log"`},
		{"arguments and input", []string{"-m", "reverse.nmt", "-i", "x.txt", "ein"}, 2, "arguments or --input, not both"},
		{"workers", []string{"-m", "reverse.nmt", "--workers", "0", "ein"}, 2, "workers must be at least 1"},
		{"model fails to load", []string{"-m", "other.nmt", "ein"}, 1, "load model other.nmt: no such model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runTranslateCLI(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d", got, tt.code)
			}
			var ec cli.ExitCoder
			if tt.code == 2 && !errors.As(err, &ec) {
				t.Errorf("usage error %v is not a cli.ExitCoder", err)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

// TestTranslateFlagsAfterArguments checks that flags after the sentences
// are parsed as flags, and that "--" passes text that looks like a flag.
func TestTranslateFlagsAfterArguments(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.en")
	stdout, stderr, err := runTranslateCLI(t, "", "ein Mann fährt", "-m", "reverse.nmt", "-o", out, "--beam", "1")
	if err != nil {
		t.Fatalf("error %v; stderr:\n%s", err, stderr)
	}
	if stdout != "" {
		t.Errorf("standard output %q, want nothing (the translation goes to -o)", stdout)
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != "fährt Mann ein\n" {
		t.Errorf("output file %q (%v), want the one translation", got, err)
	}
	stdout, stderr, err = runTranslateCLI(t, "", "-m", "reverse.nmt", "ein", "--", "-o", "Mann")
	if err != nil {
		t.Fatalf("error %v; stderr:\n%s", err, stderr)
	}
	if want := "ein\n-o\nMann\n"; stdout != want {
		t.Errorf("after --: standard output %q, want %q", stdout, want)
	}
}

// TestTranslateOutputCheckedFirst checks that -o naming a directory or a
// file in a missing directory fails before any input is read, naming the
// path given.
func TestTranslateOutputCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ out, want string }{
		{dir, dir + ": is a directory"},
		{filepath.Join(dir, "no", "out.en"), filepath.Join(dir, "no", "out.en") + ": no such directory"},
	} {
		in := &countingReader{r: strings.NewReader("ein Mann\n")}
		_, _, err := runTranslateCLIContext(t, context.Background(), in, "-m", "reverse.nmt", "-o", tt.out)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("-o %s: error %v, want one with %q", tt.out, err, tt.want)
		}
		if in.reads > 0 {
			t.Errorf("-o %s: input read before the output was checked", tt.out)
		}
	}
}

// countingReader counts the Reads of r.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}
