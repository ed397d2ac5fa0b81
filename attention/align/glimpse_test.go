package align

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/attnmt/nmt/attention/linalg"
)

// localSample is sample with a window per row: centres on the focused
// piece, width 0.5 (window of one piece either side).
func localSample() Matrix {
	m := sample()
	for _, k := range []int{0, 1, 2, 3, 0, 4, 6, 7} {
		m.Windows = append(m.Windows, Window{Centre: float32(k), Width: 0.5})
	}
	return m
}

// hardSample is sample as sampled hard attention: one-hot weights on the
// focused piece, the peaked rows as the distributions.
func hardSample() Matrix {
	m := sample()
	m.Dists = m.Weights
	m.Weights = nil
	for _, row := range m.Dists {
		oneHot := make([]float32, len(row))
		oneHot[linalg.Index(row, linalg.Max(row))] = 1
		m.Weights = append(m.Weights, oneHot)
	}
	return m
}

func TestWordWindows(t *testing.T) {
	m := localSample()
	w, err := m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Source pieces Ein Mann fähr t Fahr rad . are words 0 1 2 2 3 3 3:
	// piece 4 (Fahr) is word 3. Output words: A man rides(ri,des) a bike(bike, .).
	want := []Window{
		{Centre: 0, Width: 0.25},  // piece 0 +- 1 -> words [0, 1] (clamped below)
		{Centre: 1, Width: 0.5},   // piece 1 +- 1 -> words [0, 2]
		{Centre: 2, Width: 0.25},  // ri: piece 2 +- 1 -> words [1, 2], des: piece 3 +- 1 -> [2, 3]
		{Centre: 0, Width: 0.25},  // a: piece 0
		{Centre: 3, Width: 0.125}, // bike: piece 4 -> [2, 3] and piece 6 -> [3, 3]; mean
	}
	if len(w.Windows) != len(want) {
		t.Fatalf("%d word windows, want %d", len(w.Windows), len(want))
	}
	for i, got := range w.Windows {
		if math.Abs(float64(got.Centre-want[i].Centre)) > 1e-6 || math.Abs(float64(got.Width-want[i].Width)) > 1e-6 {
			t.Errorf("word %d (%s): window %+v, want %+v", i, w.TargetTokens[i], got, want[i])
		}
	}
}

func TestWordDistributions(t *testing.T) {
	m := hardSample()
	w, err := m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	soft := sample()
	sw, err := soft.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for r := range sw.Weights {
		for c := range sw.Weights[r] {
			if w.Dists[r][c] != sw.Weights[r][c] {
				t.Fatalf("word distribution [%d][%d] = %v, want the soft word weight %v", r, c, w.Dists[r][c], sw.Weights[r][c])
			}
		}
	}
}

func TestGlimpseExports(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m       Matrix
		json    string
		columns []string
	}{
		{"soft", sample(), "", nil},
		{"local", localSample(), `"windows":[{"centre":0,"width":0.5}`, []string{"centre", "width"}},
		{"hard", hardSample(), `"distributions":[[0.65,`, []string{"distribution"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var js bytes.Buffer
			if err := WriteJSONL(&js, []Matrix{tc.m}); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{`"windows"`, `"distributions"`} {
				if strings.Contains(js.String(), key) && (tc.json == "" || !strings.Contains(tc.json, key)) {
					t.Errorf("JSON has %s: %s", key, js.String())
				}
			}
			if tc.json != "" && !strings.Contains(js.String(), tc.json) {
				t.Errorf("JSON lacks %s: %s", tc.json, js.String())
			}
			var cs bytes.Buffer
			if err := WriteCSV(&cs, []Matrix{tc.m}); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&cs).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := recs[0][len(csvHeader):]; strings.Join(got, ",") != strings.Join(tc.columns, ",") {
				t.Errorf("extra CSV columns %v, want %v", got, tc.columns)
			}
			if tc.name == "local" && (recs[1][8] != "0" || recs[1][9] != "0.5") {
				t.Errorf("first CSV row %v, want centre 0 width 0.5", recs[1])
			}
			var decoded struct {
				Windows []Window `json:"windows"`
			}
			if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
				t.Fatal(err)
			}
			if len(decoded.Windows) != len(tc.m.Windows) {
				t.Errorf("JSON windows %v, want %v", decoded.Windows, tc.m.Windows)
			}
		})
	}
}

// TestGlimpseHeatmaps: the local heatmap draws the windows and the
// sampled hard one boxes the picks over the distributions, in the marks'
// colour, which the soft heatmap does not use.
func TestGlimpseHeatmaps(t *testing.T) {
	const mark = "#E6550D"
	for _, tc := range []struct {
		name string
		m    Matrix
		want bool
	}{{"soft", sample(), false}, {"local", localSample(), true}, {"hard", hardSample(), true}} {
		var b bytes.Buffer
		if err := WriteHeatmap(&b, SVG, tc.m, HeatmapOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), mark); got != tc.want {
			t.Errorf("%s heatmap: marks drawn %t, want %t", tc.name, got, tc.want)
		}
	}
	bad := localSample()
	bad.Windows = bad.Windows[1:]
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "7 windows for 8 target tokens") {
		t.Errorf("Validate with a missing window: %v", err)
	}
}
