package align

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// rowMarks is what the page draws in one row of a heatmap table, in
// pixels: the cells' left edges and widths, the union of the window
// line's pieces, whether the pieces join up, and the centre dot's middle.
type rowMarks struct {
	CellLeft, CellWidth []float64
	CellMiddleY         float64
	Pieces              int
	LineLeft, LineRight float64
	Gapless             bool
	LineColor           string
	DotX, DotY          float64
	Dots                int
}

const rowMarksJS = `(() => {
  const out = [];
  document.querySelectorAll("#s0 table.grid tbody tr").forEach((tr) => {
    const tds = [...tr.querySelectorAll("td")];
    const rm = {CellLeft: [], CellWidth: [], Pieces: 0, LineLeft: 1e9, LineRight: -1e9, Gapless: true, LineColor: "", Dots: 0, DotX: 0, DotY: 0};
    tds.forEach((td) => { const r = td.getBoundingClientRect(); rm.CellLeft.push(r.left); rm.CellWidth.push(r.width); rm.CellMiddleY = r.top + r.height / 2; });
    const pieces = [...tr.querySelectorAll("i.win")].map((e) => e.getBoundingClientRect()).sort((a, b) => a.left - b.left);
    rm.Pieces = pieces.length;
    pieces.forEach((p, i) => {
      if (i > 0 && p.left > pieces[i - 1].right + 2) { rm.Gapless = false; }
      rm.LineLeft = Math.min(rm.LineLeft, p.left); rm.LineRight = Math.max(rm.LineRight, p.right);
    });
    const piece = tr.querySelector("i.win");
    if (piece) { rm.LineColor = getComputedStyle(piece).backgroundColor; }
    const dots = tr.querySelectorAll("i.ctr");
    rm.Dots = dots.length;
    if (dots.length) { const d = dots[0].getBoundingClientRect(); rm.DotX = d.left + d.width / 2; rm.DotY = d.top + d.height / 2; }
    out.push(rm);
  });
  return out;
})()`

