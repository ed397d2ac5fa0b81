package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ChrFOptions selects the chrF variant. The zero value is sacreBLEU's
// chrF2; set WordOrder to 2 for chrF++.
type ChrFOptions struct {
	// CharOrder is the highest character n-gram order; 0 means 6.
	CharOrder int
	// WordOrder is the highest word n-gram order: 0 for chrF, 2 for chrF++.
	WordOrder int
	// Beta weighs recall Beta times as much as precision; 0 means 2.
	Beta int
	// Lowercase lowercases hypotheses and references first (sacreBLEU -lc).
	Lowercase bool
	// Whitespace keeps whitespace in character n-grams.
	Whitespace bool
	// EpsSmoothing averages per-order F-scores with epsilon smoothing, as
	// chrF++.py, Moses and NLTK do, instead of sacreBLEU's default of
	// averaging precision and recall over the orders that occur.
	EpsSmoothing bool
}

// normalize fills in defaults and rejects bad values.
func (o ChrFOptions) normalize() (ChrFOptions, error) {
	if o.CharOrder == 0 {
		o.CharOrder = 6
	}
	if o.Beta == 0 {
		o.Beta = 2
	}
	if o.CharOrder < 0 || o.WordOrder < 0 || o.Beta < 0 {
		return o, fmt.Errorf("bad chrF options: char order %d, word order %d, beta %d", o.CharOrder, o.WordOrder, o.Beta)
	}
	return o, nil
}

// order returns the number of n-gram orders, characters and words.
func (o ChrFOptions) order() int { return o.CharOrder + o.WordOrder }

// NGramStats are the n-gram counts of one order: n-grams in the hypothesis
// (0 when the reference has none of this order), in the reference, and
// matched (the multiset intersection).
type NGramStats struct {
	Hyp, Ref, Match int
}

// ChrFStats are the sufficient statistics of chrF: the NGramStats of the
// character orders 1..CharOrder followed by the word orders 1..WordOrder.
type ChrFStats []NGramStats

// Add adds the statistics o to s, which must have the same orders.
func (s ChrFStats) Add(o ChrFStats) {
	for i := range s {
		s[i].Hyp += o[i].Hyp
		s[i].Ref += o[i].Ref
		s[i].Match += o[i].Match
	}
}

// ChrF is a chrF or chrF++ score with the numbers behind it.
type ChrF struct {
	// Score is chrF on the 0-100 scale.
	Score float64
	// Stats are the summed n-gram statistics.
	Stats ChrFStats
	// NumRefs is the number of references per segment, or -1 when it varies.
	NumRefs int
	// Options are the options the score was computed with, defaults filled in.
	Options ChrFOptions
}

// chrFScore is sacreBLEU's CHRF._compute_f_score.
func chrFScore(stats ChrFStats, o ChrFOptions) float64 {
	const eps = 1e-16
	factor := float64(o.Beta * o.Beta)
	score, avgPrec, avgRec := 0.0, 0.0, 0.0
	effOrder := 0
	for _, s := range stats {
		prec, rec := eps, eps
		if s.Hyp > 0 {
			prec = float64(s.Match) / float64(s.Hyp)
		}
		if s.Ref > 0 {
			rec = float64(s.Match) / float64(s.Ref)
		}
		if denom := factor*prec + rec; denom > 0 {
			score += (1 + factor) * prec * rec / denom
		} else {
			score += eps
		}
		if s.Hyp > 0 && s.Ref > 0 {
			avgPrec += prec
			avgRec += rec
			effOrder++
		}
	}
	if o.EpsSmoothing {
		return 100 * score / float64(len(stats))
	}
	if effOrder == 0 {
		return 0
	}
	avgPrec /= float64(effOrder)
	avgRec /= float64(effOrder)
	if avgPrec+avgRec == 0 {
		return 0
	}
	score = (1 + factor) * avgPrec * avgRec
	score /= factor*avgPrec + avgRec
	return 100 * score
}

