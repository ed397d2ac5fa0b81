package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus/corpustest"
)

// helpExample is one example line of a command's help.
type helpExample struct {
	command string // the command whose help shows it, "nmt tokenizer encode"
	line    string // the example, continuation lines joined
}

// helpExamples returns the example lines of the app's help and of every
// command's, in the order of the help: the lines after "Examples:" in each
// description that start with "nmt", "echo" or "zcat".
func helpExamples(app *cli.App) []helpExample {
	var out []helpExample
	add := func(command, desc string) {
		_, ex, ok := strings.Cut(desc, "Examples:")
		if !ok {
			return
		}
		ex = strings.ReplaceAll(ex, "\\\n", " ")
		for _, line := range strings.Split(ex, "\n") {
			line, _, _ = strings.Cut(line, " # ") // a comment
			line = strings.Join(strings.Fields(line), " ")
			if strings.HasPrefix(line, "nmt ") || strings.HasPrefix(line, "echo ") || strings.HasPrefix(line, "zcat ") {
				out = append(out, helpExample{command, line})
			}
		}
	}
	add(app.Name, app.Description)
	var walk func(parent string, cmds []*cli.Command)
	walk = func(parent string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := parent + " " + c.Name
			add(name, c.Description)
			walk(name, c.Subcommands)
		}
	}
	walk(app.Name, app.Commands)
	return out
}

