package align

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Window is where local attention looked for one output row: a centre
// and a width sigma in source columns (the window is Centre +- 2 Width).
type Window struct {
	Centre float32 `json:"centre"`
	Width  float32 `json:"width"`
}

// validateGlimpses checks that Windows and Dists, when present, have one
// entry per row and Dists rows one weight per column.
func (m *Matrix) validateGlimpses() error {
	if m.Windows != nil && len(m.Windows) != len(m.TargetTokens) {
		return fmt.Errorf("%w: %d windows for %d target tokens", ErrShape, len(m.Windows), len(m.TargetTokens))
	}
	if m.Dists == nil {
		return nil
	}
	if len(m.Dists) != len(m.TargetTokens) {
		return fmt.Errorf("%w: %d distributions for %d target tokens", ErrShape, len(m.Dists), len(m.TargetTokens))
	}
	for t, row := range m.Dists {
		if len(row) != len(m.SourceTokens) {
			return fmt.Errorf("%w: distribution %d has %d weights for %d source tokens", ErrShape, t, len(row), len(m.SourceTokens))
		}
	}
	return nil
}

// wordGlimpses sets the word-level windows and distributions of out, the
// word-level matrix of m. A distribution maps to words as the weights do.
// A window's centre and edges map to word columns by linear
// interpolation between the word columns of the neighbouring tokens; an
// output word's window is the mean of its pieces' (the first piece's with
// TargetFirst).
func (m *Matrix) wordGlimpses(out *Matrix, opt WordOptions) error {
	if m.Dists != nil {
		d := *m
		d.Weights, d.Dists, d.Windows = m.Dists, nil, nil
		dw, err := d.Words(opt)
		if err != nil {
			return err
		}
		out.Dists = dw.Weights
	}
	if m.Windows == nil {
		return nil
	}
	srcWords, tgtWords := strings.Fields(m.Source), strings.Fields(m.Target)
	colOf, _, _ := wordSlots(srcWords, m.SourceTokens, m.SourceWords, opt.KeepSpecial)
	rowOf, _, _ := wordSlots(tgtWords, m.TargetTokens, m.TargetWords, opt.KeepSpecial)
	toWord := func(x float64) float64 { return interpolateColumn(colOf, x) }
	sum := make([]Window, len(out.TargetTokens))
	n := make([]int, len(out.TargetTokens))
	for t, w := range m.Windows {
		r := rowOf[t]
		if r < 0 || opt.Target == TargetFirst && n[r] > 0 {
			continue
		}
		c := float64(w.Centre)
		lo, hi := toWord(c-2*float64(w.Width)), toWord(c+2*float64(w.Width))
		sum[r].Centre += float32(toWord(c))
		sum[r].Width += float32((hi - lo) / 4)
		n[r]++
	}
	out.Windows = sum
	for r, k := range n {
		if k > 1 {
			out.Windows[r].Centre /= float32(k)
			out.Windows[r].Width /= float32(k)
		}
	}
	return nil
}

// interpolateColumn maps the fractional token column x to a fractional
// word column: between the word columns of the tokens around it, skipping
// tokens without one (dropped specials), clamped at the ends.
func interpolateColumn(colOf []int, x float64) float64 {
	at := func(i int) (float64, bool) {
		if i < 0 || i >= len(colOf) || colOf[i] < 0 {
			return 0, false
		}
		return float64(colOf[i]), true
	}
	nearest := func(from, step int) (int, float64, bool) {
		for i := from; i >= 0 && i < len(colOf); i += step {
			if v, ok := at(i); ok {
				return i, v, true
			}
		}
		return 0, 0, false
	}
	fl := int(math.Floor(x))
	i0, v0, ok0 := nearest(min(max(fl, 0), len(colOf)-1), -1)
	i1, v1, ok1 := nearest(max(min(fl+1, len(colOf)-1), 0), 1)
	switch {
	case !ok0 && !ok1:
		return 0
	case !ok0:
		return v1
	case !ok1 || i1 == i0:
		return v0
	}
	f := (x - float64(i0)) / float64(i1-i0)
	return v0 + min(max(f, 0), 1)*(v1-v0)
}

// glimpseColumns reports whether any of ms has windows or distributions:
// the CSV export then has their columns.
func glimpseColumns(ms []Matrix) (windows, dists bool) {
	for i := range ms {
		windows = windows || ms[i].Windows != nil
		dists = dists || ms[i].Dists != nil
	}
	return windows, dists
}

func glimpseHeader(windows, dists bool) []string {
	var h []string
	if windows {
		h = append(h, "centre", "width")
	}
	if dists {
		h = append(h, "distribution")
	}
	return h
}

// appendGlimpse returns the CSV record rec with the glimpse columns of
// cell (t, s) of m appended (empty where m has none).
func appendGlimpse(rec []string, m Matrix, t, s int, windows, dists bool) []string {
	if !windows && !dists {
		return rec
	}
	format := func(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
	if windows {
		if m.Windows != nil {
			rec = append(rec, format(m.Windows[t].Centre), format(m.Windows[t].Width))
		} else {
			rec = append(rec, "", "")
		}
	}
	if dists {
		if m.Dists != nil {
			rec = append(rec, format(m.Dists[t][s]))
		} else {
			rec = append(rec, "")
		}
	}
	return rec
}
