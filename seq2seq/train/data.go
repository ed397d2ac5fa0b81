package train

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/multi30k"
	"github.com/attnmt/nmt/tokenize"
)

// Data is the tokenized training and validation text of a run.
type Data struct {
	Train []corpus.Example
	Valid []corpus.Example
	// ValidRefs[i] is the reference translation of Valid[i], as text.
	ValidRefs []string
	// SrcTokenizer and TgtTokenizer are stored in checkpoints; either may
	// be nil (tests), and both may be the same joint tokenizer.
	SrcTokenizer, TgtTokenizer *tokenize.Tokenizer
}

// Files returns the training and validation files of c: the train and val
// splits of a Multi30k directory, or the explicit paths.
func (c DataConfig) Files() (train, valid [2]string, err error) {
	if c.Multi30k == "" {
		return [2]string{c.TrainSrc, c.TrainTgt}, [2]string{c.ValidSrc, c.ValidTgt}, nil
	}
	set, err := multi30k.Files(c.Multi30k, c.SrcLang, c.TgtLang)
	if err != nil {
		return train, valid, err
	}
	return [2]string{set.Train.Src, set.Train.Tgt}, [2]string{set.Val.Src, set.Val.Tgt}, nil
}

// Prepare reads the training and validation text of c, loads or trains the
// tokenizers and tokenizes both sets, filtering training pairs by length.
// Tokenizers passed as src and tgt (both non-nil, as when resuming) are
// used as they are.
func Prepare(ctx context.Context, c Config, src, tgt *tokenize.Tokenizer, log *slog.Logger) (*Data, error) {
	if log == nil {
		log = slog.Default()
	}
	trainFiles, validFiles, err := c.Data.Files()
	if err != nil {
		return nil, err
	}
	trainPairs, err := corpus.ReadParallel(trainFiles[0], trainFiles[1])
	if err != nil {
		return nil, fmt.Errorf("read training data: %w", err)
	}
	validPairs, err := corpus.ReadParallel(validFiles[0], validFiles[1])
	if err != nil {
		return nil, fmt.Errorf("read validation data: %w", err)
	}
	if src == nil || tgt == nil {
		if src, tgt, err = tokenizers(ctx, c.Tokenizer, trainPairs, log); err != nil {
			return nil, err
		}
	}
	d := &Data{SrcTokenizer: src, TgtTokenizer: tgt}
	all, err := encode(ctx, trainPairs, src, tgt, trainFiles)
	if err != nil {
		return nil, err
	}
	f := corpus.Filter{MinLen: c.Data.MinLen, MaxLen: c.Data.MaxLen, MaxRatio: c.Data.MaxRatio}
	var stats corpus.Stats
	d.Train, stats = f.Examples(all)
	if d.Valid, err = encode(ctx, validPairs, src, tgt, validFiles); err != nil {
		return nil, err
	}
	d.ValidRefs = make([]string, len(validPairs))
	for i, p := range validPairs {
		d.ValidRefs[i] = p.Tgt
	}
	log.Info("data", "train", len(d.Train), "filtered", stats.String(), "valid", len(d.Valid),
		"src_vocab", src.VocabSize(), "tgt_vocab", tgt.VocabSize())
	if len(d.Train) == 0 {
		return nil, fmt.Errorf("no training pair of %s and %s passes the length filter", trainFiles[0], trainFiles[1])
	}
	return d, nil
}

// tokenizers loads the configured tokenizers or trains new ones on the
// training pairs.
func tokenizers(ctx context.Context, c TokenizerConfig, pairs []corpus.Pair, log *slog.Logger) (src, tgt *tokenize.Tokenizer, err error) {
	load := func(path string) (*tokenize.Tokenizer, error) { return tokenize.Load(path) }
	text := func(side func(corpus.Pair) string) *strings.Reader {
		var b strings.Builder
		for _, p := range pairs {
			b.WriteString(side(p))
			b.WriteByte('\n')
		}
		return strings.NewReader(b.String())
	}
	srcText := func() *strings.Reader { return text(func(p corpus.Pair) string { return p.Src }) }
	tgtText := func() *strings.Reader { return text(func(p corpus.Pair) string { return p.Tgt }) }
	opts := tokenize.TrainOptions{VocabSize: c.VocabSize, MinFrequency: c.MinFrequency}
	switch {
	case c.Joint && c.Src != "":
		if src, err = load(c.Src); err != nil {
			return nil, nil, err
		}
		if c.Tgt == c.Src {
			return src, src, nil
		}
		tgt, err = load(c.Tgt)
		return src, tgt, err
	case c.Joint:
		log.Info("training joint tokenizer", "vocab_size", c.VocabSize)
		src, err = tokenize.Train(ctx, opts, srcText(), tgtText())
		if err != nil {
			return nil, nil, fmt.Errorf("train tokenizer: %w", err)
		}
		return src, src, nil
	}
	if c.Src != "" {
		src, err = load(c.Src)
	} else {
		log.Info("training source tokenizer", "vocab_size", c.VocabSize)
		src, err = tokenize.Train(ctx, opts, srcText())
	}
	if err != nil {
		return nil, nil, fmt.Errorf("source tokenizer: %w", err)
	}
	if c.Tgt != "" {
		tgt, err = load(c.Tgt)
	} else {
		log.Info("training target tokenizer", "vocab_size", c.VocabSize)
		tgt, err = tokenize.Train(ctx, opts, tgtText())
	}
	if err != nil {
		return nil, nil, fmt.Errorf("target tokenizer: %w", err)
	}
	return src, tgt, nil
}

// encode tokenizes pairs on all CPUs; files name the source and target
// for errors. The result does not depend on the number of workers.
func encode(ctx context.Context, pairs []corpus.Pair, src, tgt *tokenize.Tokenizer, files [2]string) ([]corpus.Example, error) {
	ex := make([]corpus.Example, len(pairs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(pairs)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(pairs); i += workers {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				p := pairs[i]
				s, err := src.Encode(p.Src)
				if err != nil {
					errs[w] = fmt.Errorf("%s:%d: %w", files[0], p.Line, err)
					return
				}
				t, err := tgt.Encode(p.Tgt)
				if err != nil {
					errs[w] = fmt.Errorf("%s:%d: %w", files[1], p.Line, err)
					return
				}
				ex[i] = corpus.Example{Src: s.IDs, Tgt: t.IDs, Index: i}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ex, nil
}
