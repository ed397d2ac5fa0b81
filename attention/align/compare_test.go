package align

import (
	"math"
	"strings"
	"testing"
)

// wordMatrix is a word-level matrix of the given rows over the source
// words "a b c d" and output words "w x y" plus </s> when rows has four.
func wordMatrix(rows ...[]float32) Matrix {
	m := Matrix{
		Source: "a b c d", Target: "w x y",
		SourceTokens: []string{"a", "b", "c", "d"}, SourceWords: []int{0, 1, 2, 3},
		TargetTokens: []string{"w", "x", "y"}, TargetWords: []int{0, 1, 2},
		Weights: rows,
	}
	if len(rows) == 4 {
		m.TargetTokens = append(m.TargetTokens, "</s>")
		m.TargetWords = append(m.TargetWords, Special)
	}
	return m
}

func TestMeasure(t *testing.T) {
	uniform := []float32{0.25, 0.25, 0.25, 0.25}
	oneHot := []float32{0, 1, 0, 0}
	for _, tc := range []struct {
		name    string
		ms      []Matrix
		rows    int
		entropy float64
		drawn   float64
	}{
		{"one-hot", []Matrix{wordMatrix(oneHot, oneHot, oneHot)}, 3, 0, 0},
		{"uniform", []Matrix{wordMatrix(uniform, uniform, uniform)}, 3, math.Log(4), 0},
		{"mixed over two sentences", []Matrix{wordMatrix(uniform, oneHot, oneHot), wordMatrix(uniform, uniform, oneHot)}, 6, 3 * math.Log(4) / 6, 0},
		// Local attention's rows need not sum to 1: {0.1, 0.1, 0, 0} is
		// uniform over two words.
		{"unnormalised", []Matrix{wordMatrix([]float32{0.1, 0.1, 0, 0}, oneHot, oneHot)}, 3, math.Log(2) / 3, 0},
		{"special row and empty row left out", []Matrix{wordMatrix(oneHot, make([]float32, 4), oneHot, uniform)}, 2, 0, 0},
		{"drawn distributions", func() []Matrix {
			m := wordMatrix(oneHot, oneHot, oneHot)
			m.Dists = [][]float32{uniform, uniform, oneHot}
			return []Matrix{m}
		}(), 3, 0, 2 * math.Log(4) / 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Measure(tc.ms)
			if f.Rows != tc.rows || math.Abs(f.Entropy-tc.entropy) > 1e-6 || math.Abs(f.DrawnEntropy-tc.drawn) > 1e-6 {
				t.Errorf("Measure = %+v, want %d rows, entropy %.6f, drawn %.6f", f, tc.rows, tc.entropy, tc.drawn)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	soft := []Matrix{
		wordMatrix([]float32{0.7, 0.1, 0.1, 0.1}, []float32{0.1, 0.6, 0.2, 0.1}, []float32{0.1, 0.1, 0.3, 0.5}, []float32{0, 0, 0, 1}),
		wordMatrix([]float32{0.4, 0.4, 0.1, 0.1}, []float32{0, 0, 0, 0}, []float32{0.1, 0.1, 0.1, 0.7}),
	}
	hard := []Matrix{
		// Agrees on w and x, not on y; the </s> row takes no part.
		wordMatrix([]float32{1, 0, 0, 0}, []float32{0, 1, 0, 0}, []float32{0, 0, 1, 0}, []float32{1, 0, 0, 0}),
		// The tie 0.4/0.4 goes to the first word, as Argmax does; x has
		// no weight in soft and is not counted.
		wordMatrix([]float32{1, 0, 0, 0}, []float32{0, 1, 0, 0}, []float32{0, 0, 0, 1}),
	}
	c, err := Compare(soft, hard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sentences != 2 || c.Words != 5 || c.Agree != 4 || math.Abs(c.Agreement-0.8) > 1e-9 {
		t.Errorf("Compare = %+v, want 2 sentences, 4 of 5 words agreeing", c)
	}
	if c.B.Entropy != 0 || c.A.Entropy <= 0 || c.A.Rows != 5 || c.B.Rows != 6 {
		t.Errorf("entropies %+v and %+v: want soft positive over 5 rows, hard 0 over 6", c.A, c.B)
	}
	self, err := Compare(soft, soft)
	if err != nil || self.Agreement != 1 || self.A != self.B {
		t.Errorf("Compare(soft, soft) = %+v, %v: want full agreement", self, err)
	}
}

func TestCompareErrors(t *testing.T) {
	row := []float32{1, 0, 0, 0}
	good := wordMatrix(row, row, row)
	otherWord := good
	otherWord.TargetTokens = []string{"w", "X", "y"}
	longer := wordMatrix(row, row, row, row)
	broken := good
	broken.Weights = broken.Weights[:2]
	for _, tc := range []struct {
		name string
		a, b []Matrix
		want string
	}{
		{"counts", []Matrix{good, good}, []Matrix{good}, "2 sentences against 1"},
		{"token", []Matrix{good, good}, []Matrix{good, otherWord}, `sentence 1: output token 1 differs: "x" against "X"`},
		{"length", []Matrix{longer}, []Matrix{good}, "sentence 0: output tokens differ: 4 against 3"},
		{"invalid", []Matrix{good}, []Matrix{broken}, "sentence 0: second file: inconsistent matrix shape"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.a, tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compare: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
