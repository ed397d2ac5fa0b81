package align

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
)

// The HTML report's glimpse marks match the heatmaps' (glimpse_plot.go):
// local attention's window as a line across each row's cells from
// centre - 2 width to centre + 2 width with a dot at the centre, and
// sampled hard attention's drawn cell boxed over the distribution it was
// drawn from, all in windowColor (pickColor). Each mark is an element
// inside its cell, placed in percent of the cell's width, so the page
// draws it without script.

// htmlMark is one mark inside a cell: a piece of a window's line
// (Kind "win"), its centre dot ("ctr") or the box of a drawn cell
// ("pick"). Style places it.
type htmlMark struct {
	Kind  string
	Style template.CSS
}

// glimpseCSS is the colour of the marks for the report's style sheet.
func glimpseCSS() template.CSS {
	c := windowColor
	return template.CSS(fmt.Sprintf("rgb(%d,%d,%d)", c.R, c.G, c.B))
}

// addHTMLGlimpses adds the marks of m's windows and picks to the cells of
// rows (the attention map of m, outlined by its links), labels each
// output word with its window, and shades the cells of sampled hard
// attention by the distributions drawn from. Windows that are not finite
// are not drawn.
func addHTMLGlimpses(rows []htmlRow, target []htmlWord, m Matrix) {
	cols := float64(len(m.SourceTokens))
	clamp := func(x float64) float64 { return min(max(x, -0.5), cols-0.5) }
	for r, w := range m.Windows {
		c, half := float64(w.Centre), 2*float64(w.Width)
		if math.IsNaN(c) || math.IsInf(c, 0) || math.IsNaN(half) || math.IsInf(half, 0) {
			continue
		}
		lo, hi, centre := clamp(c-half), clamp(c+half), clamp(c)
		target[r].Window = fmt.Sprintf("centre %.2f, window %.2f to %.2f", c, c-half, c+half)
		rows[r].Label.Window = target[r].Window
		cells := rows[r].Cells
		for col := range cells {
			left := float64(col) - 0.5
			a, b := max(lo, left), min(hi, left+1)
			if b <= a {
				continue
			}
			width := percent(b-a) + "%"
			if b == left+1 && col < len(cells)-1 {
				width = "calc(" + width + " + 1px)" // over the border to the next cell's piece
			}
			cells[col].Marks = append(cells[col].Marks, htmlMark{Kind: "win",
				Style: template.CSS(fmt.Sprintf("left:%s%%;width:%s", percent(a-left), width))})
		}
		at := min(int(math.Floor(centre+0.5)), len(cells)-1)
		cells[at].Marks = append(cells[at].Marks, htmlMark{Kind: "ctr",
			Style: template.CSS(fmt.Sprintf("left:%s%%", percent(centre-(float64(at)-0.5))))})
	}
	if m.Dists == nil {
		return
	}
	for r, row := range m.Weights {
		for c, v := range m.Dists[r] {
			cell := &rows[r].Cells[c]
			cell.W, cell.Style = strconv.FormatFloat(float64(v), 'f', 3, 32), cellStyle(v)
		}
		if best := drawnCell(row); best >= 0 {
			rows[r].Cells[best].Marks = append(rows[r].Cells[best].Marks, htmlMark{Kind: "pick"})
			rows[r].Cells[best].Pick = true
		}
	}
}

// percent formats the share x of a cell as a percentage with two
// decimals.
func percent(x float64) string { return strconv.FormatFloat(100*x, 'f', 2, 64) }
