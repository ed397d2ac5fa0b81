package align

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Special is the word index of a token that belongs to no word of the line,
// such as the closing "</s>".
const Special = -1

// Matrix is the attention of one sentence pair. Weights has one row per
// target token and one column per source token: Weights[t][s] is the
// attention paid to source token s when producing target token t.
type Matrix struct {
	// Source and Target are the raw lines. Their words are their
	// whitespace-separated tokens (strings.Fields).
	Source, Target string
	// SourceTokens and TargetTokens label the columns and rows: subword
	// pieces, words, or special tokens such as "</s>".
	SourceTokens, TargetTokens []string
	// SourceWords and TargetWords give for each token the 0-based index of
	// the word of Source or Target it belongs to, or Special (-1).
	SourceWords, TargetWords []int
	// Weights is the T×S attention matrix.
	Weights [][]float32
	// Windows holds, for local attention, the window of each row; nil
	// for the other kinds (see glimpse.go).
	Windows []Window
	// Dists holds, for hard attention decoded by sampling, the T×S
	// distributions the one-hot rows of Weights were drawn from; nil
	// otherwise.
	Dists [][]float32
	// Salience, when set, is a second T×S explanation of the same pair:
	// activation x gradient (see package seq2seq's Salience), signed
	// unless its absolute value was asked for. Its rows are not
	// distributions and are never renormalised.
	Salience [][]float32
	// Map names what Weights holds: "" or MapAttention for attention,
	// MapSalience when salience alone was asked for.
	Map string
}

// Names of the explanation maps.
const (
	MapAttention = "attention"
	MapSalience  = "salience"
)

// Aligner produces attention matrices at subword level for source lines. A
// nil refs decodes a translation of each line and returns the attention
// of the chosen hypothesis; otherwise refs[i] is a given translation of
// srcs[i], which is scored instead of decoded (forced alignment).
type Aligner interface {
	Align(ctx context.Context, srcs, refs []string) ([]Matrix, error)
}

// ErrShape reports a Matrix whose parts disagree in size.
var ErrShape = errors.New("inconsistent matrix shape")

// Validate checks that the tokens, word indices and weights agree in size
// and that every word index names a word of the raw line or is Special.
func (m *Matrix) Validate() error {
	if len(m.SourceWords) != len(m.SourceTokens) {
		return fmt.Errorf("%w: %d source tokens, %d source word indices", ErrShape, len(m.SourceTokens), len(m.SourceWords))
	}
	if len(m.TargetWords) != len(m.TargetTokens) {
		return fmt.Errorf("%w: %d target tokens, %d target word indices", ErrShape, len(m.TargetTokens), len(m.TargetWords))
	}
	if err := checkGrid("weights", m.Weights, len(m.TargetTokens), len(m.SourceTokens)); err != nil {
		return err
	}
	if m.Salience != nil {
		if err := checkGrid("salience", m.Salience, len(m.TargetTokens), len(m.SourceTokens)); err != nil {
			return err
		}
	}
	if err := checkWords("source", m.SourceWords, len(strings.Fields(m.Source))); err != nil {
		return err
	}
	if err := m.validateGlimpses(); err != nil {
		return err
	}
	return checkWords("target", m.TargetWords, len(strings.Fields(m.Target)))
}

func checkGrid(name string, g [][]float32, rows, cols int) error {
	if len(g) != rows {
		return fmt.Errorf("%w: %d %s rows for %d target tokens", ErrShape, len(g), name, rows)
	}
	for t, row := range g {
		if len(row) != cols {
			return fmt.Errorf("%w: %s row %d has %d values for %d source tokens", ErrShape, name, t, len(row), cols)
		}
	}
	return nil
}

func checkWords(side string, idx []int, n int) error {
	for i, w := range idx {
		if w < Special || w >= n {
			return fmt.Errorf("%w: %s token %d has word index %d, line has %d words", ErrShape, side, i, w, n)
		}
	}
	return nil
}

// TargetPieces says how the rows of an output word's pieces combine into
// the word's row.
type TargetPieces int

const (
	// TargetMean averages the rows of the word's pieces (the default).
	TargetMean TargetPieces = iota
	// TargetSum adds the rows of the word's pieces.
	TargetSum
	// TargetFirst takes the row of the word's first piece.
	TargetFirst
)

// String returns the name ParseTargetPieces accepts.
func (p TargetPieces) String() string {
	switch p {
	case TargetMean:
		return "mean"
	case TargetSum:
		return "sum"
	case TargetFirst:
		return "first"
	}
	return fmt.Sprintf("TargetPieces(%d)", int(p))
}

