package align

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// goldenSet is the input of the text-format golden tests: the sample at
// word level with specials kept, and the scripts matrix.
func goldenSet(t testing.TB) []Matrix {
	m := sample()
	w, err := m.Words(WordOptions{KeepSpecial: true})
	if err != nil {
		t.Fatal(err)
	}
	return []Matrix{w, scripts()}
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		format Format
		opt    Options
		file   string
	}{
		{JSON, Options{}, "sentences.json"},
		{JSONL, Options{}, "sentences.jsonl"},
		{CSV, Options{}, "sentences.csv"},
		{Pharaoh, Options{}, "sentences.argmax.pharaoh"},
		{Pharaoh, Options{Threshold: 0.1}, "sentences.t0.1.pharaoh"},
		{HTML, Options{Title: "Golden <report>"}, "sentences.html"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, goldenSet(t), tt.opt); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestPharaohMatchesLinks(t *testing.T) {
	ms := goldenSet(t)
	var buf bytes.Buffer
	if err := WritePharaoh(&buf, ms, 0); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPharaoh(&buf, "out")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if FormatPharaoh(got[i]) != FormatPharaoh(Argmax(m)) {
			t.Errorf("sentence %d: wrote %v, Argmax gives %v", i, got[i], Argmax(m))
		}
	}
}

func TestCSVReadsBack(t *testing.T) {
	ms := goldenSet(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ms); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := 0
	for _, m := range ms {
		cells += len(m.SourceTokens) * len(m.TargetTokens)
	}
	if len(recs) != cells+1 {
		t.Fatalf("%d records, want header + %d cells", len(recs), cells)
	}
	for _, r := range recs[1:] {
		i, _ := strconv.Atoi(r[0])
		tp, _ := strconv.Atoi(r[1])
		sp, _ := strconv.Atoi(r[4])
		w, err := strconv.ParseFloat(r[7], 32)
		m := ms[i]
		if err != nil || float32(w) != m.Weights[tp][sp] || r[3] != m.TargetTokens[tp] || r[6] != m.SourceTokens[sp] {
			t.Fatalf("record %q does not match sentence %d cell (%d, %d)", r, i, tp, sp)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	bad := sample()
	bad.Weights = bad.Weights[1:]
	for _, f := range Formats() {
		if err := Write(&bytes.Buffer{}, f, []Matrix{bad}, Options{}); err == nil {
			t.Errorf("%s: no error for an invalid matrix", f)
		}
	}
	if err := Write(&bytes.Buffer{}, SVG, goldenSet(t), Options{}); err == nil {
		t.Error("SVG of two sentences: no error")
	}
	if err := Write(&bytes.Buffer{}, Format("xml"), nil, Options{}); err == nil {
		t.Error("unknown format: no error")
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(strings.ToUpper(string(f)))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", strings.ToUpper(string(f)), got, err)
		}
	}
	if _, err := ParseFormat("tsv"); err == nil || !strings.Contains(err.Error(), "pharaoh") {
		t.Errorf("ParseFormat(tsv) error = %v, want the list of formats", err)
	}
}

func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, goldenSet(t), Options{Title: "<i>x</i>"}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"http://", "https://", " src=", " href=", "<script>alert", "<i>x</i>"} {
		if strings.Contains(page, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	if n := strings.Count(page, "<script>"); n != 1 {
		t.Errorf("%d script elements, want the report's own one", n)
	}
}
