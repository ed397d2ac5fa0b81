package translate

import (
	"bytes"
	"fmt"
)

// Languages returns the source and target languages a model file was
// trained on, from its training configuration, or empty strings when the
// file does not say.
func (m *Model) Languages() (src, tgt string) { return RecordedLanguages(m.File.Metadata) }

// CheckReverse reports whether rev translates in the opposite direction
// of fwd: by the languages the files name, or, where either does not
// name them, by rev's source tokenizer being fwd's target tokenizer and
// the other way round.
func CheckReverse(fwd, rev *Model) error {
	fs, ft := fwd.Languages()
	rs, rt := rev.Languages()
	if fs != "" && ft != "" && rs != "" && rt != "" {
		if fs != rt || ft != rs {
			return fmt.Errorf("the reverse model translates %s->%s, not %s->%s", rs, rt, ft, fs)
		}
		return nil
	}
	if !bytes.Equal(fwd.File.TgtTokenizer, rev.File.SrcTokenizer) || !bytes.Equal(fwd.File.SrcTokenizer, rev.File.TgtTokenizer) {
		return fmt.Errorf("the model files do not name their languages and the reverse model's tokenizers are not the forward model's swapped: not a reverse pair")
	}
	return nil
}
