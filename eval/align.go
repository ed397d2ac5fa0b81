package eval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Link is one word-alignment link between source word Src and target word
// Tgt, both 0-based. Possible marks a gold link annotated as possible
// rather than sure.
type Link struct {
	Src, Tgt int
	Possible bool
}

// Alignment is the set of links of one sentence pair.
type Alignment []Link

// ParseAlignmentLine parses one line of links separated by whitespace:
// "i-j" is a sure link, "i?j" or "ipj" a possible one (Pharaoh and talp
// forms). With oneBased the indices start at 1 and are shifted to 0.
func ParseAlignmentLine(line string, oneBased bool) (Alignment, error) {
	fields := strings.Fields(line)
	a := make(Alignment, 0, len(fields))
	for _, f := range fields {
		i := strings.IndexAny(f, "-?p")
		if i < 0 {
			return nil, fmt.Errorf("link %q: want i-j, i?j or ipj", f)
		}
		src, err1 := parseIndex(f[:i], oneBased)
		tgt, err2 := parseIndex(f[i+1:], oneBased)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("link %q: %w", f, err)
		}
		a = append(a, Link{Src: src, Tgt: tgt, Possible: f[i] != '-'})
	}
	return a, nil
}

// maxIndex bounds word indices, which keeps them clear of overflow.
const maxIndex = 1 << 30

// parseIndex parses a word index written 0- or 1-based.
func parseIndex(s string, oneBased bool) (int, error) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("bad index %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxIndex {
		return 0, fmt.Errorf("bad index %q", s)
	}
	if oneBased {
		if n == 0 {
			return 0, fmt.Errorf("index 0 in 1-based alignments")
		}
		n--
	}
	return n, nil
}

// ParseAlignments reads alignments, one sentence per line (an empty line
// is a sentence without links), as ParseAlignmentLine parses them. Errors
// name the line.
func ParseAlignments(r io.Reader, oneBased bool) ([]Alignment, error) {
	br := bufio.NewReader(r)
	var out []Alignment
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if line == "" && err != nil {
			return out, nil
		}
		a, perr := ParseAlignmentLine(line, oneBased)
		if perr != nil {
			return nil, fmt.Errorf("line %d: %w", n, perr)
		}
		out = append(out, a)
		if err != nil {
			return out, nil
		}
	}
}

// AERResult holds the alignment quality of predicted against gold
// alignments, counts summed over the corpus.
type AERResult struct {
	// Sentences is the number of sentence pairs.
	Sentences int `json:"sentences"`
	// Predicted, Sure and Possible are |A|, |S| and |P|: the distinct
	// predicted links, the sure gold links, and the sure and possible gold
	// links together.
	Predicted int `json:"predicted"`
	Sure      int `json:"sure"`
	Possible  int `json:"possible"`
	// PredictedSure and PredictedPossible are |A∩S| and |A∩P|.
	PredictedSure     int `json:"predicted_sure"`
	PredictedPossible int `json:"predicted_possible"`
	// Precision is |A∩P|/|A| (1 when nothing is predicted).
	Precision float64 `json:"precision"`
	// Recall is |A∩S|/|S| (1 when there are no sure links).
	Recall float64 `json:"recall"`
	// F1 is the harmonic mean of Precision and Recall.
	F1 float64 `json:"f1"`
	// AER is 1 - (|A∩S| + |A∩P|) / (|A| + |S|) (0 when both are empty).
	AER float64 `json:"aer"`
}

// AER scores predicted alignments pred against gold alignments gold,
// sentence by sentence. A gold link given both as sure and as possible is
// sure; whether a predicted link is marked possible does not matter.
func AER(gold, pred []Alignment) (AERResult, error) {
	if len(gold) != len(pred) {
		return AERResult{}, fmt.Errorf("%d gold alignments but %d predicted", len(gold), len(pred))
	}
	r := AERResult{Sentences: len(gold)}
	type pair struct{ src, tgt int }
	sure := map[pair]bool{} // link -> sure (true) or only possible (false)
	seen := map[pair]bool{}
	for i := range gold {
		clear(sure)
		clear(seen)
		for _, l := range gold[i] {
			p := pair{l.Src, l.Tgt}
			sure[p] = sure[p] || !l.Possible
		}
		for _, s := range sure {
			r.Possible++
			if s {
				r.Sure++
			}
		}
		for _, l := range pred[i] {
			p := pair{l.Src, l.Tgt}
			if seen[p] {
				continue
			}
			seen[p] = true
			r.Predicted++
			if s, ok := sure[p]; ok {
				r.PredictedPossible++
				if s {
					r.PredictedSure++
				}
			}
		}
	}
	r.Precision, r.Recall = 1, 1
	if r.Predicted > 0 {
		r.Precision = float64(r.PredictedPossible) / float64(r.Predicted)
	}
	if r.Sure > 0 {
		r.Recall = float64(r.PredictedSure) / float64(r.Sure)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	if d := r.Predicted + r.Sure; d > 0 {
		r.AER = 1 - float64(r.PredictedSure+r.PredictedPossible)/float64(d)
	}
	return r, nil
}

// String formats a in the Pharaoh/talp form ParseAlignmentLine reads,
// 0-based: "0-0 1?2".
func (a Alignment) String() string {
	var sb strings.Builder
	for i, l := range a {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sep := "-"
		if l.Possible {
			sep = "?"
		}
		sb.WriteString(strconv.Itoa(l.Src) + sep + strconv.Itoa(l.Tgt))
	}
	return sb.String()
}
