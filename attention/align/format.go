package align

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Format names an output format.
type Format string

// The output formats.
const (
	JSON    Format = "json"
	JSONL   Format = "jsonl"
	CSV     Format = "csv"
	Pharaoh Format = "pharaoh"
	HTML    Format = "html"
	SVG     Format = "svg"
	PNG     Format = "png"
)

// Formats lists every format in the order help texts show them.
func Formats() []Format {
	return []Format{HTML, SVG, PNG, JSON, JSONL, CSV, Pharaoh}
}

// ParseFormat parses a format name, case-insensitively.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(names, ", "))
}

// Image reports whether f is a heatmap image format, which holds one
// sentence per file.
func (f Format) Image() bool { return f == SVG || f == PNG }

// Options holds the settings of the writers that need any.
type Options struct {
	// Threshold chooses hard links for Pharaoh and the HTML report: every
	// link with at least this weight when positive, Argmax otherwise.
	Threshold float32
	// Title is the HTML report's title; empty means "Attention alignments".
	Title string
	// Heatmap configures SVG and PNG heatmaps.
	Heatmap HeatmapOptions
}

// Write writes the matrices in format f. SVG and PNG take exactly one
// matrix; see WriteHeatmap.
func Write(w io.Writer, f Format, ms []Matrix, opt Options) error {
	switch f {
	case JSON:
		return WriteJSON(w, ms)
	case JSONL:
		return WriteJSONL(w, ms)
	case CSV:
		return WriteCSV(w, ms)
	case Pharaoh:
		return WritePharaoh(w, ms, opt.Threshold)
	case HTML:
		return WriteHTML(w, ms, opt)
	case SVG, PNG:
		if len(ms) != 1 {
			return fmt.Errorf("%s heatmap holds one sentence, got %d", f, len(ms))
		}
		return WriteHeatmap(w, f, ms[0], opt.Heatmap)
	}
	return fmt.Errorf("unknown format %q", string(f))
}

// WritePharaoh writes one line of hard links per matrix, chosen by
// Links(m, threshold).
func WritePharaoh(w io.Writer, ms []Matrix, threshold float32) error {
	if err := validateAll(ms); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, m := range ms {
		bw.WriteString(FormatPharaoh(Links(m, threshold)))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
