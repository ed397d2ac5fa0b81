package align

import (
	"path/filepath"
	"strings"
)

// SalienceHeatmaps returns, for each matrix that carries salience (as
// Salience, or as Weights with Map MapSalience), a matrix whose Weights
// are the salience magnitudes as a share of each row's peak, in [0, 1]
// for the heatmap's colour scale, and whose Map is MapSalience. Matrices
// without salience are returned unchanged.
func SalienceHeatmaps(ms []Matrix) []Matrix {
	out := make([]Matrix, len(ms))
	for i, m := range ms {
		g := m.Salience
		if m.Map == MapSalience {
			g = m.Weights
		}
		if g == nil {
			out[i] = m
			continue
		}
		w := newWeights(len(g), len(m.SourceTokens))
		for r, row := range g {
			peak := rowPeak(row)
			for c, v := range row {
				if peak > 0 {
					w[r][c] = max(v, -v) / peak
				}
			}
		}
		m.Weights, m.Salience, m.Map = w, nil, MapSalience
		out[i] = m
	}
	return out
}

// SaliencePath is where the salience heatmaps go beside attention ones
// written to out: ".salience" before the extension of a file or pattern
// ("heat-%03d.png" -> "heat-%03d.salience.png"), or the subdirectory
// "salience" of a directory.
func SaliencePath(out string, f Format) string {
	ext := "." + string(f)
	if strings.HasSuffix(strings.ToLower(out), ext) {
		return out[:len(out)-len(ext)] + ".salience" + out[len(out)-len(ext):]
	}
	return filepath.Join(out, "salience")
}
