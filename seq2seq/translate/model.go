package translate

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Model is a model file made ready to translate: the search decoder over
// its network and its two tokenizers.
type Model struct {
	File     *seq2seq.File
	Decoder  search.Decoder
	Src, Tgt *tokenize.Tokenizer
}

// LoadModel reads the model file at path (see seq2seq.LoadFile), or, when
// no such file exists and path names a built-in model (package
// pretrained), that model.
func LoadModel(path string) (*Model, error) {
	var f *seq2seq.File
	var err error
	if _, statErr := os.Stat(path); statErr != nil && pretrained.Has(path) {
		f, err = pretrained.Load(path)
	} else {
		f, err = seq2seq.LoadFile(path)
	}
	if err != nil {
		return nil, err
	}
	m, err := NewModel(f)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// NewModel prepares a loaded model file for translation.
func NewModel(f *seq2seq.File) (*Model, error) {
	src, err := tokenize.FromJSON(f.SrcTokenizer)
	if err != nil {
		return nil, fmt.Errorf("source tokenizer: %w", err)
	}
	tgt, err := tokenize.FromJSON(f.TgtTokenizer)
	if err != nil {
		return nil, fmt.Errorf("target tokenizer: %w", err)
	}
	cfg := f.Model.Config()
	if src.VocabSize() != cfg.SrcVocab || tgt.VocabSize() != cfg.TgtVocab {
		return nil, fmt.Errorf("tokenizers have %d and %d tokens but the model expects %d and %d",
			src.VocabSize(), tgt.VocabSize(), cfg.SrcVocab, cfg.TgtVocab)
	}
	return &Model{File: f, Decoder: SearchDecoder(f.Model), Src: src, Tgt: tgt}, nil
}

// SearchDecoder returns the incremental decoder of m as the search
// package wants it.
func SearchDecoder(m *seq2seq.Model) search.Decoder { return modelDecoder{m.NewDecoder()} }

type modelDecoder struct{ d *seq2seq.Decoder }

func (m modelDecoder) VocabSize() int { return m.d.VocabSize() }

func (m modelDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	st, err := m.d.Begin(ctx, src)
	if err != nil {
		return nil, err
	}
	return modelState{st}, nil
}

func (m modelDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	ms, ok := st.(modelState)
	if !ok {
		return fmt.Errorf("decoder step: state of type %T is not this model's", st)
	}
	return m.d.Step(ms.st, prev, logp, attn)
}

type modelState struct{ st *seq2seq.DecoderState }

func (s modelState) Rows() int                      { return s.st.Rows() }
func (s modelState) SrcLen() int                    { return s.st.SrcLen() }
func (s modelState) Select(rows []int) search.State { return modelState{s.st.Select(rows)} }

// BestIDs returns a function that translates id sequences with m and
// search options opt, keeping the best hypothesis of each: what training
// needs to score validation BLEU. It works as Translator.TranslateIDs does,
// with one worker per CPU, without needing the tokenizers.
func BestIDs(m *seq2seq.Model, opt search.Options) func(ctx context.Context, src [][]int) ([][]int, error) {
	dec := SearchDecoder(m)
	return func(ctx context.Context, src [][]int) ([][]int, error) {
		return bestIDs(ctx, dec, src, opt, runtime.GOMAXPROCS(0))
	}
}
