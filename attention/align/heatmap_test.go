package align

import (
	"bytes"
	"encoding/xml"

	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"
)

func heatSet(t testing.TB) map[string]Matrix {
	m := sample()
	w, err := m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Matrix{"sample": w, "scripts": scripts(), "subword": sample()}
}

func TestHeatmapSVGGolden(t *testing.T) {
	for _, name := range []string{"sample", "scripts", "subword"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			m := heatSet(t)[name]
			if err := WriteHeatmap(&buf, SVG, m, HeatmapOptions{Title: "heatmap " + name}); err != nil {
				t.Fatal(err)
			}
			svg := buf.String()
			for _, tok := range append(m.SourceTokens, m.TargetTokens...) {
				if !strings.Contains(svg, ">"+xmlEscape(tok)+"<") {
					t.Errorf("label %q missing from the SVG", tok)
				}
			}
			golden(t, "heatmap-"+name+".svg", buf.Bytes())
		})
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func TestHeatmapPNG(t *testing.T) {
	m := heatSet(t)["sample"]
	for _, dpi := range []float64{0, 144} {
		opt := HeatmapOptions{DPI: dpi}
		var buf bytes.Buffer
		if err := WriteHeatmap(&buf, PNG, m, opt); err != nil {
			t.Fatal(err)
		}
		data := bytes.Clone(buf.Bytes())
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		l := newHeatLayout(m, opt)
		px := func(v float64) int { return int(math.Round(v * l.dpi / 72)) }
		b := img.Bounds()
		if b.Dx() != px(float64(l.w)) || b.Dy() != px(float64(l.h)) {
			t.Errorf("dpi %v: image is %v, want %d×%d", dpi, b.Size(), px(float64(l.w)), px(float64(l.h)))
		}
		cell := float64(l.cells.Max.X-l.cells.Min.X) / float64(len(m.SourceTokens))
		at := func(r, c int) color.Color {
			x := float64(l.cells.Min.X) + (float64(c)+0.5)*cell
			y := float64(l.cells.Max.Y) - (float64(r)+0.5)*cell // row 0 at the top
			return img.At(px(x), b.Dy()-px(y))
		}
		for r, row := range m.Weights {
			for c, v := range row {
				if got, want := lum(at(r, c)), lum(heatColor(float64(v))); math.Abs(got-want) > 0.02 {
					t.Errorf("dpi %v: cell (%d, %d) of weight %.2f has luminance %.2f, want about %.2f", dpi, r, c, v, got, want)
				}
			}
		}
		// Corners are background.
		if lum(img.At(0, 0)) < 0.99 || lum(img.At(b.Dx()-1, b.Dy()-1)) < 0.99 {
			t.Errorf("dpi %v: corners are not white", dpi)
		}
		if testing.Verbose() && os.Getenv("ALIGN_KEEP") != "" {
			os.WriteFile(os.Getenv("ALIGN_KEEP")+"/heat.png", data, 0o644)
		}
	}
}

// lum is the mean of the RGB channels in [0, 1].
func lum(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (float64(r) + float64(g) + float64(b)) / 3 / 0xffff
}

func TestHeatmapErrors(t *testing.T) {
	empty := Matrix{Source: "a", SourceTokens: []string{"a"}, SourceWords: []int{0}}
	if err := WriteHeatmap(&bytes.Buffer{}, PNG, empty, HeatmapOptions{}); err == nil {
		t.Error("empty matrix: no error")
	}
	if err := WriteHeatmap(&bytes.Buffer{}, HTML, sample(), HeatmapOptions{}); err == nil {
		t.Error("html heatmap: no error")
	}
}

func BenchmarkHeatmapPNG(b *testing.B) {
	m := heatSet(b)["sample"]
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHeatmap(&bytes.Buffer{}, PNG, m, HeatmapOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