// ComputeChrF turns summed statistics into a chrF score exactly as
// sacreBLEU does. numRefs is reported in the signature (-1 for variable).
func ComputeChrF(stats ChrFStats, numRefs int, opts ChrFOptions) (ChrF, error) {
	opts, err := opts.normalize()
	if err != nil {
		return ChrF{}, err
	}
	if len(stats) != opts.order() {
		return ChrF{}, fmt.Errorf("chrF statistics have %d orders, options want %d", len(stats), opts.order())
	}
	return ChrF{Score: chrFScore(stats, opts), Stats: stats, NumRefs: numRefs, Options: opts}, nil
}

// Name returns the metric's name as sacreBLEU prints it: "chrF2", or
// "chrF2++" for word order 2.
func (c ChrF) Name() string {
	return "chrF" + strconv.Itoa(c.Options.Beta) + strings.Repeat("+", c.Options.WordOrder)
}

// Signature returns the sacreBLEU-style signature of the score, such as
// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+attnmt".
func (c ChrF) Signature() string {
	o := c.Options
	return fmt.Sprintf("nrefs:%s|case:%s|eff:%s|nc:%d|nw:%d|space:%s|version:%s",
		nrefsString(c.NumRefs), caseString(o.Lowercase), yesNo(!o.EpsSmoothing),
		o.CharOrder, o.WordOrder, yesNo(o.Whitespace), SignatureVersion)
}

// Format returns the score line sacreBLEU prints in text mode, with the
// score rounded to width decimals: "chrF2|nrefs:1|...|version:... = 56.78".
func (c ChrF) Format(width int) string {
	return c.Name() + "|" + c.Signature() + " = " + strconv.FormatFloat(c.Score, 'f', width, 64)
}

// String returns Format(2).
func (c ChrF) String() string { return c.Format(2) }

// chrFPuncts is Python's string.punctuation, which chrF++ splits off words.
const chrFPuncts = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// isChrFPunct reports whether r is in chrFPuncts.
func isChrFPunct(r rune) bool {
	return r < utf8.RuneSelf && strings.IndexByte(chrFPuncts, byte(r)) >= 0
}

// chrFWords splits sent into chrF++ words (sacreBLEU's
// _remove_punctuation) and appends them to dst: whitespace-separated words
// of more than one character lose a final punctuation mark, or else an
// initial one, which becomes a word of its own.
func chrFWords(dst []string, sent string) []string {
	start := len(dst)
	dst = pyFields(dst, sent)
	end := len(dst)
	splits := 0
	for _, w := range dst[start:] {
		if _, _, ok := splitPunct(w); ok {
			splits++
		}
	}
	if splits == 0 {
		return dst
	}
	dst = slices.Grow(dst, splits)[:end+splits]
	// Move the words to their final places from the back, splitting.
	j := len(dst) - 1
	for i := end - 1; i >= start; i-- {
		w := dst[i]
		if a, b, ok := splitPunct(w); ok {
			dst[j], dst[j-1] = b, a
			j -= 2
		} else {
			dst[j] = w
			j--
		}
	}
	return dst
}

// splitPunct splits a final punctuation mark, or else an initial one, off
// a word of more than one character.
func splitPunct(w string) (a, b string, ok bool) {
	first, fsize := utf8.DecodeRuneInString(w)
	if fsize == len(w) {
		return "", "", false
	}
	if last, lsize := utf8.DecodeLastRuneInString(w); isChrFPunct(last) {
		return w[:len(w)-lsize], w[len(w)-lsize:], true
	}
	if isChrFPunct(first) {
		return w[:fsize], w[fsize:], true
	}
	return "", "", false
}

// ChrFScorer accumulates chrF statistics segment by segment, so that a
// corpus of any size is scored without holding it in memory. It is not
// safe for concurrent use.
type ChrFScorer struct {
	opts     ChrFOptions
	stats    ChrFStats
	segments int
	numRefs  int
	fast     bool

	// Workspace reused from segment to segment.
	runes [][]rune
	words wordWorkspace
	table countTable
	hkeys []ngramKey
	rkeys []ngramKey
	cur   ChrFStats
	best  ChrFStats
}

