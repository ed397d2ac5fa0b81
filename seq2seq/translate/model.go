package translate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Model is a model file made ready to translate: the search decoder over
// its network (or over an ensemble of networks, see NewEnsemble) and its
// two tokenizers.
type Model struct {
	File *seq2seq.File
	// Members lists the files of an ensemble (see NewEnsemble), File
	// first; it is nil for a single model.
	Members []*seq2seq.File
	Decoder search.Decoder
	// Compute is the decoder's arithmetic, never ComputeAuto.
	Compute  Compute
	Src, Tgt *tokenize.Tokenizer
}

// Compute is the arithmetic of the decoder's weight products.
type Compute string

const (
	// ComputeAuto is int8 where the int8 vector kernel runs
	// (linalg.Int8Fast) and float32 elsewhere. With NMT_NOASM=1 it is
	// float32 (int8 products in pure Go are about 15 times slower, and the
	// last rounding of their scaling differs, so they do not reproduce the
	// vector kernel's output either); NoAsmChangesAuto tells when that
	// happened.
	ComputeAuto Compute = "auto"
	// ComputeInt8 quantizes the decoder's weights and activations to 8-bit
	// integers (seq2seq.Model.NewInt8Decoder).
	ComputeInt8 Compute = "int8"
	// ComputeFloat32 computes as training does.
	ComputeFloat32 Compute = "float32"
)

// ParseCompute reads a Compute from its name.
func ParseCompute(s string) (Compute, error) {
	switch c := Compute(s); c {
	case ComputeAuto, ComputeInt8, ComputeFloat32:
		return c, nil
	}
	return "", fmt.Errorf("unknown compute %q (want auto, int8 or float32)", s)
}

// NoAsmChangesAuto reports whether NMT_NOASM made ComputeAuto float32 on a
// CPU where it would be int8.
func NoAsmChangesAuto() bool { return linalg.Int8CPU() && !linalg.Int8Fast() }

// resolve turns auto into what it means on this machine.
func (c Compute) resolve() Compute {
	if c == ComputeAuto || c == "" {
		if linalg.Int8Fast() {
			return ComputeInt8
		}
		return ComputeFloat32
	}
	return c
}

// LoadModel reads the model file at path (see seq2seq.LoadFile), or, when
// no such file exists and path names a built-in model (package
// pretrained), that model, and prepares it to translate with compute c.
// In int8 the model is read for int8 decoding only (see
// seq2seq.LoadFileInt8): File.Model then has no float32 values for the
// weights the decoder quantized, and only Decoder decodes with it.
func LoadModel(path string, c Compute) (*Model, error) {
	c = c.resolve()
	var f *seq2seq.File
	var dec *seq2seq.Decoder
	var err error
	_, statErr := os.Stat(path)
	switch {
	case statErr != nil && pretrained.Has(path) && c == ComputeInt8:
		return loadBuiltinInt8(path)
	case statErr != nil && pretrained.Has(path):
		f, err = pretrained.Load(path)
	case errors.Is(statErr, fs.ErrNotExist):
		return nil, fmt.Errorf("load model %s: no such file, and no built-in model of that name (built-in: %s)",
			path, strings.Join(pretrained.Names(), ", "))
	case c == ComputeInt8:
		f, dec, err = seq2seq.LoadFileInt8(path)
	default:
		f, err = seq2seq.LoadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if dec == nil {
		m, err := NewModel(f, c)
		if err != nil {
			return nil, fmt.Errorf("load model %s: %w", path, err)
		}
		return m, nil
	}
	m, err := newModel(f, modelDecoder{dec}, c)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// NewModel prepares a loaded model file for translation with compute c.
func NewModel(f *seq2seq.File, c Compute) (*Model, error) {
	c = c.resolve()
	dec, err := NewSearchDecoder(f.Model, c)
	if err != nil {
		return nil, err
	}
	return newModel(f, dec, c)
}

// loadBuiltinInt8 loads the built-in model called name for int8
// decoding, building its tokenizers while the weights are decoded and
// quantized (on a machine of two cores, the cold start is then the
// longer of the two, not their sum).
func loadBuiltinInt8(name string) (*Model, error) {
	o, err := pretrained.OpenInt8(name)
	if err != nil {
		return nil, err
	}
	var src, tgt *tokenize.Tokenizer
	var tokErr error
	built := make(chan struct{})
	go func() {
		defer close(built)
		src, tgt, tokErr = tokenizers(o.SrcTokenizer, o.TgtTokenizer)
	}()
	f, dec, err := o.Read()
	<-built
	if err != nil {
		return nil, err
	}
	if tokErr != nil {
		return nil, fmt.Errorf("load model %s: %w", name, tokErr)
	}
	m, err := checkTokenizers(f, modelDecoder{dec}, ComputeInt8, src, tgt)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return m, nil
}

// newModel builds the tokenizers of f and checks them against its
// model, which dec decodes with compute c.
func newModel(f *seq2seq.File, dec search.Decoder, c Compute) (*Model, error) {
	src, tgt, err := tokenizers(f.SrcTokenizer, f.TgtTokenizer)
	if err != nil {
		return nil, err
	}
	return checkTokenizers(f, dec, c, src, tgt)
}

// tokenizers builds the source and target tokenizers from their
// tokenizer.json documents: one tokenizer for both when they are the same.
func tokenizers(srcJSON, tgtJSON []byte) (src, tgt *tokenize.Tokenizer, err error) {
	if src, err = tokenize.FromJSON(srcJSON); err != nil {
		return nil, nil, fmt.Errorf("source tokenizer: %w", err)
	}
	tgt = src // a joint vocabulary: one tokenizer, safe for concurrent use, serves both sides
	if !bytes.Equal(tgtJSON, srcJSON) {
		if tgt, err = tokenize.FromJSON(tgtJSON); err != nil {
			return nil, nil, fmt.Errorf("target tokenizer: %w", err)
		}
	}
	return src, tgt, nil
}

// checkTokenizers checks the tokenizers src and tgt against the model of
// f, which dec decodes with compute c, and returns them together.
func checkTokenizers(f *seq2seq.File, dec search.Decoder, c Compute, src, tgt *tokenize.Tokenizer) (*Model, error) {
	cfg := f.Model.Config()
	if src.VocabSize() != cfg.SrcVocab || tgt.VocabSize() != cfg.TgtVocab {
		return nil, fmt.Errorf("tokenizers have %d and %d tokens but the model expects %d and %d",
			src.VocabSize(), tgt.VocabSize(), cfg.SrcVocab, cfg.TgtVocab)
	}
	return &Model{File: f, Decoder: dec, Compute: c, Src: src, Tgt: tgt}, nil
}

// SearchDecoder returns the float32 incremental decoder of m as the search
// package wants it.
func SearchDecoder(m *seq2seq.Model) search.Decoder { return modelDecoder{m.NewDecoder()} }

// NewSearchDecoder returns the incremental decoder of m computing with c.
func NewSearchDecoder(m *seq2seq.Model, c Compute) (search.Decoder, error) {
	switch c.resolve() {
	case ComputeInt8:
		d, err := m.NewInt8Decoder()
		if err != nil {
			return nil, err
		}
		return modelDecoder{d}, nil
	case ComputeFloat32:
		return SearchDecoder(m), nil
	}
	return nil, fmt.Errorf("unknown compute %q (want auto, int8 or float32)", c)
}

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
func (s modelState) Release()                       { s.st.Release() }

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
