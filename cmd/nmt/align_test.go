package main

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
)

// fakeAligner aligns each source word i to output word i. Its "pieces"
// split words longer than four bytes in two, so that subword-to-word
// mapping is exercised. Without refs it "translates" by upper-casing.
type fakeAligner struct{ calls int }

func (f *fakeAligner) Align(_ context.Context, srcs, refs []string) ([]align.Matrix, error) {
	f.calls++
	out := make([]align.Matrix, len(srcs))
	for i, src := range srcs {
		tgt := strings.ToUpper(src)
		if refs != nil {
			tgt = refs[i]
		}
		m := align.Matrix{Source: src, Target: tgt}
		m.SourceTokens, m.SourceWords = fakePieces(src)
		m.TargetTokens, m.TargetWords = fakePieces(tgt)
		for t := range m.TargetTokens {
			row := make([]float32, len(m.SourceTokens))
			// Attend to the source piece of the same word index (or </s>).
			k := len(row) - 1
			for s, w := range m.SourceWords {
				if w == m.TargetWords[t] && w >= 0 {
					k = s
					break
				}
			}
			for s := range row {
				row[s] = 0.1 / float32(len(row)-1)
			}
			row[k] = 0.9
			m.Weights = append(m.Weights, row)
		}
		out[i] = m
	}
	return out, nil
}

func fakePieces(line string) ([]string, []int) {
	var toks []string
	var idx []int
	for i, w := range strings.Fields(line) {
		if len(w) > 4 {
			toks, idx = append(toks, w[:2], w[2:]), append(idx, i, i)
		} else {
			toks, idx = append(toks, w), append(idx, i)
		}
	}
	return append(toks, "</s>"), append(idx, align.Special)
}

// runAlign runs "nmt align args..." with the fake model and the given
// standard input, returning standard output.
func runAlign(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	replaceCommand(app, newAlignCommand(func(context.Context, []string) (align.Aligner, error) {
		return &fakeAligner{}, nil
	}))
	var out, errOut bytes.Buffer
	app.Writer, app.ErrWriter, app.Reader = &out, &errOut, strings.NewReader(stdin)
	err := runApp(context.Background(), app, append([]string{"nmt", "align", "-m", "fake.nmt"}, args...))
	return out.String(), err
}

