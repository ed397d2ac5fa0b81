package align

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// peaked returns a row of n weights with mass p on index k and the rest
// spread evenly, so that it sums to 1.
func peaked(n, k int, p float32) []float32 {
	row := make([]float32, n)
	for i := range row {
		row[i] = (1 - p) / float32(n-1)
	}
	row[k] = p
	return row
}

// sample is a subword-level matrix: German source pieces (plus </s>),
// English output pieces (plus </s>), each output piece attending most to
// a chosen source piece.
func sample() Matrix {
	m := Matrix{
		Source:       "Ein Mann fährt Fahrrad.",
		Target:       "A man rides a bike.",
		SourceTokens: []string{"Ein", "Mann", "fähr", "t", "Fahr", "rad", ".", "</s>"},
		SourceWords:  []int{0, 1, 2, 2, 3, 3, 3, Special},
		TargetTokens: []string{"A", "man", "ri", "des", "a", "bike", ".", "</s>"},
		TargetWords:  []int{0, 1, 2, 2, 3, 4, 4, Special},
	}
	focus := []int{0, 1, 2, 3, 0, 4, 6, 7}
	for _, k := range focus {
		m.Weights = append(m.Weights, peaked(len(m.SourceTokens), k, 0.65))
	}
	return m
}

// scripts is a word-level matrix with Cyrillic and Greek words and markup
// that must show as text.
func scripts() Matrix {
	m := Matrix{
		Source:       `Мальчик <script>alert(1)</script> & "бежит"`,
		Target:       "Το αγόρι τρέχει",
		SourceTokens: []string{"Мальчик", "<script>alert(1)</script>", "&", `"бежит"`},
		SourceWords:  []int{0, 1, 2, 3},
		TargetTokens: []string{"Το", "αγόρι", "τρέχει"},
		TargetWords:  []int{0, 1, 2},
	}
	for _, k := range []int{0, 0, 3} {
		m.Weights = append(m.Weights, peaked(4, k, 0.7))
	}
	return m
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test -update and review the diff):\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(gl), len(wl)) {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + trunc(g) + "\nwant: " + trunc(w)
		}
	}
	return ""
}

func trunc(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
