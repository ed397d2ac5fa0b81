package serve_test

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attnmt/nmt/attention/align/chromiumtest"
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate"
)

var docs = flag.Bool("docs", false, "write a screenshot of the page with the built-in models to ../../docs/serve-page.png")

// browser starts headless Chromium, skipping the test when none is installed.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return chromiumtest.Browser(t, width, height, 90*time.Second)
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitTranslation waits until the translation shows want.
func waitTranslation(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := waitJS(t, ctx, `document.getElementById("translation").textContent`, want, 20*time.Second); got != want {
		t.Fatalf("translation shows %q, want %q (status %q)", got, want,
			evalJS[string](t, ctx, `document.getElementById("status").textContent`))
	}
}

// waitJS evaluates js until it gives want or timeout has passed, and
// returns its last value.
func waitJS[T comparable](t *testing.T, ctx context.Context, js string, want T, timeout time.Duration) T {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := evalJS[T](t, ctx, js)
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPageInChromium(t *testing.T) {
	ctx := browser(t, 1000, 800)
	ts := newTestServer(t, testModels(nil), nil)
	run(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("#direction option")))

	if got := evalJS[string](t, ctx, `document.getElementById("direction").value`); got != "de-en" {
		t.Fatalf("first direction %q, want de-en", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#source"), "ein Mann fährt Fahrrad"))
	waitTranslation(t, ctx, "Fahrrad fährt Mann ein")
	rows := evalJS[int](t, ctx, `document.querySelectorAll("#s0 tbody tr").length`)
	cols := evalJS[int](t, ctx, `document.querySelectorAll("#s0 thead th[data-c]").length`)
	if rows != 4 || cols != 4 {
		t.Errorf("heatmap has %d rows and %d columns, want one per output word (4) and source word (4)", rows, cols)
	}
	// The lines are drawn in the next animation frame (app.js, drawLines).
	if n := waitJS(t, ctx, `document.querySelectorAll("#s0 .lines line").length`, 4, 5*time.Second); n != 4 {
		t.Errorf("%d alignment lines drawn, want 4", n)
	}
	// The reversal attends to the mirrored word: the darkest cell of row 0 is column 3.
	run(t, ctx, chromedp.Focus(chromedp.CSS(`#s0 .words.tgt [data-r="0"]`)))
	if got := evalJS[string](t, ctx, `document.querySelector("#s0 .info").textContent`); got != "Fahrrad ↔ Fahrrad" {
		t.Errorf("focusing the first output word shows %q", got)
	}
	if !evalJS[bool](t, ctx, `document.querySelector('#s0 .words.src [data-c="3"]').classList.contains("hl")`) {
		t.Error("focusing the first output word does not highlight the source word it is aligned to")
	}

	// Switch the direction: the translation becomes the source.
	run(t, ctx, chromedp.Click(chromedp.CSS("#swap")))
	waitTranslation(t, ctx, "Fahrrad fährt Mann ein") // en-de copies
	if got := evalJS[string](t, ctx, `document.getElementById("direction").value`); got != "en-de" {
		t.Errorf("after swapping, direction %q, want en-de", got)
	}

	// Markup in the text shows as text.
	evalJS[string](t, ctx, `document.getElementById("source").value = ""`)
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#source"), "<script>alert(1)</script> ein"))
	waitTranslation(t, ctx, "<script>alert(1)</script> ein")
	if got := evalJS[string](t, ctx, `document.querySelector('#s0 thead th[data-c="0"]').textContent`); got != "<script>alert(1)</script>" {
		t.Errorf("source word with markup shows as %q", got)
	}
	if n := evalJS[int](t, ctx, `document.scripts.length`); n != 1 {
		t.Errorf("%d script elements in the page, want only app.js", n)
	}
}

// TestPageScreenshot writes docs/serve-page.png with the built-in models,
// with -docs.
func TestPageScreenshot(t *testing.T) {
	if !*docs {
		t.Skip("run with -docs to write docs/serve-page.png")
	}
	var models []*serve.Model
	for _, name := range []string{"de-en", "en-de"} {
		m, err := translate.LoadModel(name, translate.ComputeFloat32)
		if err != nil {
			t.Fatal(err)
		}
		src, tgt, _ := serve.ParsePair(name)
		models = append(models, &serve.Model{Name: name, Source: src, Target: tgt, Decoder: m.Decoder, Src: m.Src, Tgt: m.Tgt})
	}
	ts := newTestServer(t, models, nil)
	ctx := browser(t, 1100, 900)
	run(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("#direction option")),
		chromedp.SendKeys(chromedp.CSS("#source"), "Ein kleines Mädchen sitzt auf einer Bank und isst ein Eis."))
	deadline := time.Now().Add(30 * time.Second)
	for evalJS[int](t, ctx, `document.querySelectorAll("#s0 tbody tr").length`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no heatmap")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	run(t, ctx, chromedp.Focus(chromedp.CSS(`#s0 .words.tgt [data-r="1"]`)))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(shot), "\x89PNG") {
		t.Fatal("screenshot is not a PNG")
	}
	if err := os.WriteFile("../../docs/serve-page.png", shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
