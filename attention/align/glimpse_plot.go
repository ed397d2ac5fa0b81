package align

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours of the glimpse marks drawn over the cells.
var (
	windowColor = color.NRGBA{R: 230, G: 85, B: 13, A: 255} // local attention's window and centre
	pickColor   = color.NRGBA{R: 230, G: 85, B: 13, A: 255} // the position hard attention drew
)

// shownWeights is what the heatmap's cells show: the distributions the
// picks were drawn from for sampled hard attention, the weights otherwise.
func shownWeights(m Matrix) Matrix {
	if m.Dists != nil {
		m.Weights = m.Dists
	}
	return m
}

// addGlimpses draws over the cells of p, for local attention, each row's
// window centre +- 2 width as a line with a dot at the centre, and, for
// sampled hard attention, a square around the cell drawn in each row.
// Row r of the matrix is at y = rows-1-r. Windows that are not finite
// are not drawn.
func addGlimpses(p *plot.Plot, m Matrix) {
	rows := len(m.TargetTokens)
	cols := float64(len(m.SourceTokens))
	clamp := func(x float64) float64 { return min(max(x, -0.5), cols-0.5) }
	for r, w := range m.Windows {
		y := float64(rows - 1 - r)
		c, half := float64(w.Centre), 2*float64(w.Width)
		line, err := plotter.NewLine(plotter.XYs{{X: clamp(c - half), Y: y}, {X: clamp(c + half), Y: y}})
		if err != nil {
			continue // not finite
		}
		line.Color, line.Width = windowColor, vg.Points(1.5)
		dot, err := plotter.NewScatter(plotter.XYs{{X: clamp(c), Y: y}})
		if err != nil {
			continue
		}
		dot.GlyphStyle = draw.GlyphStyle{Color: windowColor, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(line, dot)
	}
	if m.Dists == nil {
		return
	}
	var picks plotter.XYs
	for r, row := range m.Weights {
		if best := drawnCell(row); best >= 0 {
			picks = append(picks, plotter.XY{X: float64(best), Y: float64(rows - 1 - r)})
		}
	}
	sq, err := plotter.NewScatter(picks)
	if err != nil || len(picks) == 0 {
		return // no picks
	}
	sq.GlyphStyle = draw.GlyphStyle{Color: pickColor, Radius: vg.Points(7), Shape: draw.SquareGlyph{}}
	p.Add(sq)
}

// drawnCell is the column of the row of sampled hard attention's weights
// that holds the drawn position: the largest positive weight (a one-hot
// row at subword level, the mean of its pieces' at word level), or -1.
func drawnCell(row []float32) int {
	best := -1
	for c, v := range row {
		if v > 0 && (best < 0 || v > row[best]) {
			best = c
		}
	}
	return best
}
