package align

import (
	"fmt"
	"math"
	"slices"
)

// Focus summarises how spread one set of matrices' attention is.
type Focus struct {
	// Rows is the number of output-word rows measured: rows of special
	// tokens and rows without positive weight are left out.
	Rows int `json:"rows"`
	// Entropy is the mean entropy in nats of those rows, each normalised
	// to sum to 1 first (local attention's rows need not). It is 0 for
	// one-hot rows (hard attention read by argmax) and log n for a
	// uniform row over n source tokens.
	Entropy float64 `json:"entropy"`
	// DrawnEntropy is, over the rows of matrices that carry the
	// distributions sampled hard attention drew from (Dists), the mean
	// entropy of those distributions; DrawnRows counts them (0: none).
	DrawnEntropy float64 `json:"drawn_entropy,omitempty"`
	DrawnRows    int     `json:"drawn_rows,omitempty"`
}

// Comparison is the comparison of two kinds' matrices of the same
// sentence pairs (forced alignments of the same references).
type Comparison struct {
	Sentences int   `json:"sentences"`
	A         Focus `json:"a"`
	B         Focus `json:"b"`
	// Words counts the output words both sides link to a source word;
	// Agree those for which they pick the same one (the row's argmax
	// among the source words, as Argmax picks it), and Agreement is
	// Agree / Words (0 when Words is 0).
	Words     int     `json:"words"`
	Agree     int     `json:"agree"`
	Agreement float64 `json:"agreement"`
}

// Measure returns the Focus of the matrices ms.
func Measure(ms []Matrix) Focus {
	var f Focus
	var sum, drawn float64
	for _, m := range ms {
		for t, row := range m.Weights {
			if m.TargetWords[t] < 0 {
				continue
			}
			if h, ok := rowEntropy(row); ok {
				sum += h
				f.Rows++
			}
			if m.Dists == nil {
				continue
			}
			if h, ok := rowEntropy(m.Dists[t]); ok {
				drawn += h
				f.DrawnRows++
			}
		}
	}
	if f.Rows > 0 {
		f.Entropy = sum / float64(f.Rows)
	}
	if f.DrawnRows > 0 {
		f.DrawnEntropy = drawn / float64(f.DrawnRows)
	}
	return f
}

// rowEntropy is the entropy in nats of row normalised to sum to 1, and
// false for a row without positive weight. Negative weights count as 0.
func rowEntropy(row []float32) (float64, bool) {
	var total float64
	for _, v := range row {
		if v > 0 {
			total += float64(v)
		}
	}
	if total == 0 {
		return 0, false
	}
	var h float64
	for _, v := range row {
		if v > 0 {
			p := float64(v) / total
			h -= p * math.Log(p)
		}
	}
	return h, true
}

// Compare measures a and b, the matrices of the same sentence pairs
// under two kinds of attention, and the share of output words whose
// argmax source word is the same in both. Sentence i of a is matched
// with sentence i of b; they must have the same source and output
// tokens, and an error names the first sentence (0-based, as the JSON
// exports number them) where they differ.
func Compare(a, b []Matrix) (Comparison, error) {
	if len(a) != len(b) {
		return Comparison{}, fmt.Errorf("%d sentences against %d", len(a), len(b))
	}
	c := Comparison{Sentences: len(a), A: Measure(a), B: Measure(b)}
	for i := range a {
		if err := sameTokens(&a[i], &b[i]); err != nil {
			return Comparison{}, fmt.Errorf("sentence %d: %w", i, err)
		}
		for t := range a[i].Weights {
			if a[i].TargetWords[t] < 0 {
				continue
			}
			sa, sb := argmaxWord(a[i], t), argmaxWord(b[i], t)
			if sa < 0 || sb < 0 {
				continue
			}
			c.Words++
			if sa == sb {
				c.Agree++
			}
		}
	}
	if c.Words > 0 {
		c.Agreement = float64(c.Agree) / float64(c.Words)
	}
	return c, nil
}

// sameTokens reports how the token sequences of a and b differ, if they
// do.
func sameTokens(a, b *Matrix) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("first file: %w", err)
	}
	if err := b.Validate(); err != nil {
		return fmt.Errorf("second file: %w", err)
	}
	for _, side := range []struct {
		name   string
		ta, tb []string
		wa, wb []int
	}{
		{"source", a.SourceTokens, b.SourceTokens, a.SourceWords, b.SourceWords},
		{"output", a.TargetTokens, b.TargetTokens, a.TargetWords, b.TargetWords},
	} {
		if len(side.ta) != len(side.tb) {
			return fmt.Errorf("%s tokens differ: %d against %d", side.name, len(side.ta), len(side.tb))
		}
		for j := range side.ta {
			if side.ta[j] != side.tb[j] {
				return fmt.Errorf("%s token %d differs: %q against %q", side.name, j, side.ta[j], side.tb[j])
			}
		}
		if !slices.Equal(side.wa, side.wb) {
			return fmt.Errorf("%s tokens map to different words", side.name)
		}
	}
	return nil
}

// argmaxWord is the source word that row t of m attends to most, as
// Argmax picks it (ties to the first, specials excluded), or -1.
func argmaxWord(m Matrix, t int) int {
	best, bestW := -1, float32(0)
	for s, v := range m.Weights[t] {
		if m.SourceWords[s] >= 0 && v > bestW {
			best, bestW = s, v
		}
	}
	if best < 0 {
		return -1
	}
	return m.SourceWords[best]
}
