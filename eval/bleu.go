package eval

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// BLEUMaxOrder is the highest n-gram order BLEU counts.
const BLEUMaxOrder = 4

// Smoothing names a BLEU smoothing method, as sacreBLEU's --smooth-method
// option does.
type Smoothing string

// The smoothing methods of sacreBLEU (Chen and Cherry, 2014).
const (
	// SmoothExp halves the credit of each successive order without a match
	// (NIST, mteval-v13a); the default.
	SmoothExp Smoothing = "exp"
	// SmoothNone leaves zero precisions at zero, which makes BLEU zero.
	SmoothNone Smoothing = "none"
	// SmoothFloor replaces zero match counts with SmoothValue (default 0.1).
	SmoothFloor Smoothing = "floor"
	// SmoothAddK adds SmoothValue (default 1) to the match and total counts
	// of orders 2 and up.
	SmoothAddK Smoothing = "add-k"
)

// ErrEmptyReference is returned for a segment whose references are all
// empty strings; sacreBLEU refuses such segments too.
var ErrEmptyReference = errors.New("empty reference")

// ErrNoSegments is returned when a score is asked of no segments at all.
var ErrNoSegments = errors.New("no segments to score")

// BLEUOptions selects the BLEU variant. The zero value is sacreBLEU's
// default: mixed case, 13a tokenization, exp smoothing, no effective order.
type BLEUOptions struct {
	// Lowercase lowercases hypotheses and references first (sacreBLEU -lc).
	Lowercase bool
	// Tokenize is the tokenizer; "" means Tok13a.
	Tokenize Tokenizer
	// Smooth is the smoothing method; "" means SmoothExp.
	Smooth Smoothing
	// SmoothValue is the value of SmoothFloor and SmoothAddK; 0 means
	// sacreBLEU's default (0.1 and 1).
	SmoothValue float64
	// EffectiveOrder stops the geometric mean at the highest order the
	// hypothesis has n-grams of. sacreBLEU enables it for sentence BLEU.
	EffectiveOrder bool
}

// normalize fills in defaults and rejects unknown names.
func (o BLEUOptions) normalize() (BLEUOptions, error) {
	if o.Tokenize == "" {
		o.Tokenize = Tok13a
	}
	if _, err := ParseTokenizer(string(o.Tokenize)); err != nil {
		return o, err
	}
	switch o.Smooth {
	case "":
		o.Smooth = SmoothExp
	case SmoothExp, SmoothNone:
	case SmoothFloor:
		if o.SmoothValue == 0 {
			o.SmoothValue = 0.1
		}
	case SmoothAddK:
		if o.SmoothValue == 0 {
			o.SmoothValue = 1
		}
	default:
		return o, fmt.Errorf("unknown smoothing method %q (want exp, none, floor or add-k)", o.Smooth)
	}
	if o.SmoothValue < 0 || math.IsNaN(o.SmoothValue) || math.IsInf(o.SmoothValue, 0) {
		return o, fmt.Errorf("bad smoothing value %v", o.SmoothValue)
	}
	return o, nil
}

// BLEUStats are the sufficient statistics of BLEU: sums over segments of
// the hypothesis length, the closest reference length, and the clipped
// matches and totals of each n-gram order.
type BLEUStats struct {
	SysLen, RefLen int
	Correct        [BLEUMaxOrder]int
	Total          [BLEUMaxOrder]int
}

// Add adds the statistics o to s.
func (s *BLEUStats) Add(o BLEUStats) {
	s.SysLen += o.SysLen
	s.RefLen += o.RefLen
	for i := range s.Correct {
		s.Correct[i] += o.Correct[i]
		s.Total[i] += o.Total[i]
	}
}

// BLEU is a BLEU score with the numbers behind it.
type BLEU struct {
	// Score is BLEU on the 0-100 scale.
	Score float64
	// Counts and Totals are the clipped n-gram matches and the hypothesis
	// n-grams of each order, without smoothing.
	Counts, Totals [BLEUMaxOrder]int
	// Precisions are the smoothed n-gram precisions, 0-100.
	Precisions [BLEUMaxOrder]float64
	// BP is the brevity penalty.
	BP float64
	// Ratio is SysLen/RefLen, 0 when RefLen is 0.
	Ratio float64
	// SysLen and RefLen are the hypothesis and reference lengths in tokens.
	SysLen, RefLen int
	// NumRefs is the number of references per segment, or -1 when it varies.
	NumRefs int
	// Options are the options the score was computed with, defaults filled in.
	Options BLEUOptions
}

// bleuLog is sacreBLEU's my_log: log with log(0) = -9999999999.
func bleuLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}

