package align

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	// Source "x y" with x in two pieces, target "u" in one piece.
	src := Matrix{
		Source: "x y", Target: "u v",
		SourceTokens: []string{"x1", "x2", "y", "</s>"}, SourceWords: []int{0, 0, 1, Special},
		TargetTokens: []string{"u1", "u2", "v", "</s>"}, TargetWords: []int{0, 0, 1, Special},
		Weights: [][]float32{
			{0.2, 0.3, 0.4, 0.1},
			{0, 0.1, 0.8, 0.1},
			{0, 0, 0, 1},
			{0.1, 0.1, 0.1, 0.7},
		},
	}
	tests := []struct {
		name       string
		opt        WordOptions
		srcTok     []string
		tgtTok     []string
		srcW, tgtW []int
		want       [][]float32
	}{
		{
			name:   "mean, drop specials",
			opt:    WordOptions{},
			srcTok: []string{"x", "y"}, tgtTok: []string{"u", "v"},
			srcW: []int{0, 1}, tgtW: []int{0, 1},
			// u = mean(rows 0,1) over (x, y) = (0.3, 0.6), renormalised; v has no mass left.
			want: [][]float32{{1.0 / 3, 2.0 / 3}, {0, 0}},
		},
		{
			name:   "mean, keep specials",
			opt:    WordOptions{KeepSpecial: true},
			srcTok: []string{"x", "y", "</s>"}, tgtTok: []string{"u", "v", "</s>"},
			srcW: []int{0, 1, Special}, tgtW: []int{0, 1, Special},
			want: [][]float32{{0.3, 0.6, 0.1}, {0, 0, 1}, {0.2, 0.1, 0.7}},
		},
		{
			name:   "sum, keep specials",
			opt:    WordOptions{KeepSpecial: true, Target: TargetSum},
			srcTok: []string{"x", "y", "</s>"}, tgtTok: []string{"u", "v", "</s>"},
			srcW: []int{0, 1, Special}, tgtW: []int{0, 1, Special},
			want: [][]float32{{0.6, 1.2, 0.2}, {0, 0, 1}, {0.2, 0.1, 0.7}},
		},
		{
			name:   "first piece, drop specials",
			opt:    WordOptions{Target: TargetFirst},
			srcTok: []string{"x", "y"}, tgtTok: []string{"u", "v"},
			srcW: []int{0, 1}, tgtW: []int{0, 1},
			want: [][]float32{{5.0 / 9, 4.0 / 9}, {0, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := src.Words(tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.SourceTokens, tt.srcTok) || !slices.Equal(got.TargetTokens, tt.tgtTok) {
				t.Errorf("tokens = %q, %q; want %q, %q", got.SourceTokens, got.TargetTokens, tt.srcTok, tt.tgtTok)
			}
			if !slices.Equal(got.SourceWords, tt.srcW) || !slices.Equal(got.TargetWords, tt.tgtW) {
				t.Errorf("word indices = %v, %v; want %v, %v", got.SourceWords, got.TargetWords, tt.srcW, tt.tgtW)
			}
			if !approxEqual(got.Weights, tt.want) {
				t.Errorf("weights = %v, want %v", got.Weights, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("word matrix invalid: %v", err)
			}
		})
	}
}

func approxEqual(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Abs(float64(a[i][j]-b[i][j])) > 1e-6 {
				return false
			}
		}
	}
	return true
}

func TestWordsRowsSumToOne(t *testing.T) {
	m := sample()
	w, err := m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(w.SourceTokens), 4; got != want {
		t.Fatalf("%d source words, want %d", got, want)
	}
	for r, row := range w.Weights {
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d (%s) sums to %v", r, w.TargetTokens[r], sum)
		}
	}
	// A word without pieces gets an all-zero column.
	m.Source += " extra"
	w, err = m.Words(WordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range w.Weights {
		if row[4] != 0 {
			t.Errorf("row %d: weight %v on a word without pieces", r, row[4])
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Matrix)
	}{
		{"source word indices short", func(m *Matrix) { m.SourceWords = m.SourceWords[1:] }},
		{"target word indices short", func(m *Matrix) { m.TargetWords = m.TargetWords[1:] }},
		{"missing row", func(m *Matrix) { m.Weights = m.Weights[1:] }},
		{"short row", func(m *Matrix) { m.Weights[2] = m.Weights[2][1:] }},
		{"word index past the line", func(m *Matrix) { m.SourceWords[1] = 4 }},
		{"word index below -1", func(m *Matrix) { m.TargetWords[0] = -2 }},
		{"target line too short", func(m *Matrix) { m.Target = "A man" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sample()
			tt.change(&m)
			if err := m.Validate(); !errors.Is(err, ErrShape) {
				t.Errorf("Validate = %v, want ErrShape", err)
			}
			if _, err := m.Words(WordOptions{}); !errors.Is(err, ErrShape) {
				t.Errorf("Words error = %v, want ErrShape", err)
			}
		})
	}
	m := sample()
	if err := m.Validate(); err != nil {
		t.Errorf("sample: %v", err)
	}
}

func TestParseTargetPieces(t *testing.T) {
	for _, p := range []TargetPieces{TargetMean, TargetSum, TargetFirst} {
		got, err := ParseTargetPieces(p.String())
		if err != nil || got != p {
			t.Errorf("ParseTargetPieces(%q) = %v, %v", p.String(), got, err)
		}
	}
	if _, err := ParseTargetPieces("max"); err == nil {
		t.Error("ParseTargetPieces(max) succeeded")
	}
}

func BenchmarkWords(b *testing.B) {
	// A 40×40 subword matrix of 30×30 words.
	m := Matrix{}
	var words []string
	for i := range 30 {
		words = append(words, "w"+string(rune('a'+i%26)))
	}
	for i := range 40 {
		m.SourceTokens = append(m.SourceTokens, "p")
		m.TargetTokens = append(m.TargetTokens, "p")
		m.SourceWords = append(m.SourceWords, min(i*30/40, 29))
		m.TargetWords = append(m.TargetWords, min(i*30/40, 29))
		m.Weights = append(m.Weights, peaked(40, i, 0.5))
	}
	m.Source = strings.Join(words, " ")
	m.Target = m.Source
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Words(WordOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
