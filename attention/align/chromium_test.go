package align

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/attnmt/nmt/attention/align/chromiumtest"
)

// browser starts headless Chromium for a test, skipping it when no
// Chromium is installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	return chromiumtest.Browser(t, 1000, 800, 60*time.Second)
}

func TestHTMLInChromium(t *testing.T) {
	ms := goldenSet(t)
	ctx := openReport(t, ms)
	cells := eval[int](ctx, t, `document.querySelectorAll("td[data-w]").length`)
	darkest := eval[string](ctx, t, `getComputedStyle(document.querySelector('#s0 td[data-r="4"][data-c="3"]')).backgroundColor`)
	scriptText := textOf(ctx, t, `#s1 th[data-c="1"]`)
	status := textOf(ctx, t, "#s0 .info")
	want := 0
	for _, m := range ms {
		want += len(m.SourceTokens) * len(m.TargetTokens)
	}
	if cells != want {
		t.Errorf("%d cells rendered, want %d", cells, want)
	}
	// bike. -> Fahrrad. weighs 0.75.
	c := heatColor(float64(ms[0].Weights[4][3]))
	if want := fmt.Sprintf("rgb(%d, %d, %d)", c.R, c.G, c.B); darkest != want {
		t.Errorf("cell (4, 3) background = %s, want %s", darkest, want)
	}
	if scriptText != "<script>alert(1)</script>" {
		t.Errorf("source word with markup shows as %q", scriptText)
	}
	if status != "hover a cell or a word" {
		t.Errorf("status before hovering = %q", status)
	}
	if marks := eval[int](ctx, t, `document.querySelectorAll("td i, td.pick, [data-window], .legend.win, .legend.pick").length`); marks != 0 {
		t.Errorf("soft attention's report draws %d glimpse marks, want none", marks)
	}

	// Hover the cell of "man" (row 1) and "Mann" (column 1).
	hover(ctx, t, `#s0 td[data-r="1"][data-c="1"]`)
	got := classes(ctx, t, `#s0 th.col[data-c="1"]`, `#s0 th.row[data-r="1"]`, `#s0 .src [data-c="1"]`,
		`#s0 .tgt [data-r="1"]`, `#s0 td[data-r="1"][data-c="1"]`, `#s0 th.col[data-c="0"]`)
	for i, sel := range []string{"column header", "row header", "source word", "output word", "cell"} {
		if !strings.Contains(got[i], "hl") {
			t.Errorf("after hovering cell (1, 1), the %s is not highlighted (class %q)", sel, got[i])
		}
	}
	if strings.Contains(got[5], "hl") {
		t.Error("hovering cell (1, 1) highlights column 0 too")
	}
	if s := textOf(ctx, t, "#s0 .info"); s != "Mann → man: 0.650" {
		t.Errorf("status after hovering cell (1, 1) = %q", s)
	}

	// Hover the output word "rides": its link to "fährt" lights up.
	hover(ctx, t, `#s0 th.row[data-r="2"]`)
	got = classes(ctx, t, `#s0 th.col[data-c="2"]`, `#s0 td[data-r="2"][data-c="2"]`, `#s0 th.col[data-c="1"]`)
	if !strings.Contains(got[0], "hl") || !strings.Contains(got[1], "hl") || strings.Contains(got[2], "hl") {
		t.Errorf("after hovering \"rides\": fährt %q, link cell %q, Mann %q", got[0], got[1], got[2])
	}
	if s := textOf(ctx, t, "#s0 .info"); s != "rides ↔ fährt" {
		t.Errorf("status after hovering rides = %q", s)
	}
}

// openReport writes the HTML report of ms and opens it in headless
// Chromium.
func openReport(t *testing.T, ms []Matrix) context.Context {
	t.Helper()
	ctx := browser(t)
	var page bytes.Buffer
	if err := WriteHTML(&page, ms, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("table.grid"))); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](ctx context.Context, t *testing.T, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// hover moves the mouse to the centre of the element sel.
func hover(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel))); err != nil {
		t.Fatalf("scroll to %s: %v", sel, err)
	}
	box := eval[[]float64](ctx, t, `(() => { const r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1])); err != nil {
		t.Fatalf("hover %s: %v", sel, err)
	}
}

func classes(ctx context.Context, t *testing.T, sels ...string) []string {
	t.Helper()
	out := make([]string, len(sels))
	for i, sel := range sels {
		out[i] = eval[string](ctx, t, `document.querySelector(`+"`"+sel+"`"+`).className`)
	}
	return out
}

func textOf(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	return eval[string](ctx, t, `document.querySelector(`+"`"+sel+"`"+`).textContent`)
}
