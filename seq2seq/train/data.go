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
	// Sets are the corpora of a multi-corpus run, in order: each covers a
	// range of Train and one of Valid. Nil means one corpus of all
	// examples, drawn once per epoch.
	Sets []DataSet
	// SrcTokenizer and TgtTokenizer are stored in checkpoints; either may
	// be nil (tests), and both may be the same joint tokenizer.
	SrcTokenizer, TgtTokenizer *tokenize.Tokenizer
}

// DataSet is one corpus of Data: Train[TrainLo:TrainHi] and
// Valid[ValidLo:ValidHi], with the weights of its CorpusConfig.
type DataSet struct {
	Name                string
	TrainLo, TrainHi    int
	ValidLo, ValidHi    int
	Weight, ValidWeight float64
}

// sets returns d.Sets, or one set of all examples when it is nil.
func (d *Data) sets() []DataSet {
	if d.Sets != nil {
		return d.Sets
	}
	return []DataSet{{TrainHi: len(d.Train), ValidHi: len(d.Valid), Weight: 1, ValidWeight: 1}}
}

// corpusFiles are the files of one corpus of a run.
type corpusFiles struct {
	CorpusConfig
	train, valid [2]string
}

// Files returns the training and validation files of c: the train and val
// splits of a Multi30k directory, or the explicit paths. With Corpora it
// returns the first corpus's.
func (c DataConfig) Files() (train, valid [2]string, err error) {
	cs, err := c.corpora()
	if err != nil {
		return train, valid, err
	}
	return cs[0].train, cs[0].valid, nil
}

// corpora returns the corpora of c: Corpora, or one unnamed corpus of
// weight 1 from Multi30k or the explicit paths.
func (c DataConfig) corpora() ([]corpusFiles, error) {
	if len(c.Corpora) > 0 {
		out := make([]corpusFiles, len(c.Corpora))
		for i, k := range c.Corpora {
			out[i] = corpusFiles{k, [2]string{k.TrainSrc, k.TrainTgt}, [2]string{k.ValidSrc, k.ValidTgt}}
		}
		return out, nil
	}
	one := corpusFiles{CorpusConfig: CorpusConfig{Weight: 1, ValidWeight: 1}}
	if c.Multi30k == "" {
		one.train, one.valid = [2]string{c.TrainSrc, c.TrainTgt}, [2]string{c.ValidSrc, c.ValidTgt}
		return []corpusFiles{one}, nil
	}
	set, err := multi30k.Files(c.Multi30k, c.SrcLang, c.TgtLang)
	if err != nil {
		return nil, err
	}
	one.train, one.valid = [2]string{set.Train.Src, set.Train.Tgt}, [2]string{set.Val.Src, set.Val.Tgt}
	return []corpusFiles{one}, nil
}

// Prepare reads the training and validation text of c, loads or trains the
// tokenizers and tokenizes both sets, filtering training pairs by length.
// Tokenizers passed as src and tgt (both non-nil, as when resuming) are
// used as they are. With several corpora, a tokenizer is trained on the
// training pairs of all of them, each pair once.
func Prepare(ctx context.Context, c Config, src, tgt *tokenize.Tokenizer, log *slog.Logger) (*Data, error) {
	if log == nil {
		log = slog.Default()
	}
	cs, err := c.Data.corpora()
	if err != nil {
		return nil, err
	}
	trainPairs, validPairs := make([][]corpus.Pair, len(cs)), make([][]corpus.Pair, len(cs))
	var allTrain []corpus.Pair
	for i, k := range cs {
		if trainPairs[i], err = corpus.ReadParallel(k.train[0], k.train[1]); err != nil {
			return nil, fmt.Errorf("read training data: %w", err)
		}
		if validPairs[i], err = corpus.ReadParallel(k.valid[0], k.valid[1]); err != nil {
			return nil, fmt.Errorf("read validation data: %w", err)
		}
		allTrain = append(allTrain, trainPairs[i]...)
	}
	if src == nil || tgt == nil {
		if src, tgt, err = tokenizers(ctx, c.Tokenizer, allTrain, log); err != nil {
			return nil, err
		}
	}
	allTrain = nil
	d := &Data{SrcTokenizer: src, TgtTokenizer: tgt}
	f := corpus.Filter{MinLen: c.Data.MinLen, MaxLen: c.Data.MaxLen, MaxRatio: c.Data.MaxRatio}
	for i, k := range cs {
		all, err := encode(ctx, trainPairs[i], src, tgt, k.train)
		if err != nil {
			return nil, err
		}
		kept, stats := f.Examples(all)
		valid, err := encode(ctx, validPairs[i], src, tgt, k.valid)
		if err != nil {
			return nil, err
		}
		set := DataSet{Name: k.Name, TrainLo: len(d.Train), ValidLo: len(d.Valid), Weight: k.Weight, ValidWeight: k.ValidWeight}
		d.Train = append(d.Train, kept...)
		d.Valid = append(d.Valid, valid...)
		for _, p := range validPairs[i] {
			d.ValidRefs = append(d.ValidRefs, p.Tgt)
		}
		set.TrainHi, set.ValidHi = len(d.Train), len(d.Valid)
		attrs := []any{"train", len(kept), "filtered", stats.String(), "valid", len(valid)}
		if k.Name != "" {
			attrs = append([]any{"corpus", k.Name}, append(attrs, "weight", k.Weight, "valid_weight", k.ValidWeight)...)
		}
		log.Info("data", attrs...)
		if len(kept) == 0 && k.Weight > 0 {
			return nil, fmt.Errorf("no training pair of %s and %s passes the length filter", k.train[0], k.train[1])
		}
		d.Sets = append(d.Sets, set)
	}
	if len(c.Data.Corpora) == 0 {
		d.Sets = nil // one corpus, drawn as it always was
	}
	log.Info("vocabulary", "src_vocab", src.VocabSize(), "tgt_vocab", tgt.VocabSize())
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
