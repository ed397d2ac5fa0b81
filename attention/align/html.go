package align

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
)

//go:embed report.html.tmpl
var reportSource string

type htmlReport struct {
	Title     string
	Threshold string
	Sentences []htmlSentence
	// Windows and Dists say whether any sentence has local attention's
	// windows or sampled hard attention's distributions (the legend
	// explains their marks); MarkColor is the marks' colour.
	Windows, Dists bool
	MarkColor      template.CSS
}

type htmlSentence struct {
	Index, Number  int
	Source, Target []htmlWord
	Rows           []htmlRow
	// Map names what Rows shows; SalienceRows, when set, is a second map
	// shown beside it.
	Map          string
	SalienceRows []htmlRow
}

type htmlWord struct {
	Pos     int
	Text    string
	Special bool
	// Window describes an output word's local attention window.
	Window string
}

type htmlRow struct {
	Label htmlWord
	Cells []htmlCell
}

type htmlCell struct {
	R, C  int
	W     string
	Style template.CSS
	Link  bool
	// Pick is the cell sampled hard attention drew; Marks are the glimpse
	// marks drawn in the cell (html_glimpse.go).
	Pick  bool
	Marks []htmlMark
}

// WriteHTML writes one self-contained HTML page (inline CSS and script,
// no external resources) with a section per matrix: the source and output
// tokens, and a table of cells shaded by weight, with the hard links of
// Links(m, opt.Threshold) outlined. Hovering a cell highlights its source
// and output tokens and shows the weight; hovering a token highlights its
// row or column and the tokens it is linked to. Outlined cells are the
// cells that Links picks, so on a word-level matrix they are exactly the
// Pharaoh links. For local attention each row shows its window (a line
// from centre - 2 width to centre + 2 width, a dot at the centre); for
// sampled hard attention the cells show the distributions the positions
// were drawn from, with the drawn cell boxed, as the heatmaps do. All
// text is escaped.
func WriteHTML(w io.Writer, ms []Matrix, opt Options) error {
	if err := validateAll(ms); err != nil {
		return err
	}
	rep := htmlReport{Title: opt.Title, MarkColor: glimpseCSS()}
	rep.Windows, rep.Dists = glimpseColumns(ms)
	if rep.Title == "" {
		rep.Title = "Attention alignments"
	}
	if opt.Threshold > 0 {
		rep.Threshold = strconv.FormatFloat(float64(opt.Threshold), 'g', -1, 32)
	}
	for i, m := range ms {
		rep.Sentences = append(rep.Sentences, htmlSentenceOf(i, m, opt.Threshold))
	}
	tmpl, err := template.New("report").Funcs(template.FuncMap{"gridOf": gridOf}).Parse(reportSource)
	if err != nil {
		return fmt.Errorf("html report template: %w", err)
	}
	if err := tmpl.Execute(w, rep); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

func htmlSentenceOf(i int, m Matrix, threshold float32) htmlSentence {
	s := htmlSentence{Index: i, Number: i + 1}
	for c, tok := range m.SourceTokens {
		s.Source = append(s.Source, htmlWord{Pos: c, Text: tok, Special: m.SourceWords[c] < 0})
	}
	for r, tok := range m.TargetTokens {
		s.Target = append(s.Target, htmlWord{Pos: r, Text: tok, Special: m.TargetWords[r] < 0})
	}
	s.Map = MapAttention
	if m.Map == MapSalience {
		s.Map = MapSalience
	}
	s.Rows = htmlRows(s.Target, m, m.Weights, threshold, s.Map == MapSalience)
	if s.Map == MapAttention {
		addHTMLGlimpses(s.Rows, s.Target, m)
	}
	if m.Salience != nil {
		s.SalienceRows = htmlRows(s.Target, m, m.Salience, 0, true)
	}
	return s
}

// htmlRows are the table rows of grid g (Weights or Salience of m), with
// the cells Links would pick from g outlined; salience cells are shaded
// by their share of the row's largest magnitude.
func htmlRows(labels []htmlWord, m Matrix, g [][]float32, threshold float32, salience bool) []htmlRow {
	pick := Matrix{SourceWords: m.SourceWords, Weights: g}
	var rows []htmlRow
	for r, row := range g {
		hr := htmlRow{Label: labels[r]}
		peak := rowPeak(row)
		for c, v := range row {
			link := m.TargetWords[r] >= 0 && m.SourceWords[c] >= 0 && isPick(pick, r, c, threshold)
			cell := htmlCell{R: r, C: c, Link: link, W: strconv.FormatFloat(float64(v), 'f', 3, 32), Style: cellStyle(v)}
			if salience {
				cell.W = strconv.FormatFloat(float64(v), 'g', 3, 32)
				cell.Style = salienceStyle(v, peak)
			}
			hr.Cells = append(hr.Cells, cell)
		}
		rows = append(rows, hr)
	}
	return rows
}

// isPick reports whether cell (r, c) itself is chosen: at least the
// threshold, or the row's argmax among word columns.
func isPick(m Matrix, r, c int, threshold float32) bool {
	row := m.Weights[r]
	if threshold > 0 {
		return row[c] >= threshold
	}
	for s, v := range row {
		if m.SourceWords[s] >= 0 && (v > row[c] || (v == row[c] && s < c)) {
			return false
		}
	}
	return row[c] > 0
}

// cellStyle is the background of a cell of weight v.
func cellStyle(v float32) template.CSS {
	c := heatColor(float64(v))
	return template.CSS(fmt.Sprintf("background:rgb(%d,%d,%d)", c.R, c.G, c.B))
}

// htmlGrid is one heatmap table of a sentence.
type htmlGrid struct {
	Source []htmlWord
	Rows   []htmlRow
}

func gridOf(src []htmlWord, rows []htmlRow) htmlGrid { return htmlGrid{src, rows} }
