package align

import (
	"fmt"
	"strings"
)

// Symmetrization is one of Koehn's heuristics for combining the word
// alignments of the two translation directions.
type Symmetrization string

// The heuristics, as Moses (symal) and fast_align's atools name them.
const (
	Intersect        Symmetrization = "intersect"
	Union            Symmetrization = "union"
	GrowDiag         Symmetrization = "grow-diag"
	GrowDiagFinal    Symmetrization = "grow-diag-final"
	GrowDiagFinalAnd Symmetrization = "grow-diag-final-and"
)

// Symmetrizations lists the heuristics.
func Symmetrizations() []Symmetrization {
	return []Symmetrization{Intersect, Union, GrowDiag, GrowDiagFinal, GrowDiagFinalAnd}
}

// ParseSymmetrization reads a heuristic from its name.
func ParseSymmetrization(s string) (Symmetrization, error) {
	for _, h := range Symmetrizations() {
		if string(h) == s {
			return h, nil
		}
	}
	return "", fmt.Errorf("unknown symmetrization %q: want intersect, union, grow-diag, grow-diag-final or grow-diag-final-and", s)
}

// Symmetrize combines forward, the links of the source-to-target
// direction, with reverse, those of the target-to-source direction
// already turned into source-target links, for a sentence of nSrc source
// and nTgt target words, and returns the sorted links of heuristic h.
//
// The grow heuristics follow Koehn's published description (as in
// Moses): start from the intersection; then, until a pass adds nothing,
// visit every source word s and target word t in order and, if (s, t) is
// linked, add each of its neighbours (s-1,t), (s,t-1), (s+1,t), (s,t+1),
// then the diagonal (s-1,t-1), (s-1,t+1), (s+1,t-1), (s+1,t+1), that is in
// the union and whose source or target word is still unaligned. The
// final step then visits every (s, t) of forward, then of reverse, in
// order, adding it when its source or target word is unaligned (final),
// or when both are (final-and). Links outside the sentence are an error.
func Symmetrize(h Symmetrization, forward, reverse []Link, nSrc, nTgt int) ([]Link, error) {
	fw, err := linkGrid(forward, nSrc, nTgt)
	if err != nil {
		return nil, fmt.Errorf("forward alignment: %w", err)
	}
	rv, err := linkGrid(reverse, nSrc, nTgt)
	if err != nil {
		return nil, fmt.Errorf("reverse alignment: %w", err)
	}
	a := newAlignmentState(nSrc, nTgt)
	for s := range nSrc {
		for t := range nTgt {
			if (h == Union && (fw[s][t] || rv[s][t])) || (h != Union && fw[s][t] && rv[s][t]) {
				a.add(s, t)
			}
		}
	}
	switch h {
	case Intersect, Union:
	case GrowDiag, GrowDiagFinal, GrowDiagFinalAnd:
		a.growDiag(fw, rv)
		if h != GrowDiag {
			both := h == GrowDiagFinalAnd
			a.final(fw, both)
			a.final(rv, both)
		}
	default:
		return nil, fmt.Errorf("unknown symmetrization %q", string(h))
	}
	return a.links(), nil
}

// linkGrid marks links on an nSrc x nTgt grid.
func linkGrid(links []Link, nSrc, nTgt int) ([][]bool, error) {
	g := make([][]bool, nSrc)
	for s := range g {
		g[s] = make([]bool, nTgt)
	}
	for _, l := range links {
		if l.Source < 0 || l.Source >= nSrc || l.Target < 0 || l.Target >= nTgt {
			return nil, fmt.Errorf("link %s outside a sentence of %d source and %d target words", l, nSrc, nTgt)
		}
		g[l.Source][l.Target] = true
	}
	return g, nil
}

// alignmentState is the growing symmetrized alignment.
type alignmentState struct {
	on               [][]bool
	srcDone, tgtDone []bool // word has a link
}

func newAlignmentState(nSrc, nTgt int) *alignmentState {
	a := &alignmentState{srcDone: make([]bool, nSrc), tgtDone: make([]bool, nTgt)}
	a.on, _ = linkGrid(nil, nSrc, nTgt)
	return a
}

func (a *alignmentState) add(s, t int) {
	a.on[s][t], a.srcDone[s], a.tgtDone[t] = true, true, true
}

// neighbours are Koehn's grow-diag neighbourhood, in his order.
var neighbours = [8][2]int{{-1, 0}, {0, -1}, {1, 0}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}}

func (a *alignmentState) growDiag(fw, rv [][]bool) {
	nSrc, nTgt := len(a.srcDone), len(a.tgtDone)
	for added := true; added; {
		added = false
		for s := range nSrc {
			for t := range nTgt {
				if !a.on[s][t] {
					continue
				}
				for _, d := range neighbours {
					s2, t2 := s+d[0], t+d[1]
					if s2 < 0 || s2 >= nSrc || t2 < 0 || t2 >= nTgt || a.on[s2][t2] {
						continue
					}
					if (!a.srcDone[s2] || !a.tgtDone[t2]) && (fw[s2][t2] || rv[s2][t2]) {
						a.add(s2, t2)
						added = true
					}
				}
			}
		}
	}
}

func (a *alignmentState) final(g [][]bool, both bool) {
	for s, row := range g {
		for t, on := range row {
			if !on || a.on[s][t] {
				continue
			}
			if (both && !a.srcDone[s] && !a.tgtDone[t]) || (!both && (!a.srcDone[s] || !a.tgtDone[t])) {
				a.add(s, t)
			}
		}
	}
}

func (a *alignmentState) links() []Link {
	var out []Link
	for s, row := range a.on {
		for t, on := range row {
			if on {
				out = append(out, Link{Source: s, Target: t})
			}
		}
	}
	return out
}

// Reverse swaps the sides of links: target-source links of the reverse
// direction become source-target links.
func Reverse(links []Link) []Link {
	out := make([]Link, len(links))
	for i, l := range links {
		out[i] = Link{Source: l.Target, Target: l.Source}
	}
	return sortLinks(out)
}

// SymmetrizeMatrices combines the word-level matrices of the two
// directions line by line: forward[i] aligns source line i to target line
// i, reverse[i] the target line back to the source line. Each side's hard
// links are Links(m, threshold) (argmax per output word for 0); the
// reverse ones are turned around before heuristic h combines them. A pair
// whose lines do not match is an error naming the 1-based line.
func SymmetrizeMatrices(h Symmetrization, forward, reverse []Matrix, threshold float32) ([][]Link, error) {
	if len(forward) != len(reverse) {
		return nil, fmt.Errorf("symmetrize: %d forward but %d reverse sentences", len(forward), len(reverse))
	}
	out := make([][]Link, len(forward))
	for i, f := range forward {
		r := reverse[i]
		if f.Source != r.Target || f.Target != r.Source {
			return nil, fmt.Errorf("symmetrize: line %d: the reverse direction aligned %q to %q, not %q to %q", i+1, r.Source, r.Target, f.Target, f.Source)
		}
		nSrc, nTgt := len(strings.Fields(f.Source)), len(strings.Fields(f.Target))
		links, err := Symmetrize(h, Links(f, threshold), Reverse(Links(r, threshold)), nSrc, nTgt)
		if err != nil {
			return nil, fmt.Errorf("symmetrize: line %d: %w", i+1, err)
		}
		out[i] = links
	}
	return out, nil
}