// ComputeBLEU turns summed statistics into a BLEU score exactly as
// sacreBLEU's BLEU.compute_bleu does. numRefs is reported in the
// signature (-1 for a variable number).
func ComputeBLEU(stats BLEUStats, numRefs int, opts BLEUOptions) (BLEU, error) {
	opts, err := opts.normalize()
	if err != nil {
		return BLEU{}, err
	}
	b := BLEU{
		Counts: stats.Correct, Totals: stats.Total,
		SysLen: stats.SysLen, RefLen: stats.RefLen,
		NumRefs: numRefs, Options: opts, BP: 1,
	}
	if b.RefLen != 0 {
		b.Ratio = float64(b.SysLen) / float64(b.RefLen)
	}
	if b.SysLen < b.RefLen {
		b.BP = 0
		if b.SysLen > 0 {
			b.BP = math.Exp(1 - float64(b.RefLen)/float64(b.SysLen))
		}
	}
	anyCorrect := false
	for _, c := range stats.Correct {
		anyCorrect = anyCorrect || c != 0
	}
	if !anyCorrect {
		return b, nil
	}
	correct, total := [BLEUMaxOrder]float64{}, [BLEUMaxOrder]float64{}
	for i := range correct {
		correct[i], total[i] = float64(stats.Correct[i]), float64(stats.Total[i])
	}
	smoothMteval := 1.0
	effOrder := BLEUMaxOrder
	for n := 1; n <= BLEUMaxOrder; n++ {
		if opts.Smooth == SmoothAddK && n > 1 {
			correct[n-1] += opts.SmoothValue
			total[n-1] += opts.SmoothValue
		}
		if total[n-1] == 0 {
			break
		}
		if opts.EffectiveOrder {
			effOrder = n
		}
		if correct[n-1] == 0 {
			switch opts.Smooth {
			case SmoothExp:
				smoothMteval *= 2
				b.Precisions[n-1] = 100. / (smoothMteval * total[n-1])
			case SmoothFloor:
				b.Precisions[n-1] = 100. * opts.SmoothValue / total[n-1]
			}
		} else {
			b.Precisions[n-1] = 100. * correct[n-1] / total[n-1]
		}
	}
	sum := 0.0
	for _, p := range b.Precisions[:effOrder] {
		sum += bleuLog(p)
	}
	b.Score = b.BP * math.Exp(sum/float64(effOrder))
	return b, nil
}

// Signature returns the sacreBLEU-style signature of the score, such as
// "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt".
func (b BLEU) Signature() string {
	o := b.Options
	smooth := string(o.Smooth)
	if o.Smooth == SmoothFloor || o.Smooth == SmoothAddK {
		smooth += "[" + strconv.FormatFloat(o.SmoothValue, 'f', 2, 64) + "]"
	}
	return fmt.Sprintf("nrefs:%s|case:%s|eff:%s|tok:%s|smooth:%s|version:%s",
		nrefsString(b.NumRefs), caseString(o.Lowercase), yesNo(o.EffectiveOrder),
		o.Tokenize, smooth, SignatureVersion)
}

// Verbose returns the details sacreBLEU prints after the score:
// "66.7/40.0/25.0/14.3 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)".
func (b BLEU) Verbose() string {
	p := make([]string, len(b.Precisions))
	for i, x := range b.Precisions {
		p[i] = strconv.FormatFloat(x, 'f', 1, 64)
	}
	return fmt.Sprintf("%s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
		strings.Join(p, "/"), b.BP, b.Ratio, b.SysLen, b.RefLen)
}

// Format returns the score line sacreBLEU prints in text mode, with the
// score rounded to width decimals:
// "BLEU|nrefs:1|...|version:2.6.0+attnmt = 34.12 66.7/40.0/... (BP = ...)".
func (b BLEU) Format(width int) string {
	return "BLEU|" + b.Signature() + " = " + strconv.FormatFloat(b.Score, 'f', width, 64) + " " + b.Verbose()
}

// String returns Format(2).
func (b BLEU) String() string { return b.Format(2) }

// BLEUScorer accumulates BLEU statistics segment by segment, so that a
// corpus of any size is scored without holding it in memory. It is not
// safe for concurrent use.
type BLEUScorer struct {
	opts     BLEUOptions
	stats    BLEUStats
	segments int
	numRefs  int // 0 before the first segment, -1 once it varies
	ws       wordWorkspace
	tables   [2]countTable
}

// NewBLEUScorer returns a scorer for opts.
func NewBLEUScorer(opts BLEUOptions) (*BLEUScorer, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	return &BLEUScorer{opts: opts}, nil
}

