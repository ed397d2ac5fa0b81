package align

import (
	"bytes"
	"strings"
	"testing"
)

func TestHTMLGlimpseMarks(t *testing.T) {
	m := localSample()
	m.Windows[1] = Window{Centre: 2.25, Width: 0.375} // 1.5 to 3.0
	s := htmlSentenceOf(0, m, 0)
	marks := func(r int) []string {
		var out []string
		for c, cell := range s.Rows[r].Cells {
			for _, mk := range cell.Marks {
				out = append(out, string(rune('0'+c))+" "+mk.Kind+" "+string(mk.Style))
			}
		}
		return out
	}
	for _, tc := range []struct {
		row  int
		want []string
	}{
		// Centre 0, width 0.5: -1 to 1, clamped at the left edge of
		// column 0 (-0.5).
		{0, []string{"0 win left:0.00%;width:calc(100.00% + 1px)", "0 ctr left:50.00%", "1 win left:0.00%;width:50.00%"}},
		{1, []string{"2 win left:0.00%;width:calc(100.00% + 1px)", "2 ctr left:75.00%", "3 win left:0.00%;width:50.00%"}},
		// The last row's window runs past the last column: clamped.
		// Pieces that reach a cell's right edge cover the border too.
		{7, []string{"6 win left:50.00%;width:calc(50.00% + 1px)", "7 win left:0.00%;width:100.00%", "7 ctr left:50.00%"}},
	} {
		if got := marks(tc.row); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("row %d marks %q, want %q", tc.row, got, tc.want)
		}
	}
	if got := s.Rows[1].Label.Window; got != "centre 2.25, window 1.50 to 3.00" {
		t.Errorf("row 1 label window %q", got)
	}

	h := htmlSentenceOf(0, hardSample(), 0)
	for r, row := range h.Rows {
		picks := 0
		for c, cell := range row.Cells {
			if cell.Pick {
				picks++
				if cell.W != "0.650" {
					t.Errorf("row %d: drawn cell %d shows %s, want the distribution's 0.650", r, c, cell.W)
				}
			}
		}
		if picks != 1 {
			t.Errorf("row %d: %d drawn cells, want 1", r, picks)
		}
	}
	soft := htmlSentenceOf(0, sample(), 0)
	for _, row := range soft.Rows {
		for _, cell := range row.Cells {
			if cell.Pick || cell.Marks != nil {
				t.Fatalf("soft attention cell %+v has marks", cell)
			}
		}
	}
}

func TestWriteHTMLGlimpsesGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, []Matrix{localSample(), hardSample()}, Options{Title: "Local and sampled hard attention"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "glimpses.html", b.Bytes())
}
