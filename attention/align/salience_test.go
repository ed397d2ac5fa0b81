package align

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"
)

// withSalience returns m with a signed salience matrix: the mirror image
// of its attention around each row's mean, so that the two maps pick
// different words.
func withSalience(m Matrix) Matrix {
	m.Salience = nil
	for t, row := range m.Weights {
		s := make([]float32, len(row))
		for c := range row {
			s[c] = row[len(row)-1-c] - 1/float32(len(row)) + float32(t)*0.01
		}
		m.Salience = append(m.Salience, s)
	}
	return m
}

// salienceOnly is m with its salience in the place of the attention.
func salienceOnly(m Matrix) Matrix {
	m = withSalience(m)
	m.Weights, m.Salience, m.Map = m.Salience, nil, MapSalience
	return m
}

// explainedSet is the golden input with both maps: the sample at subword
// level mapped to words, and the scripts matrix with salience alone.
func explainedSet(t testing.TB) []Matrix {
	m := withSalience(sample())
	w, err := m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return []Matrix{w, salienceOnly(scripts())}
}

func TestWriteExplainedGolden(t *testing.T) {
	for _, tt := range []struct {
		format Format
		file   string
	}{
		{JSON, "explained.json"},
		{CSV, "explained.csv"},
		{Pharaoh, "explained.pharaoh"},
		{HTML, "explained.html"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, explainedSet(t), Options{}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

// TestWordsMapsSalience checks that salience goes through the same piece
// rules as attention (sum over source pieces, target rule) but is never
// renormalised, and that JSON carries it back.
func TestWordsMapsSalience(t *testing.T) {
	m := withSalience(sample())
	for _, rule := range []TargetPieces{TargetMean, TargetSum, TargetFirst} {
		w, err := m.Words(WordOptions{Target: rule})
		if err != nil {
			t.Fatal(err)
		}
		// Each matrix alone through Words must give the same grid: the
		// salience is mapped as attention would be, before renormalising.
		alone := Matrix{Source: m.Source, Target: m.Target, SourceTokens: m.SourceTokens, TargetTokens: m.TargetTokens,
			SourceWords: m.SourceWords, TargetWords: m.TargetWords, Weights: m.Salience}
		ref, err := alone.Words(WordOptions{Target: rule, KeepSpecial: true})
		if err != nil {
			t.Fatal(err)
		}
		for r := range w.Salience {
			for c := range w.Salience[r] {
				if d := math.Abs(float64(w.Salience[r][c] - ref.Weights[r][c])); d > 1e-6 {
					t.Fatalf("%v: salience[%d][%d] = %v, want %v", rule, r, c, w.Salience[r][c], ref.Weights[r][c])
				}
			}
		}
	}
	// "rides" = ri + des, summed over Fahr+rad+. for "Fahrrad.".
	w, _ := m.Words(WordOptions{})
	want := (m.Salience[2][4] + m.Salience[2][5] + m.Salience[2][6] + m.Salience[3][4] + m.Salience[3][5] + m.Salience[3][6]) / 2
	if d := math.Abs(float64(w.Salience[2][3] - want)); d > 1e-6 {
		t.Errorf("rides/Fahrrad. salience %v, want %v", w.Salience[2][3], want)
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, explainedSet(t)); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf, "x")
	if err != nil {
		t.Fatal(err)
	}
	if back[0].Salience == nil || back[1].Map != MapSalience || back[1].Salience != nil {
		t.Errorf("JSON round trip lost the maps: %+v", back)
	}
	bad := withSalience(sample())
	bad.Salience = bad.Salience[:2]
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted a salience matrix with too few rows")
	}
}

func TestSalienceHeatmaps(t *testing.T) {
	ms := SalienceHeatmaps([]Matrix{withSalience(sample()), salienceOnly(scripts()), scripts()})
	for i, m := range ms[:2] {
		if m.Map != MapSalience || m.Salience != nil {
			t.Fatalf("matrix %d: map %q", i, m.Map)
		}
		for r, row := range m.Weights {
			if p := rowPeak(row); p != 1 && p != 0 {
				t.Errorf("matrix %d row %d peaks at %v, want 1", i, r, p)
			}
			for _, v := range row {
				if v < 0 || v > 1 {
					t.Errorf("matrix %d row %d has %v outside [0, 1]", i, r, v)
				}
			}
		}
	}
	if ms[2].Map != "" || ms[2].Weights[0][0] != scripts().Weights[0][0] {
		t.Error("a matrix without salience changed")
	}
	for _, tc := range []struct{ out, want string }{
		{"heat.png", "heat.salience.png"},
		{"heat-%03d.PNG", "heat-%03d.salience.PNG"},
		{"maps", filepath.Join("maps", "salience")},
	} {
		if got := SaliencePath(tc.out, PNG); got != tc.want {
			t.Errorf("SaliencePath(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}