// Add scores hypothesis hyp against its references refs, adds the
// statistics to the corpus totals and returns them. Empty references are
// ignored, as in sacreBLEU; if all are empty Add returns an error wrapping
// ErrEmptyReference and adds nothing.
func (s *BLEUScorer) Add(hyp string, refs ...string) (BLEUStats, error) {
	st, n, err := s.segmentStats(hyp, refs)
	if err != nil {
		return st, fmt.Errorf("segment %d: %w", s.segments+1, err)
	}
	s.segments++
	s.numRefs = mergeNumRefs(s.numRefs, n)
	s.stats.Add(st)
	return st, nil
}

// Segments returns the number of segments added so far.
func (s *BLEUScorer) Segments() int { return s.segments }

// Stats returns the statistics summed over the segments added so far.
func (s *BLEUScorer) Stats() BLEUStats { return s.stats }

// Result returns the corpus BLEU of the segments added so far.
func (s *BLEUScorer) Result() (BLEU, error) {
	if s.segments == 0 {
		return BLEU{}, ErrNoSegments
	}
	return ComputeBLEU(s.stats, s.numRefs, s.opts)
}

// segmentStats computes the BLEU statistics of one segment and returns the
// number of non-empty references.
func (s *BLEUScorer) segmentStats(hyp string, refs []string) (BLEUStats, int, error) {
	var st BLEUStats
	ws := &s.ws
	ws.begin()
	for _, r := range refs {
		if r != "" {
			ws.addSeq(s.preprocess(ws, r))
		}
	}
	nrefs := len(ws.seqs)
	if nrefs == 0 {
		return st, 0, ErrEmptyReference
	}
	h := ws.addSeq(s.preprocess(ws, hyp))
	hlen := len(ws.seqs[h])
	refSeqs := ws.seqs[:nrefs]

	// The closest reference length; ties go to the shorter one.
	closest, diff := -1, -1
	for _, r := range refSeqs {
		d := len(r) - hlen
		if d < 0 {
			d = -d
		}
		if diff == -1 || d < diff || (d == diff && len(r) < closest) {
			closest, diff = len(r), d
		}
	}
	st.SysLen, st.RefLen = hlen, closest

	main, tmp := &s.tables[0], &s.tables[1]
	for n := 1; n <= BLEUMaxOrder; n++ {
		size := 0
		for _, r := range refSeqs {
			size += max(0, len(r)-n+1)
		}
		main.reset(size)
		if nrefs == 1 {
			r := refSeqs[0]
			for i := 0; i+n <= len(r); i++ {
				main.add(wordKey(r, i, n))
			}
		} else {
			for _, r := range refSeqs {
				tmp.reset(len(r))
				for i := 0; i+n <= len(r); i++ {
					k := wordKey(r, i, n)
					main.raise(k, tmp.add(k))
				}
			}
		}
		hs := ws.seqs[h]
		st.Total[n-1] = max(0, hlen-n+1)
		for i := 0; i+n <= hlen; i++ {
			if main.take(wordKey(hs, i, n)) {
				st.Correct[n-1]++
			}
		}
	}
	return st, nrefs, nil
}

// preprocess lowercases and tokenizes one segment into ws's token buffer.
func (s *BLEUScorer) preprocess(ws *wordWorkspace, line string) []string {
	if s.opts.Lowercase {
		line = pyLower(line)
	}
	if s.opts.Tokenize == TokNone {
		ws.toks = pyFields(ws.toks[:0], line)
	} else {
		ws.toks = ws.tok.tokens(ws.toks[:0], line)
	}
	return ws.toks
}

// CorpusBLEU returns the corpus BLEU of hypotheses hyps against one
// reference each, refs[i] being the reference of hyps[i].
func CorpusBLEU(hyps, refs []string, opts BLEUOptions) (BLEU, error) {
	if len(hyps) != len(refs) {
		return BLEU{}, fmt.Errorf("%d hypotheses but %d references", len(hyps), len(refs))
	}
	s, err := NewBLEUScorer(opts)
	if err != nil {
		return BLEU{}, err
	}
	for i := range hyps {
		if _, err := s.Add(hyps[i], refs[i]); err != nil {
			return BLEU{}, err
		}
	}
	return s.Result()
}

// SentenceBLEU returns the BLEU of one hypothesis against its references.
// sacreBLEU's sentence_bleu sets EffectiveOrder, and so should callers
// that want its numbers.
func SentenceBLEU(hyp string, refs []string, opts BLEUOptions) (BLEU, error) {
	s, err := NewBLEUScorer(opts)
	if err != nil {
		return BLEU{}, err
	}
	if _, err := s.Add(hyp, refs...); err != nil {
		return BLEU{}, err
	}
	return s.Result()
}