// ParseTargetPieces parses "mean", "sum" or "first".
func ParseTargetPieces(s string) (TargetPieces, error) {
	for _, p := range []TargetPieces{TargetMean, TargetSum, TargetFirst} {
		if s == p.String() {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown target piece rule %q: want mean, sum or first", s)
}

// WordOptions controls Matrix.Words.
type WordOptions struct {
	// KeepSpecial keeps special tokens as their own rows and columns, after
	// the words; otherwise they are dropped and rows renormalised.
	KeepSpecial bool
	// Target says how output pieces combine into words.
	Target TargetPieces
}

// Words returns the word-level matrix of m: its tokens are the words of
// the raw lines (and, with KeepSpecial, the special tokens in their first
// order of appearance), source columns summed over pieces and target rows
// combined as opt.Target says. See the package documentation.
func (m *Matrix) Words(opt WordOptions) (Matrix, error) {
	if err := m.Validate(); err != nil {
		return Matrix{}, err
	}
	srcWords, tgtWords := strings.Fields(m.Source), strings.Fields(m.Target)
	colOf, srcTok, srcIdx := wordSlots(srcWords, m.SourceTokens, m.SourceWords, opt.KeepSpecial)
	rowOf, tgtTok, tgtIdx := wordSlots(tgtWords, m.TargetTokens, m.TargetWords, opt.KeepSpecial)

	w := combinePieces(m.Weights, rowOf, colOf, len(tgtTok), len(srcTok), opt.Target)
	if !opt.KeepSpecial {
		for _, row := range w {
			normalize(row)
		}
	}
	var sal [][]float32
	if m.Salience != nil {
		sal = combinePieces(m.Salience, rowOf, colOf, len(tgtTok), len(srcTok), opt.Target)
	}
	out := Matrix{
		Source: m.Source, Target: m.Target,
		SourceTokens: srcTok, TargetTokens: tgtTok,
		SourceWords: srcIdx, TargetWords: tgtIdx,
		Weights: w, Salience: sal, Map: m.Map,
	}
	return out, m.wordGlimpses(&out, opt)
}

// combinePieces maps the token-level grid g to words: column slots colOf
// summed, row slots rowOf combined by rule; slot -1 is dropped.
func combinePieces(g [][]float32, rowOf, colOf []int, rows, cols int, rule TargetPieces) [][]float32 {
	w := newWeights(rows, cols)
	pieces := make([]int, rows)
	for t, row := range g {
		r := rowOf[t]
		if r < 0 {
			continue
		}
		if rule == TargetFirst && pieces[r] > 0 {
			continue
		}
		pieces[r]++
		for s, v := range row {
			if c := colOf[s]; c >= 0 {
				w[r][c] += v
			}
		}
	}
	if rule == TargetMean {
		for r, n := range pieces {
			if n > 1 {
				scale(w[r], 1/float32(n))
			}
		}
	}
	return w
}

// wordSlots maps each token to its slot in the word-level matrix (-1 when
// dropped) and returns the slots' labels and word indices: the words in
// order, then the kept special tokens.
func wordSlots(words, toks []string, idx []int, keep bool) (slot []int, labels []string, wordIdx []int) {
	labels = append(labels, words...)
	for i := range words {
		wordIdx = append(wordIdx, i)
	}
	slot = make([]int, len(toks))
	seen := map[string]int{}
	for i, w := range idx {
		switch {
		case w >= 0:
			slot[i] = w
		case !keep:
			slot[i] = -1
		default:
			s, ok := seen[toks[i]]
			if !ok {
				s = len(labels)
				seen[toks[i]] = s
				labels = append(labels, toks[i])
				wordIdx = append(wordIdx, Special)
			}
			slot[i] = s
		}
	}
	return slot, labels, wordIdx
}

func newWeights(rows, cols int) [][]float32 {
	flat := make([]float32, rows*cols)
	w := make([][]float32, rows)
	for r := range w {
		w[r] = flat[r*cols : (r+1)*cols : (r+1)*cols]
	}
	return w
}

func scale(row []float32, f float32) {
	for i := range row {
		row[i] *= f
	}
}

// normalize scales row to sum to 1 unless it sums to 0.
func normalize(row []float32) {
	var sum float64
	for _, v := range row {
		sum += float64(v)
	}
	if sum > 0 {
		scale(row, float32(1/sum))
	}
}

// validateAll validates every matrix, naming the first bad one.
func validateAll(ms []Matrix) error {
	for i := range ms {
		if err := ms[i].Validate(); err != nil {
			return fmt.Errorf("sentence %d: %w", i, err)
		}
	}
	return nil
}
