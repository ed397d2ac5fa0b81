package corpus

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Reason says why a Filter keeps or drops a pair.
type Reason int

// The reasons, in the order a Filter checks them: a pair dropped for more
// than one reason is counted under the first.
const (
	Keep     Reason = iota // the pair passes
	TooShort               // a side is shorter than MinLen
	TooLong                // a side is longer than MaxLen
	BadRatio               // the longer side is more than MaxRatio times the shorter
)

// String returns the reason's name as used in reports.
func (r Reason) String() string {
	switch r {
	case Keep:
		return "kept"
	case TooShort:
		return "too short"
	case TooLong:
		return "too long"
	case BadRatio:
		return "length ratio"
	}
	return "Reason(?)"
}

// Filter drops sentence pairs by length. A zero field disables its check.
type Filter struct {
	MinLen   int     // minimum length of each side
	MaxLen   int     // maximum length of each side
	MaxRatio float64 // maximum of longer/shorter length; a side of length 0 next to a non-empty one always fails
}

// Validate reports a filter with negative limits or a ratio below 1.
func (f Filter) Validate() error {
	switch {
	case f.MinLen < 0 || f.MaxLen < 0:
		return errors.New("filter: lengths must not be negative")
	case f.MaxLen > 0 && f.MinLen > f.MaxLen:
		return fmt.Errorf("filter: min length %d is above max length %d", f.MinLen, f.MaxLen)
	case f.MaxRatio != 0 && !(f.MaxRatio >= 1):
		return fmt.Errorf("filter: max ratio %g must be at least 1", f.MaxRatio)
	}
	return nil
}

// Check returns the reason for keeping or dropping a pair whose sides have
// the given lengths.
func (f Filter) Check(srcLen, tgtLen int) Reason {
	short, long := min(srcLen, tgtLen), max(srcLen, tgtLen)
	switch {
	case short < f.MinLen:
		return TooShort
	case f.MaxLen > 0 && long > f.MaxLen:
		return TooLong
	case f.MaxRatio > 0 && long > 0 && (short == 0 || float64(long) > f.MaxRatio*float64(short)):
		return BadRatio
	}
	return Keep
}

// CheckPair returns the reason for keeping or dropping p, measuring each
// side in whitespace-separated words.
func (f Filter) CheckPair(p Pair) Reason {
	return f.Check(Words(p.Src), Words(p.Tgt))
}

// Pairs returns a new slice of the pairs of ps that pass, in order, and
// the counts.
func (f Filter) Pairs(ps []Pair) ([]Pair, Stats) {
	var st Stats
	var kept []Pair
	for _, p := range ps {
		r := f.CheckPair(p)
		st.Add(r)
		if r == Keep {
			kept = append(kept, p)
		}
	}
	return kept, st
}

// Examples returns the examples of ex that pass, in order, and the counts,
// measuring each side in ids.
func (f Filter) Examples(ex []Example) ([]Example, Stats) {
	var st Stats
	var kept []Example
	for _, e := range ex {
		r := f.Check(len(e.Src), len(e.Tgt))
		st.Add(r)
		if r == Keep {
			kept = append(kept, e)
		}
	}
	return kept, st
}

// Stats counts the pairs a Filter has seen, per reason.
type Stats struct {
	Total    int // pairs seen
	Kept     int
	TooShort int
	TooLong  int
	BadRatio int
}

// Add counts one pair with the given reason.
func (s *Stats) Add(r Reason) {
	s.Total++
	switch r {
	case Keep:
		s.Kept++
	case TooShort:
		s.TooShort++
	case TooLong:
		s.TooLong++
	case BadRatio:
		s.BadRatio++
	}
}

// String reports the counts on one line.
func (s Stats) String() string {
	return fmt.Sprintf("%d pairs: %d kept, %d too short, %d too long, %d length ratio",
		s.Total, s.Kept, s.TooShort, s.TooLong, s.BadRatio)
}

// Words returns the number of whitespace-separated words in s, like
// len(strings.Fields(s)) without allocating.
func Words(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		c := rune(s[i])
		size := 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if unicode.IsSpace(c) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}