// TestGlimpsesInChromium checks that the report draws local attention's
// window and centre where they are on each row, and boxes the cell
// sampled hard attention drew over the distribution it was drawn from.
func TestGlimpsesInChromium(t *testing.T) {
	local := localSample()
	local.Windows[1] = Window{Centre: 2.25, Width: 0.375} // 1.5 to 3.0: not on cell edges
	local.Windows[7] = Window{Centre: 6.6, Width: 1.2}    // runs past the last column: clamped
	hard := hardSample()
	// Row 2 drew "t" (column 3), not its distribution's mode "fähr".
	hard.Weights[2] = []float32{0, 0, 0, 1, 0, 0, 0, 0}
	ctx := openReport(t, []Matrix{local, hard})

	rows := eval[[]rowMarks](ctx, t, rowMarksJS)
	if len(rows) != len(local.TargetTokens) {
		t.Fatalf("%d rows in the local heatmap, want %d", len(rows), len(local.TargetTokens))
	}
	cols := float64(len(local.SourceTokens))
	// x is where the fractional column x is on the page: the cell that
	// holds it, from its left edge.
	x := func(rm rowMarks, col float64) float64 {
		col = min(max(col, -0.5), cols-0.5)
		c := min(int(math.Floor(col+0.5)), len(rm.CellLeft)-1)
		return rm.CellLeft[c] + (col-float64(c)+0.5)*rm.CellWidth[c]
	}
	mark := fmt.Sprintf("rgb(%d, %d, %d)", windowColor.R, windowColor.G, windowColor.B)
	const tol = 2 // pixels: cell borders
	for r, rm := range rows {
		w := local.Windows[r]
		c, half := float64(w.Centre), 2*float64(w.Width)
		if rm.Pieces == 0 || !rm.Gapless || rm.LineColor != mark {
			t.Errorf("row %d: window drawn in %d pieces, joined %t, colour %q (want %s)", r, rm.Pieces, rm.Gapless, rm.LineColor, mark)
			continue
		}
		if lo := x(rm, c-half); math.Abs(rm.LineLeft-lo) > tol {
			t.Errorf("row %d: window starts at x %.1f, want %.1f (column %.2f)", r, rm.LineLeft, lo, c-half)
		}
		if hi := x(rm, c+half); math.Abs(rm.LineRight-hi) > tol {
			t.Errorf("row %d: window ends at x %.1f, want %.1f (column %.2f)", r, rm.LineRight, hi, c+half)
		}
		if rm.Dots != 1 || math.Abs(rm.DotX-x(rm, c)) > tol || math.Abs(rm.DotY-rm.CellMiddleY) > tol {
			t.Errorf("row %d: %d centre dots, at (%.1f, %.1f), want one at (%.1f, %.1f)", r, rm.Dots, rm.DotX, rm.DotY, x(rm, c), rm.CellMiddleY)
		}
	}
	hover(ctx, t, `#s0 th.row[data-r="1"]`)
	if s := textOf(ctx, t, "#s0 .info"); s != "man ↔ Mann; centre 2.25, window 1.50 to 3.00" {
		t.Errorf("status after hovering a local row = %q", s)
	}

	// Sampled hard attention: one box per row, on the drawn cell, over
	// cells shaded by the distribution.
	picks := eval[[]int](ctx, t, `[...document.querySelectorAll("#s1 table.grid tbody tr")].map((tr) => {
	  const p = tr.querySelectorAll("td.pick");
	  return p.length === 1 && p[0].querySelectorAll("i.pick").length === 1 ? Number(p[0].dataset.c) : -p.length - 1;
	})`)
	for r, c := range picks {
		if want := drawnCell(hard.Weights[r]); c != want {
			t.Errorf("hard row %d: boxed cell %d, want %d (negative: -1 - number of boxes)", r, c, want)
		}
	}
	box := eval[[]float64](ctx, t, `(() => { const td = document.querySelector('#s1 td.pick[data-r="2"]'), b = td.querySelector("i.pick");
	  const tr = td.getBoundingClientRect(), br = b.getBoundingClientRect();
	  return [tr.left, tr.width, br.left, br.width, parseFloat(getComputedStyle(b).borderTopWidth)]; })()`)
	if math.Abs(box[0]-box[2]) > tol || math.Abs(box[1]-box[3]) > tol || box[4] < 1 {
		t.Errorf("the drawn cell's box [left %.1f width %.1f border %.1f] does not frame its cell [left %.1f width %.1f]", box[2], box[3], box[4], box[0], box[1])
	}
	if got := eval[string](ctx, t, `getComputedStyle(document.querySelector('#s1 td.pick[data-r="2"] i.pick')).borderTopColor`); got != mark {
		t.Errorf("box colour %s, want %s", got, mark)
	}
	shade := eval[string](ctx, t, `getComputedStyle(document.querySelector('#s1 td[data-r="2"][data-c="2"]')).backgroundColor`)
	if c := heatColor(float64(hard.Dists[2][2])); shade != fmt.Sprintf("rgb(%d, %d, %d)", c.R, c.G, c.B) {
		t.Errorf("cell (2, 2), the distribution's mode, is shaded %s: want the distribution's weight %.2f", shade, hard.Dists[2][2])
	}
	hover(ctx, t, `#s1 td[data-r="2"][data-c="3"]`)
	if s := textOf(ctx, t, "#s1 .info"); s != "t → ri: 0.050, drawn" {
		t.Errorf("status after hovering the drawn cell = %q", s)
	}
	legend := textOf(ctx, t, "body")
	for _, want := range []string{"local attention: each row's window", "sampled hard attention: cells show the distribution"} {
		if !strings.Contains(legend, want) {
			t.Errorf("the legend lacks %q", want)
		}
	}

	if *docs {
		shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#s0")))
		if err != nil {
			t.Fatal(err)
		}
		writeDoc(t, "align-report-local.png", shot)
		hover(ctx, t, `#s1 td[data-r="2"][data-c="3"]`)
		if shot, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#s1"))); err != nil {
			t.Fatal(err)
		}
		writeDoc(t, "align-report-hard.png", shot)
	}
}

// docs writes the local and hard attention example images, drawn from
// this package's fixtures: the built-in model attends softly, so these
// two cannot come from it (the README's other images do: nmt's -docs).
var docs = flag.Bool("docs-fixtures", false, "write the local and hard attention example images, from test fixtures, to ../../docs/")

// writeDoc writes an example image into the repository's docs/ folder.
func writeDoc(t *testing.T, name string, data []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