// exampleWords splits a command line into words, honouring double quotes.
func exampleWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
			}
			inWord = false
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestHelpExamples runs every example line of every command's help, as
// written, in a directory of small input files named as the examples name
// them; with the built-in models for translate and align. Only what cannot
// run in a test is changed: training runs stop after 2 steps (a resumed one
// after 4) and train on a tiny corpus (a fake Multi30k directory at
// ../shared/data/multi30k), the Multi30k download comes from a local server
// over the real files, "runs/deen" is the run directory the training
// examples wrote (its checkpoints stand for the ones an example names, and
// --average takes at most as many as there are), and a model under run/
// that no example has trained yet is the built-in de-en.
// Lines that need the real Multi30k files are skipped without them.
func TestHelpExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every help example, training included")
	}
	shared := ""
	t.Run("shared", func(t *testing.T) { shared = corpustest.SharedDir(t, "data", "multi30k") })
	root := t.TempDir()
	work := filepath.Join(root, "work")
	fakeMulti30k := filepath.Join(root, "shared", "data", "multi30k")
	for _, d := range []string{work, fakeMulti30k} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeExampleFiles(t, work, fakeMulti30k)
	t.Chdir(work)
	var server *httptest.Server
	if shared != "" {
		server = httptest.NewServer(http.StripPrefix("/raw/", http.FileServer(http.Dir(shared))))
		defer server.Close()
	}

	for _, ex := range helpExamples(newApp()) {
		t.Run(ex.line, func(t *testing.T) {
			if strings.HasPrefix(ex.line, "nmt serve") {
				// A server runs until it is stopped: TestServeGracefulShutdown
				// starts and stops one.
				t.Skip("nmt serve runs until stopped: covered by the serve tests")
			}
			var stdin []byte
			for _, stage := range strings.Split(ex.line, " | ") {
				words := exampleWords(stage)
				var args []string
				var outFile string
				for i := 0; i < len(words); i++ {
					switch w := words[i]; {
					case w == "<":
						i++
						stdin = readFile(t, words[i])
					case w == ">":
						i++
						outFile = words[i]
					default:
						args = append(args, w)
					}
				}
				switch args[0] {
				case "echo":
					stdin = []byte(strings.Join(args[1:], " ") + "\n")
					continue
				case "zcat":
					stdin = gunzip(t, readFile(t, args[1]))
					continue
				}
				args = adaptExample(t, args, shared, server)
				app := newApp()
				var out, errOut bytes.Buffer
				app.Reader, app.Writer, app.ErrWriter = bytes.NewReader(stdin), &out, &errOut
				if code := run(context.Background(), app, args); code != 0 {
					t.Fatalf("%s: exit status %d; standard error:\n%s", strings.Join(args, " "), code, errOut.String())
				}
				stdin = out.Bytes()
				if outFile != "" {
					if err := os.WriteFile(outFile, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// adaptExample changes what an example cannot do in a test (see
// TestHelpExamples), skipping it when it needs the real Multi30k files.
func adaptExample(t *testing.T, args []string, shared string, server *httptest.Server) []string {
	line := strings.Join(args, " ")
	ckpts, _ := filepath.Glob("run/ckpt-*.safetensors")
	used := 0
	for i, a := range args {
		if rest, ok := strings.CutPrefix(a, "runs/deen"); ok {
			a = "run" + rest
		}
		switch {
		case !strings.HasPrefix(a, "run/") || fileExists(a) || (i > 0 && args[i-1] == "--out"):
		case i > 0 && (args[i-1] == "-m" || args[i-1] == "--model"):
			a = "de-en" // a model the example trains later
		case strings.HasPrefix(a, "run/ckpt-") && used < len(ckpts):
			a = ckpts[used] // the checkpoints the training examples wrote
			used++
		}
		args[i] = a
		if i > 0 && args[i-1] == "--average" {
			args[i] = fmt.Sprint(min(len(ckpts), atoi(t, a)))
		}
	}
	switch {
	case strings.HasPrefix(line, "nmt corpus fetch") || strings.Contains(line, "data/multi30k/"):
		if shared == "" {
			t.Skip("needs the Multi30k files of ../shared")
		}
		for i, a := range args {
			if a == "../shared/data/multi30k" {
				args[i] = shared
			}
		}
		if !strings.Contains(line, "--from") && strings.HasPrefix(line, "nmt corpus fetch") {
			args = append(args, "--base-url", server.URL+"/")
		}
	case strings.Contains(line, "--shard") || strings.HasPrefix(line, "nmt corpus merge"):
		// One shard of 64 needs a job index, and a merge all 64 shards:
		// shard_test.go runs sharding and merging end to end.
		t.Skip("sharding examples are not run here (see TestShardedTranslationMatches)")
	case strings.HasPrefix(line, "nmt train --resume"):
		args = append(args, "--max-steps", "4") // a second checkpoint, for the export examples
	case strings.HasPrefix(line, "nmt train") && !strings.Contains(line, "--print-config"):
		args = append(args, "--max-steps", "2")
	}
	return args
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func atoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

// writeExampleFiles writes the input files the help examples name into
// dir, and a tiny Multi30k training set into multi30k.
func writeExampleFiles(t *testing.T, dir, multi30k string) {
	t.Helper()
	german := "Ein Hund läuft über die Wiese.\nZwei Kinder spielen im Garten.\nEine Frau liest ein Buch.\n"
	english := "A dog runs across the meadow.\nTwo children play in the garden.\nA woman reads a book.\n"
	pharaoh := "0-0 1-1 2-2 3-3 4-4 5-5\n0-0 1-1 2-2 3-3 4-4 5-5\n0-0 1-1 2-3 3-2 4-4\n"
	de, en := pseudoText(3000, 1), pseudoText(3000, 2)
	files := map[string]string{
		"in.de": german, "test.de": german, "big.de": german, "big.en": english, "one.de": "Ein Hund läuft.\n", "test.en": english,
		"hyp.txt": english, "ref.txt": english, "hyp.tok": english, "ref.tok": english,
		"gold.txt": pharaoh, "pred.txt": pharaoh, "gold.talp": strings.ReplaceAll(pharaoh, "0-0", "1-1"),
		"val.de": german, "val.en": english, "train.de": german + german, "train.en": english + english,
		"web.txt": de + "broken \xff byte\n",
		"all.tsv": tsv(de, en), "pairs.tsv": tsv(de, en),
	}
	for name, text := range attentionExports(t) {
		files[name] = text
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gz := map[string]string{
		filepath.Join(dir, "test.de.gz"): german, filepath.Join(dir, "val.en.gz"): english,
		filepath.Join(dir, "train.de.gz"): de, filepath.Join(dir, "train.en.gz"): en,
		filepath.Join(multi30k, "train.de.gz"): strings.Repeat(german, 4), filepath.Join(multi30k, "train.en.gz"): strings.Repeat(english, 4),
		filepath.Join(multi30k, "val.de.gz"): german, filepath.Join(multi30k, "val.en.gz"): english,
	}
	for path, text := range gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(text))
		zw.Close()
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pseudoText returns n lines of made-up words, varied enough for a BPE
// vocabulary of more than a thousand tokens.
func pseudoText(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 9))
	syllables := strings.Fields("ka lo mi ne su ra te po gu fi da ze wo hi ba ku sel tor mun vik")
	var b strings.Builder
	for range n {
		words := 3 + r.IntN(6)
		for w := range words {
			if w > 0 {
				b.WriteByte(' ')
			}
			for range 1 + r.IntN(3) {
				b.WriteString(syllables[r.IntN(len(syllables))])
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// tsv joins the lines of a and b with tabs.
func tsv(a, b string) string {
	as, bs := strings.Split(strings.TrimSuffix(a, "\n"), "\n"), strings.Split(strings.TrimSuffix(b, "\n"), "\n")
	var s strings.Builder
	for i := range as {
		fmt.Fprintf(&s, "%s\t%s\n", as[i], bs[i])
	}
	return s.String()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
