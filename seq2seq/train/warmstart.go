package train

import (
	"fmt"
	"slices"

	"github.com/attnmt/nmt/seq2seq"
)

// WarmStart copies into m the parameters of from that have the same name
// and shape, and returns the names of m's parameters it copied and of
// those it left as initialised. A parameter of the same name but another
// shape is an error (a different vocabulary or size), as is a warm model
// that shares no parameter with m.
func WarmStart(m, from *seq2seq.Model) (copied, fresh []string, err error) {
	byName := make(map[string]*seq2seq.Param, len(from.Params()))
	for _, p := range from.Params() {
		byName[p.Name] = p
	}
	for _, p := range m.Params() {
		w, ok := byName[p.Name]
		switch {
		case !ok:
			fresh = append(fresh, p.Name)
			continue
		case !slices.Equal(w.Shape, p.Shape):
			return nil, nil, fmt.Errorf("warm start: parameter %s has shape %v in the warm model but %v in the new one (use the same tokenizers and sizes)", p.Name, w.Shape, p.Shape)
		}
		copy(p.Value, w.Value)
		copied = append(copied, p.Name)
	}
	if len(copied) == 0 {
		return nil, nil, fmt.Errorf("warm start: the warm model shares no parameter with the new one")
	}
	return copied, fresh, nil
}
