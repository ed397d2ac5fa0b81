package align

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Link is a hard alignment link between a source word and a target word,
// both 0-based word indices.
type Link struct {
	Source, Target int
}

// String formats l the Pharaoh way, "source-target".
func (l Link) String() string {
	return strconv.Itoa(l.Source) + "-" + strconv.Itoa(l.Target)
}

// Argmax links each target token to the source token with the largest
// weight, ties going to the first, and returns the links between their
// words, sorted and without duplicates. Special rows and columns take no
// part, and a row without positive weight on a word yields no link. On a
// subword matrix, a word is linked to every word its pieces pick.
func Argmax(m Matrix) []Link {
	var links []Link
	for t := range m.Weights {
		tw := m.TargetWords[t]
		if tw < 0 {
			continue
		}
		if sw := argmaxWord(m, t); sw >= 0 {
			links = append(links, Link{Source: sw, Target: tw})
		}
	}
	return sortLinks(links)
}

// Threshold returns the links between the words of every target and
// source token pair whose weight is at least t, sorted and without
// duplicates. Special rows and columns take no part; t must be positive
// for the result to be sparse.
func Threshold(m Matrix, t float32) []Link {
	var links []Link
	for r, row := range m.Weights {
		tw := m.TargetWords[r]
		if tw < 0 {
			continue
		}
		for s, v := range row {
			if sw := m.SourceWords[s]; sw >= 0 && v >= t {
				links = append(links, Link{Source: sw, Target: tw})
			}
		}
	}
	return sortLinks(links)
}

// Links returns Threshold(m, t) when t > 0 and Argmax(m) otherwise.
func Links(m Matrix, t float32) []Link {
	if t > 0 {
		return Threshold(m, t)
	}
	return Argmax(m)
}

func sortLinks(links []Link) []Link {
	slices.SortFunc(links, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target))
	})
	return slices.Compact(links)
}

// FormatPharaoh formats links as one Pharaoh line, "0-0 1-2 2-1", in the
// given order, without a line ending.
func FormatPharaoh(links []Link) string {
	var b strings.Builder
	for i, l := range links {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l.String())
	}
	return b.String()
}

// ErrPharaoh reports a malformed Pharaoh link.
var ErrPharaoh = errors.New("malformed Pharaoh link")

// ParsePharaoh parses one Pharaoh line of space-separated "i-j" links with
// non-negative decimal indices. An empty or blank line has no links.
func ParsePharaoh(line string) ([]Link, error) {
	fields := strings.Fields(line)
	links := make([]Link, 0, len(fields))
	for _, f := range fields {
		a, b, ok := strings.Cut(f, "-")
		if !ok {
			return nil, fmt.Errorf("%w %q: want source-target", ErrPharaoh, f)
		}
		s, err1 := parseIndex(a)
		t, err2 := parseIndex(b)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%w %q: %w", ErrPharaoh, f, err)
		}
		links = append(links, Link{Source: s, Target: t})
	}
	return links, nil
}

func parseIndex(s string) (int, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("index %q is not a non-negative integer", s)
	}
	return strconv.Atoi(s)
}

// ReadPharaoh reads a Pharaoh file, one line of links per sentence. Errors
// name the file (by the given name) and the 1-based line.
func ReadPharaoh(r io.Reader, name string) ([][]Link, error) {
	var out [][]Link
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		links, err := ParsePharaoh(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		out = append(out, links)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}
