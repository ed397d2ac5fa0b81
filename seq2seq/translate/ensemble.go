package translate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
)

// LoadEnsemble loads the model files (or built-in model names) at paths,
// as LoadModel does, and combines them into one Model whose decoder is
// their ensemble (search.Ensemble: log-probabilities and attention averaged
// at every step). One path gives that model alone. The members must have
// the same source and target tokenizers; an error names the first member
// that differs.
func LoadEnsemble(paths []string, c Compute) (*Model, error) {
	if len(paths) == 0 {
		return nil, errors.New("load ensemble: no model given")
	}
	models := make([]*Model, len(paths))
	for i, p := range paths {
		m, err := LoadModel(p, c)
		if err != nil {
			return nil, err
		}
		models[i] = m
	}
	m, err := NewEnsemble(models)
	if err != nil {
		return nil, fmt.Errorf("ensemble of %v: %w", paths, err)
	}
	return m, nil
}

// NewEnsemble combines prepared models into one whose decoder is their
// ensemble. The result's File, Src and Tgt are the first member's; Members
// lists every member's file. The members must share tokenizers and
// compute.
func NewEnsemble(models []*Model) (*Model, error) {
	if len(models) == 0 {
		return nil, errors.New("no model given")
	}
	if len(models) == 1 {
		return models[0], nil
	}
	first := models[0]
	srcLang, tgtLang, known := Languages(first.File)
	decs := make([]search.Decoder, len(models))
	out := &Model{File: first.File, Compute: first.Compute, Src: first.Src, Tgt: first.Tgt}
	for i, m := range models {
		switch {
		case !bytes.Equal(m.File.SrcTokenizer, first.File.SrcTokenizer):
			return nil, fmt.Errorf("member %d has another source tokenizer than member 1: ensemble members must share their tokenizers", i+1)
		case !bytes.Equal(m.File.TgtTokenizer, first.File.TgtTokenizer):
			return nil, fmt.Errorf("member %d has another target tokenizer than member 1: ensemble members must share their tokenizers", i+1)
		case known && !sameLanguages(m.File, srcLang, tgtLang):
			s, t, _ := Languages(m.File)
			return nil, fmt.Errorf("member %d translates %s->%s, member 1 %s->%s", i+1, s, t, srcLang, tgtLang)
		case m.Compute != first.Compute:
			return nil, fmt.Errorf("member %d computes in %s, member 1 in %s", i+1, m.Compute, first.Compute)
		}
		decs[i] = m.Decoder
		out.Members = append(out.Members, m.members()...)
	}
	dec, err := search.NewEnsemble(decs...)
	if err != nil {
		return nil, err
	}
	out.Decoder = dec
	return out, nil
}

// sameLanguages reports whether f is not known to translate other
// languages than src->tgt.
func sameLanguages(f *seq2seq.File, src, tgt string) bool {
	s, t, ok := Languages(f)
	return !ok || s == src && t == tgt
}

// members returns the files m decodes with: Members, or File alone.
func (m *Model) members() []*seq2seq.File {
	if len(m.Members) > 0 {
		return m.Members
	}
	return []*seq2seq.File{m.File}
}

// trainedData is the part of a model file's training record
// ("train_config" metadata) that names its data.
type trainedData struct {
	Multi30k string            `json:"multi30k"`
	Corpora  []json.RawMessage `json:"corpora"`
	SrcLang  string            `json:"src_lang"`
	TgtLang  string            `json:"tgt_lang"`
}

// readTrainedData parses the data section of the training record in meta;
// ok is false when there is none.
func readTrainedData(meta map[string]string) (d trainedData, ok bool) {
	var rec struct {
		Data trainedData `json:"data"`
	}
	raw, found := meta["train_config"]
	if !found || json.Unmarshal([]byte(raw), &rec) != nil {
		return trainedData{}, false
	}
	return rec.Data, true
}

// RecordedLanguages returns data.src_lang and data.tgt_lang of the
// training record in a model file's metadata, or empty strings when there
// is no record. (A run on bare file paths records the defaults, de and en,
// whatever its files hold; Languages leaves those out.)
func RecordedLanguages(meta map[string]string) (src, tgt string) {
	d, _ := readTrainedData(meta)
	return d.SrcLang, d.TgtLang
}

// Languages returns the source and target languages a model file was
// trained on, as its training configuration records them (data.src_lang
// and data.tgt_lang), and whether it records them: files written by
// "nmt train" from a Multi30k directory or a list of corpora do; files
// trained on bare file paths, or without a training record, do not.
func Languages(f *seq2seq.File) (src, tgt string, ok bool) {
	d, found := readTrainedData(f.Metadata)
	if !found || d.Multi30k == "" && len(d.Corpora) == 0 || d.SrcLang == "" || d.TgtLang == "" {
		return "", "", false
	}
	return d.SrcLang, d.TgtLang, true
}