// NewChrFScorer returns a scorer for opts.
func NewChrFScorer(opts ChrFOptions) (*ChrFScorer, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	return &ChrFScorer{
		opts:  opts,
		stats: make(ChrFStats, opts.order()),
		cur:   make(ChrFStats, opts.order()),
		best:  make(ChrFStats, opts.order()),
		fast:  opts.CharOrder <= 6 && opts.WordOrder <= 4,
	}, nil
}

// Add scores hypothesis hyp against its references refs, adds the
// statistics of the best-scoring reference to the corpus totals and
// returns them (valid until the next call). Empty references are ignored,
// as in sacreBLEU; if all are empty Add returns an error wrapping
// ErrEmptyReference and adds nothing.
func (s *ChrFScorer) Add(hyp string, refs ...string) (ChrFStats, error) {
	var n int
	var err error
	if s.fast {
		n, err = s.segmentStats(hyp, refs)
	} else {
		n, err = s.slowSegmentStats(hyp, refs)
	}
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", s.segments+1, err)
	}
	s.segments++
	s.numRefs = mergeNumRefs(s.numRefs, n)
	s.stats.Add(s.best)
	return s.best, nil
}

// Segments returns the number of segments added so far.
func (s *ChrFScorer) Segments() int { return s.segments }

// Stats returns a copy of the statistics summed over the segments so far.
func (s *ChrFScorer) Stats() ChrFStats { return append(ChrFStats(nil), s.stats...) }

// Result returns the corpus chrF of the segments added so far.
func (s *ChrFScorer) Result() (ChrF, error) {
	if s.segments == 0 {
		return ChrF{}, ErrNoSegments
	}
	return ComputeChrF(s.Stats(), s.numRefs, s.opts)
}

// chars appends the characters of sent that chrF counts to dst.
func (s *ChrFScorer) chars(dst []rune, sent string) []rune {
	for _, r := range sent {
		if s.opts.Whitespace || !isPySpace(r) {
			dst = append(dst, r)
		}
	}
	return dst
}

// nonEmpty returns the references that are not empty strings.
func nonEmpty(refs []string) []string {
	for i, r := range refs {
		if r == "" {
			out := append([]string(nil), refs[:i]...)
			for _, r := range refs[i+1:] {
				if r != "" {
					out = append(out, r)
				}
			}
			return out
		}
	}
	return refs
}

// segmentStats leaves the statistics of the best reference in s.best and
// returns the number of non-empty references.
func (s *ChrFScorer) segmentStats(hyp string, refs []string) (int, error) {
	refs = nonEmpty(refs)
	if len(refs) == 0 {
		return 0, ErrEmptyReference
	}
	o := s.opts
	if o.Lowercase {
		hyp = pyLower(hyp)
	}
	for len(s.runes) < len(refs)+1 {
		s.runes = append(s.runes, nil)
	}
	hr := s.chars(s.runes[0][:0], hyp)
	s.runes[0] = hr
	ws := &s.words
	if o.WordOrder > 0 {
		ws.begin()
		ws.toks = chrFWords(ws.toks[:0], hyp)
		ws.addSeq(ws.toks)
	}
	bestF := -1.0
	for ri, ref := range refs {
		if o.Lowercase {
			ref = pyLower(ref)
		}
		rr := s.chars(s.runes[ri+1][:0], ref)
		s.runes[ri+1] = rr
		// Keys grow by one character per order, in place.
		hk := resetKeys(&s.hkeys, len(hr))
		rk := resetKeys(&s.rkeys, len(rr))
		for n := 1; n <= o.CharOrder; n++ {
			nref := max(0, len(rr)-n+1)
			s.table.reset(nref)
			for i := 0; i+n <= len(rr); i++ {
				rk[i] = extendCharKey(rk[i], rr[i+n-1], n-1)
				s.table.add(rk[i])
			}
			st := NGramStats{Ref: nref}
			if nref > 0 {
				st.Hyp = max(0, len(hr)-n+1)
			}
			for i := 0; i+n <= len(hr); i++ {
				hk[i] = extendCharKey(hk[i], hr[i+n-1], n-1)
				if s.table.take(hk[i]) {
					st.Match++
				}
			}
			s.cur[n-1] = st
		}
		if o.WordOrder > 0 {
			ws.toks = chrFWords(ws.toks[:0], ref)
			ws.seqs = ws.seqs[:1]
			ws.addSeq(ws.toks)
			hw, rw := ws.seqs[0], ws.seqs[1]
			for n := 1; n <= o.WordOrder; n++ {
				nref := max(0, len(rw)-n+1)
				s.table.reset(nref)
				for i := 0; i+n <= len(rw); i++ {
					s.table.add(wordKey(rw, i, n))
				}
				st := NGramStats{Ref: nref}
				if nref > 0 {
					st.Hyp = max(0, len(hw)-n+1)
				}
				for i := 0; i+n <= len(hw); i++ {
					if s.table.take(wordKey(hw, i, n)) {
						st.Match++
					}
				}
				s.cur[o.CharOrder+n-1] = st
			}
		}
		if len(refs) == 1 {
			copy(s.best, s.cur)
			break
		}
		if f := chrFScore(s.cur, o); f > bestF {
			bestF = f
			copy(s.best, s.cur)
		}
	}
	return len(refs), nil
}