func writeLines(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAlignTextFormats(t *testing.T) {
	dir := t.TempDir()
	src := writeLines(t, dir, "src.txt", "ein Mann fährt Fahrrad.", "zwei Hunde <b>")
	ref := writeLines(t, dir, "ref.txt", "a man rides bikes.", "two dogs")
	tests := []struct {
		name string
		args []string
		want string // exact output, or a substring when contains is set
		sub  bool
	}{
		{"pharaoh forced", []string{"-i", src, "--ref", ref}, "0-0 1-1 2-2 3-3\n0-0 1-1\n", false},
		{"pharaoh decoded", []string{"-i", src}, "0-0 1-1 2-2 3-3\n0-0 1-1 2-2\n", false},
		{"pharaoh threshold", []string{"-i", src, "--ref", ref, "-t", "0.5"}, "0-0 1-1 2-2 3-3\n0-0 1-1\n", false},
		{"pharaoh low threshold links all", []string{"-i", src, "--ref", ref, "-t", "0.01"}, "0-0 0-1 0-2 0-3 1-0", true},
		{"csv words", []string{"-i", src, "--ref", ref, "-f", "csv"}, "0,0,0,a,3,3,Fahrrad.,", true},
		{"csv subwords keep special", []string{"-i", src, "--ref", ref, "-f", "csv", "--subword"}, "1,2,-1,</s>,4,-1,</s>,0.9\n", true},
		{"jsonl", []string{"-i", src, "--ref", ref, "-f", "jsonl", "--keep-special"}, `"source_tokens":["zwei","Hunde","<b>","</s>"]`, true},
		{"html escapes", []string{"-i", src, "-f", "html", "--title", "T"}, "&lt;b&gt;", true},
		{"stdin", []string{"-f", "PHARAOH"}, "0-0\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := "hallo\n"
			got, err := runAlign(t, stdin, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.sub && !strings.Contains(got, tt.want) || !tt.sub && got != tt.want {
				t.Errorf("output:\n%s\nwant %s%q", got, map[bool]string{true: "it to contain ", false: ""}[tt.sub], tt.want)
			}
		})
	}
}

func TestAlignFiles(t *testing.T) {
	dir := t.TempDir()
	src := writeLines(t, dir, "src.txt", "ein Mann", "zwei Hunde laufen")
	one := writeLines(t, dir, "one.txt", "Кошка спит")

	// JSON to a file reads back with the package reader.
	out := filepath.Join(dir, "a.json")
	if _, err := runAlign(t, "", "-i", src, "-f", "json", "-o", out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ms, err := align.ReadJSON(f, out)
	if err != nil || len(ms) != 2 || ms[1].TargetTokens[2] != "LAUFEN" {
		t.Fatalf("read back %v, %v", ms, err)
	}

	// One sentence: -o is the image file.
	pngPath := filepath.Join(dir, "one.png")
	if _, err := runAlign(t, "", "-i", one, "-f", "png", "-o", pngPath); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("%s: %v", pngPath, err)
	}

	// Many sentences: a directory, or a pattern.
	heat := filepath.Join(dir, "heat")
	if _, err := runAlign(t, "", "-i", src, "-f", "svg", "-o", heat); err != nil {
		t.Fatal(err)
	}
	if _, err := runAlign(t, "", "-i", src, "-f", "svg", "-o", filepath.Join(dir, "h-%02d.svg")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"heat/sentence-0001.svg", "heat/sentence-0002.svg", "h-01.svg", "h-02.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte(">Mann<")) && strings.HasSuffix(p, "1.svg") {
			t.Errorf("%s: %v (%d bytes)", p, err, len(b))
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func TestAlignErrors(t *testing.T) {
	dir := t.TempDir()
	src := writeLines(t, dir, "src.txt", "a b", "c")
	ref := writeLines(t, dir, "ref.txt", "x y")
	tests := []struct {
		name     string
		args     []string
		usage    bool   // exit code 2
		contains string // in the message
	}{
		{"bad format", []string{"-i", src, "-f", "xml"}, true, `unknown format "xml"`},
		{"subword pharaoh", []string{"-i", src, "--subword"}, true, "drop --subword"},
		{"threshold range", []string{"-i", src, "-t", "2"}, true, "between 0 and 1"},
		{"image needs output", []string{"-i", src, "-f", "png"}, true, "need -o"},
		{"bad pattern", []string{"-i", src, "-f", "svg", "-o", filepath.Join(dir, "x-%s-%d.svg")}, true, "one %d verb"},
		{"target pieces", []string{"-i", src, "--target-pieces", "max"}, true, "mean, sum or first"},
		{"stray argument", []string{"-i", src, "extra"}, true, "unexpected argument"},
		{"ref line count", []string{"-i", src, "--ref", ref}, false, "has 2 lines but"},
		{"missing input", []string{"-i", filepath.Join(dir, "nope.txt")}, false, "nope.txt"},
		{"missing font", []string{"-i", src, "-f", "png", "-o", dir, "--font", filepath.Join(dir, "no.ttf")}, false, "no.ttf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runAlign(t, "", tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not mention %q", err, tt.contains)
			}
			if got := exitCode(err); (got == 2) != tt.usage {
				t.Errorf("exit code %d, usage error %v", got, tt.usage)
			}
		})
	}
}

// TestAlignOutputCheckedFirst checks that an output that cannot be
// written is reported, naming the path given, before the model is loaded.
func TestAlignOutputCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	src := writeLines(t, dir, "src.txt", "a b", "c")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", dir}, dir + ": is a directory"},
		{[]string{"-o", filepath.Join(dir, "missing", "a.txt")}, filepath.Join(dir, "missing", "a.txt") + ": no such directory"},
		{[]string{"-f", "png", "-o", filepath.Join(dir, "missing", "h-%d.png")}, filepath.Join(dir, "missing", "h-1.png") + ": no such directory"},
	} {
		app := newApp()
		loaded := false
		replaceCommand(app, newAlignCommand(func(context.Context, []string) (align.Aligner, error) {
			loaded = true
			return &fakeAligner{}, nil
		}))
		app.Writer, app.ErrWriter = &bytes.Buffer{}, &bytes.Buffer{}
		err := runApp(context.Background(), app, append([]string{"nmt", "align", "-i", src}, tt.args...))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("%v: error %v, want one with %q", tt.args, err, tt.want)
		}
		if loaded {
			t.Errorf("%v: the model was loaded before the output was checked", tt.args)
		}
	}
}

func TestAlignWithoutModelLoader(t *testing.T) {
	dir := t.TempDir()
	src := writeLines(t, dir, "src.txt", "a b")
	app := newApp()
	app.Writer, app.ErrWriter = &bytes.Buffer{}, &bytes.Buffer{}
	err := app.Run([]string{"nmt", "align", "-m", "model.nmt", "-i", src})
	if err == nil || !strings.Contains(err.Error(), "model.nmt") {
		t.Errorf("error = %v, want one naming the model", err)
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		t.Errorf("a missing model is not a usage error: exit %d", ec.ExitCode())
	}
}
