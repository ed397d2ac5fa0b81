package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attnmt/nmt/attention/align/chromiumtest"
	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/corpustest"
)

var writeDocs = flag.Bool("docs", false, "rewrite the README's alignment images in ../../docs/ with the built-in de-en model")

// TestDocsImages makes the alignment images the README shows the way the
// README says they were made: nmt align with the built-in de-en model, a
// heatmap of one sentence (-f png and -f svg) and the HTML report of the
// first six sentences of Multi30k val (-f html) with a screenshot of it.
// Run it with -docs after a change to the model or to how alignments
// look.
func TestDocsImages(t *testing.T) {
	if !*writeDocs {
		t.Skip("run with -docs to rewrite docs/align-*")
	}
	docs := filepath.Join("..", "..", "docs")
	dir := t.TempDir()
	one := filepath.Join(dir, "one.de")
	if err := os.WriteFile(one, []byte("Zwei junge Männer spielen auf einer Wiese Fußball.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	val := filepath.Join(dir, "val.de")
	if err := os.WriteFile(val, []byte(strings.Join(firstLines(t, corpustest.SharedDir(t, "data", "multi30k", "val.de.gz"), 6), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(docs, "align-report.html")
	for _, args := range [][]string{
		{"align", "-i", one, "-f", "png", "-o", filepath.Join(docs, "align-heatmap.png")},
		{"align", "-i", one, "-f", "svg", "-o", filepath.Join(docs, "align-heatmap.svg")},
		{"align", "-i", val, "-f", "html", "--title", "nmt: attention of the built-in de-en model", "-o", report},
	} {
		if _, stderr, err := runNMT(t, args...); err != nil {
			t.Fatalf("nmt %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
	}
	abs, err := filepath.Abs(report)
	if err != nil {
		t.Fatal(err)
	}
	ctx := chromiumtest.Browser(t, 1100, 900, 5*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900), chromedp.Navigate("file://"+abs), chromedp.WaitVisible(chromedp.CSS("table.grid"))); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "align-report.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// firstLines returns the first n lines of a corpus file.
func firstLines(t *testing.T, path string, n int) []string {
	t.Helper()
	r, err := corpus.OpenLines(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lines []string
	for len(lines) < n && r.Next() {
		lines = append(lines, r.Text())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