// slowSegmentStats is segmentStats for any orders, with string n-grams
// counted in maps the way sacreBLEU counts them.
func (s *ChrFScorer) slowSegmentStats(hyp string, refs []string) (int, error) {
	refs = nonEmpty(refs)
	if len(refs) == 0 {
		return 0, ErrEmptyReference
	}
	o := s.opts
	ngrams := func(sent string) []map[string]int {
		if o.Lowercase {
			sent = pyLower(sent)
		}
		rs := s.chars(nil, sent)
		var out []map[string]int
		for n := 1; n <= o.CharOrder; n++ {
			m := map[string]int{}
			for i := 0; i+n <= len(rs); i++ {
				m[string(rs[i:i+n])]++
			}
			out = append(out, m)
		}
		words := chrFWords(nil, sent)
		for n := 1; n <= o.WordOrder; n++ {
			m := map[string]int{}
			for i := 0; i+n <= len(words); i++ {
				m[strings.Join(words[i:i+n], " ")]++
			}
			out = append(out, m)
		}
		return out
	}
	hg := ngrams(hyp)
	bestF := -1.0
	for _, ref := range refs {
		rg := ngrams(ref)
		for i := range hg {
			var st NGramStats
			for _, c := range rg[i] {
				st.Ref += c
			}
			for g, c := range hg[i] {
				if len(rg[i]) > 0 {
					st.Hyp += c
				}
				st.Match += min(c, rg[i][g])
			}
			s.cur[i] = st
		}
		if f := chrFScore(s.cur, o); f > bestF {
			bestF = f
			copy(s.best, s.cur)
		}
	}
	return len(refs), nil
}

// CorpusChrF returns the corpus chrF of hypotheses hyps against one
// reference each, refs[i] being the reference of hyps[i].
func CorpusChrF(hyps, refs []string, opts ChrFOptions) (ChrF, error) {
	if len(hyps) != len(refs) {
		return ChrF{}, fmt.Errorf("%d hypotheses but %d references", len(hyps), len(refs))
	}
	s, err := NewChrFScorer(opts)
	if err != nil {
		return ChrF{}, err
	}
	for i := range hyps {
		if _, err := s.Add(hyps[i], refs[i]); err != nil {
			return ChrF{}, err
		}
	}
	return s.Result()
}

// SentenceChrF returns the chrF of one hypothesis against its references.
func SentenceChrF(hyp string, refs []string, opts ChrFOptions) (ChrF, error) {
	s, err := NewChrFScorer(opts)
	if err != nil {
		return ChrF{}, err
	}
	if _, err := s.Add(hyp, refs...); err != nil {
		return ChrF{}, err
	}
	return s.Result()
}
