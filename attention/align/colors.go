package align

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/palette"
)

// Colours of the heatmap scale: weight 0 is heatLow, weight 1 heatHigh.
var (
	heatLow  = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	heatHigh = color.NRGBA{R: 8, G: 48, B: 107, A: 255}
)

// heatColor is the colour of weight v: heatLow and heatHigh mixed linearly
// in sRGB, v clamped to [0, 1] and NaN taken as 0. Heatmaps and the HTML
// report share it.
func heatColor(v float64) color.NRGBA {
	t := min(max(v, 0), 1)
	if v != v {
		t = 0
	}
	mix := func(a, b uint8) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }
	return color.NRGBA{R: mix(heatLow.R, heatHigh.R), G: mix(heatLow.G, heatHigh.G), B: mix(heatLow.B, heatHigh.B), A: 255}
}

// heatScale is heatColor as a palette.ColorMap over [min, max].
type heatScale struct{ min, max float64 }

var _ palette.ColorMap = (*heatScale)(nil)

func (s *heatScale) At(v float64) (color.Color, error) {
	if v < s.min || v > s.max {
		return nil, fmt.Errorf("value %v outside [%v, %v]", v, s.min, s.max)
	}
	return heatColor((v - s.min) / (s.max - s.min)), nil
}
func (s *heatScale) Max() float64       { return s.max }
func (s *heatScale) Min() float64       { return s.min }
func (s *heatScale) SetMax(v float64)   { s.max = v }
func (s *heatScale) SetMin(v float64)   { s.min = v }
func (s *heatScale) Alpha() float64     { return 1 }
func (s *heatScale) SetAlpha(a float64) {}

// Palette returns n colours evenly spaced along the scale.
func (s *heatScale) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = heatColor(float64(i) / float64(max(n-1, 1)))
	}
	return plainPalette(cs)
}

type plainPalette []color.Color

func (p plainPalette) Colors() []color.Color { return p }
