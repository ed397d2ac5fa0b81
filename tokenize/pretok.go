package tokenize

import (
	sugar "github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/normalizer"
)

// fastByteLevel is sugarme's ByteLevel pre-tokenizer (without prefix space)
// with its regular expression, which sugarme compiles again for every text
// it encodes, replaced by splitPieces. The pieces, their byte-level form and
// the offset bookkeeping (sugarme's NormalizedString) are the same; tests
// check the encodings against sugarme's own pre-tokenizer.
type fastByteLevel struct{}

var _ sugar.PreTokenizer = fastByteLevel{}

// PreTokenize implements sugarme's PreTokenizer.
func (fastByteLevel) PreTokenize(pts *sugar.PreTokenizedString) (*sugar.PreTokenizedString, error) {
	pts = pts.Split(func(_ int, n *normalizer.NormalizedString) []sugar.SplitIdx {
		var out []sugar.SplitIdx
		splitBounded(n.GetNormalized(), func(start, end int) bool {
			if s := n.Slice(normalizer.NewRange(start, end, normalizer.NormalizedTarget)); s != nil {
				out = append(out, sugar.SplitIdx{Normalized: s})
			}
			return true
		})
		return out
	})
	return pts.Normalize(func(n *normalizer.NormalizedString) *normalizer.NormalizedString {
		s := n.GetNormalized()
		changes := make([]normalizer.ChangeMap, 0, len(s))
		for _, r := range s {
			var buf [4]byte
			raw := buf[:0]
			raw = append(raw, string(r)...)
			for i, b := range raw {
				change := 0
				if i > 0 {
					change = 1 // the extra bytes of a character are insertions
				}
				changes = append(changes, normalizer.ChangeMap{RuneVal: string(byteRune(b)), Changes: change})
			}
		}
		return n.Transform(changes, 0)
	}), nil
}
