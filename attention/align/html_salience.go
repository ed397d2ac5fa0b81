package align

import (
	"fmt"
	"html/template"
	"math"
)

// rowPeak is the largest magnitude in row, 0 for an empty or zero row.
func rowPeak(row []float32) float32 {
	var p float32
	for _, v := range row {
		p = max(p, float32(math.Abs(float64(v))))
	}
	return p
}

// salienceStyle shades a salience cell on a diverging scale: blue for
// inputs that raised the output's log-probability, red for those that
// lowered it, by |v| as a share of the row's peak magnitude.
func salienceStyle(v, peak float32) template.CSS {
	f := 0.0
	if peak > 0 {
		f = math.Abs(float64(v / peak))
	}
	r, g, b := 255-f*(255-8), 255-f*(255-48), 255-f*(255-107) // white to the heatmap's dark blue
	if v < 0 {
		r, g, b = 255-f*(255-178), 255-f*(255-24), 255-f*(255-43) // white to dark red
	}
	return template.CSS(fmt.Sprintf("background:rgb(%d,%d,%d)", int(math.Round(r)), int(math.Round(g)), int(math.Round(b))))
}
