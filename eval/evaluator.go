package eval

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Metric names a translation metric an Evaluator computes.
type Metric string

// The metrics an Evaluator computes.
const (
	MetricBLEU     Metric = "bleu"
	MetricChrF     Metric = "chrf"
	MetricChrFPlus Metric = "chrf++"
)

// ParseMetrics parses a comma-separated list of metric names such as
// "bleu,chrf,chrf++". Names are case-insensitive and may not repeat.
func ParseMetrics(s string) ([]Metric, error) {
	var out []Metric
	for _, f := range strings.Split(s, ",") {
		m := Metric(strings.ToLower(strings.TrimSpace(f)))
		switch m {
		case MetricBLEU, MetricChrF, MetricChrFPlus:
		default:
			return nil, fmt.Errorf("unknown metric %q (want bleu, chrf or chrf++)", f)
		}
		for _, seen := range out {
			if seen == m {
				return nil, fmt.Errorf("metric %q given twice", f)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// Score is one metric's score as sacreBLEU reports it.
type Score struct {
	// Name is the metric's name: "BLEU", "chrF2" or "chrF2++".
	Name string
	// Score is the score on the 0-100 scale.
	Score float64
	// Signature is the sacreBLEU-style signature.
	Signature string
	// Verbose holds the details printed after the score (BLEU only).
	Verbose string
}

// Format returns the line sacreBLEU prints in text mode, with the score
// rounded to width decimals: "NAME|SIGNATURE = SCORE VERBOSE".
func (s Score) Format(width int) string {
	out := s.Name + "|" + s.Signature + " = " + strconv.FormatFloat(s.Score, 'f', width, 64)
	if s.Verbose != "" {
		out += " " + s.Verbose
	}
	return out
}

// JSON returns the score as a JSON object shaped like sacreBLEU's JSON
// output: name, score rounded to width decimals, signature and
// verbose_score.
func (s Score) JSON(width int) ([]byte, error) {
	return json.Marshal(struct {
		Name      string      `json:"name"`
		Score     json.Number `json:"score"`
		Signature string      `json:"signature"`
		Verbose   string      `json:"verbose_score,omitempty"`
	}{s.Name, json.Number(strconv.FormatFloat(s.Score, 'f', width, 64)), s.Signature, s.Verbose})
}

// Report returns the score in the common Score form.
func (b BLEU) Report() Score {
	return Score{Name: "BLEU", Score: b.Score, Signature: b.Signature(), Verbose: b.Verbose()}
}

// Report returns the score in the common Score form.
func (c ChrF) Report() Score {
	return Score{Name: c.Name(), Score: c.Score, Signature: c.Signature()}
}

// EvalOptions are the options shared by the metrics of an Evaluator.
type EvalOptions struct {
	// Lowercase makes every metric case-insensitive.
	Lowercase bool
	// Tokenize is the BLEU tokenizer; "" means Tok13a.
	Tokenize Tokenizer
	// Sentence makes BLEU use effective order, as sacreBLEU does for
	// sentence-level scores.
	Sentence bool
}

// Evaluator computes several metrics over the same segments in one pass.
// It is not safe for concurrent use.
type Evaluator struct {
	metrics []Metric
	bleu    *BLEUScorer
	chrf    map[Metric]*ChrFScorer
}

// NewEvaluator returns an Evaluator of metrics with opts.
func NewEvaluator(metrics []Metric, opts EvalOptions) (*Evaluator, error) {
	if len(metrics) == 0 {
		return nil, fmt.Errorf("no metrics")
	}
	e := &Evaluator{metrics: metrics, chrf: map[Metric]*ChrFScorer{}}
	for _, m := range metrics {
		var err error
		switch m {
		case MetricBLEU:
			e.bleu, err = NewBLEUScorer(BLEUOptions{
				Lowercase: opts.Lowercase, Tokenize: opts.Tokenize, EffectiveOrder: opts.Sentence,
			})
		case MetricChrF, MetricChrFPlus:
			o := ChrFOptions{Lowercase: opts.Lowercase}
			if m == MetricChrFPlus {
				o.WordOrder = 2
			}
			e.chrf[m], err = NewChrFScorer(o)
		default:
			err = fmt.Errorf("unknown metric %q", m)
		}
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Add adds one segment to every metric. With sentence true it also returns
// the segment's own scores, in the order of the metrics.
func (e *Evaluator) Add(hyp string, refs []string, sentence bool) ([]Score, error) {
	var out []Score
	for _, m := range e.metrics {
		if m == MetricBLEU {
			st, err := e.bleu.Add(hyp, refs...)
			if err != nil {
				return nil, err
			}
			if sentence {
				b, err := ComputeBLEU(st, len(nonEmpty(refs)), e.bleu.opts)
				if err != nil {
					return nil, err
				}
				out = append(out, b.Report())
			}
			continue
		}
		s := e.chrf[m]
		st, err := s.Add(hyp, refs...)
		if err != nil {
			return nil, err
		}
		if sentence {
			c, err := ComputeChrF(append(ChrFStats(nil), st...), len(nonEmpty(refs)), s.opts)
			if err != nil {
				return nil, err
			}
			out = append(out, c.Report())
		}
	}
	return out, nil
}

// Results returns the corpus scores of the segments added so far, in the
// order of the metrics.
func (e *Evaluator) Results() ([]Score, error) {
	var out []Score
	for _, m := range e.metrics {
		if m == MetricBLEU {
			b, err := e.bleu.Result()
			if err != nil {
				return nil, err
			}
			out = append(out, b.Report())
			continue
		}
		c, err := e.chrf[m].Result()
		if err != nil {
			return nil, err
		}
		out = append(out, c.Report())
	}
	return out, nil
}
