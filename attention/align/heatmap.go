package align

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// HeatmapOptions configures WriteHeatmap. The zero value is ready to use.
type HeatmapOptions struct {
	// Title is drawn above the heatmap when not empty.
	Title string
	// Fonts are fallback fonts for characters that Liberation Sans lacks,
	// tried in order (see SystemFonts and LoadFont).
	Fonts []*opentype.Font
	// Cell is the side of one matrix cell in points; 0 means 20.
	Cell float64
	// DPI is the resolution of PNG images; 0 means 96.
	DPI float64
}

const (
	barWidth   = 72 // points for the colour bar and its ticks
	labelSize  = 10 // points, tick labels (the words)
	axisSize   = 11 // points, axis titles
	titleSize  = 12 // points
	defaultDPI = 96
)

// WriteHeatmap draws m as a heatmap in format SVG or PNG: source tokens
// along the x axis (labels rotated), output tokens down the y axis in
// reading order from the top, one square cell per weight shaded from
// white (0) to dark blue (1), and a colour bar. The image grows with the
// matrix so that cells keep their size.
func WriteHeatmap(w io.Writer, f Format, m Matrix, opt HeatmapOptions) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if len(m.SourceTokens) == 0 || len(m.TargetTokens) == 0 {
		return fmt.Errorf("heatmap of an empty matrix (%d×%d)", len(m.TargetTokens), len(m.SourceTokens))
	}
	l := newHeatLayout(m, opt)
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch f {
	case SVG:
		c = vgsvg.New(l.w, l.h)
	case PNG:
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(l.w, l.h), vgimg.UseDPI(int(l.dpi)))}
	default:
		return fmt.Errorf("heatmap format %q: want svg or png", string(f))
	}
	l.draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// heatLayout is a heatmap laid out on a canvas of w×h points whose data
// area (the cells) is the rectangle cells.
type heatLayout struct {
	heat, bar *plot.Plot
	w, h      vg.Length
	cells     vg.Rectangle
	dpi       float64
}

func newHeatLayout(m Matrix, opt HeatmapOptions) *heatLayout {
	cell := vg.Length(opt.Cell)
	if cell <= 0 {
		cell = 20
	}
	dpi := opt.DPI
	if dpi <= 0 {
		dpi = defaultDPI
	}
	cmap := &heatScale{min: 0, max: 1}
	hdlr := newFallbackText(opt.Fonts)
	heat := heatPlot(m, cmap.Palette(256), hdlr, opt.Title)
	bar := barPlot(cmap, hdlr)

	// Measure the margins that axes and labels take on a trial canvas, then
	// size the canvas so that every cell is cell×cell points.
	const trial = 1000
	da := heat.DataCanvas(draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: trial, Y: trial}}})
	left, bottom := da.Min.X, da.Min.Y
	right, top := trial-da.Max.X, trial-da.Max.Y
	cols, rows := vg.Length(len(m.SourceTokens)), vg.Length(len(m.TargetTokens))
	l := &heatLayout{
		heat: heat, bar: bar, dpi: dpi,
		w: left + cols*cell + right + barWidth,
		h: bottom + rows*cell + top,
	}
	l.cells = vg.Rectangle{Min: vg.Point{X: left, Y: bottom}, Max: vg.Point{X: left + cols*cell, Y: bottom + rows*cell}}
	return l
}

// draw draws the heatmap and, beside its cells, the colour bar.
func (l *heatLayout) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	heatC := draw.Crop(dc, 0, -barWidth, 0, 0)
	l.heat.Draw(heatC)
	barC := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: l.w - barWidth + 12, Y: l.cells.Min.Y},
		Max: vg.Point{X: l.w - 12, Y: l.cells.Max.Y},
	}}
	l.bar.Draw(barC)
}

// grid adapts a Matrix to plotter.GridXYZ, row 0 drawn at the top.
type grid struct{ m *Matrix }

func (g grid) Dims() (c, r int) { return len(g.m.SourceTokens), len(g.m.TargetTokens) }
func (g grid) Z(c, r int) float64 {
	return float64(g.m.Weights[len(g.m.Weights)-1-r][c])
}
func (g grid) X(c int) float64 { return float64(c) }
func (g grid) Y(r int) float64 { return float64(r) }

func heatPlot(m Matrix, pal palette.Palette, hdlr text.Handler, title string) *plot.Plot {
	p := plot.New()
	styleText(p, hdlr)
	p.Title.Text = title
	shown := shownWeights(m)
	hm := plotter.NewHeatMap(grid{&shown}, pal)
	hm.Min, hm.Max = 0, 1
	hm.Underflow, hm.Overflow = heatLow, heatHigh
	hm.NaN = color.NRGBA{R: 255, G: 0, B: 255, A: 255}
	p.Add(hm)
	addGlimpses(p, m)

	p.X.Label.Text = "source"
	p.Y.Label.Text = "output"
	// No axis lines or tick marks: the labels sit beside the cells.
	p.X.Padding, p.Y.Padding = 4, 4
	p.X.LineStyle.Width, p.Y.LineStyle.Width = 0, 0
	cols, rows := len(m.SourceTokens), len(m.TargetTokens)
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	xt := make(plot.ConstantTicks, cols)
	for i, tok := range m.SourceTokens {
		xt[i] = plot.Tick{Value: float64(i), Label: tok}
	}
	yt := make(plot.ConstantTicks, rows)
	for i, tok := range m.TargetTokens {
		yt[i] = plot.Tick{Value: float64(rows - 1 - i), Label: tok}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = xt, yt
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	return p
}

func barPlot(cmap palette.ColorMap, hdlr text.Handler) *plot.Plot {
	p := plot.New()
	styleText(p, hdlr)
	p.Add(colorBar{cmap: cmap, steps: 64})
	p.HideX()
	p.Y.Padding = 0
	p.Y.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"},
	}
	return p
}

// colorBar draws a vertical colour scale as filled rectangles, not as an
// image: SVG viewers stretch plotter.ColorBar's 1-pixel-wide image poorly.
type colorBar struct {
	cmap  palette.ColorMap
	steps int
}

// Plot implements plot.Plotter.
func (b colorBar) Plot(c draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&c)
	lo, hi := b.cmap.Min(), b.cmap.Max()
	step := (hi - lo) / float64(b.steps)
	for i := range b.steps {
		v0 := lo + float64(i)*step
		col, err := b.cmap.At(min(v0+step/2, hi))
		if err != nil {
			continue
		}
		// Overlap neighbours by a hair so no seams show.
		r := vg.Rectangle{Min: vg.Point{X: x(0), Y: y(v0)}, Max: vg.Point{X: x(1), Y: y(min(v0+step, hi)) + 0.3}}
		c.SetColor(col)
		c.Fill(r.Path())
	}
}

// DataRange implements plot.DataRanger.
func (b colorBar) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, 1, b.cmap.Min(), b.cmap.Max()
}

// styleText sets every text style of p to the heatmap fonts and handler.
func styleText(p *plot.Plot, hdlr text.Handler) {
	set := func(s *text.Style, size font.Length) {
		s.Handler = hdlr
		s.Font = font.From(labelFont, size)
	}
	p.TextHandler = hdlr
	set(&p.Title.TextStyle, titleSize)
	set(&p.Legend.TextStyle, labelSize)
	set(&p.X.Label.TextStyle, axisSize)
	set(&p.Y.Label.TextStyle, axisSize)
	set(&p.X.Tick.Label, labelSize)
	set(&p.Y.Tick.Label, labelSize)
}
