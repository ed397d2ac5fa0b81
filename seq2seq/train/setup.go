package train

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/attnmt/nmt/eval"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/tokenize"
)

// Setup prepares a run of cfg: it reads and tokenizes the data (Prepare),
// builds the model and returns a trainer whose validation computes BLEU of
// greedy translations (eval.CorpusBLEU) besides the perplexity.
//
// If ck is not nil the run continues it: the data is tokenized with the
// checkpoint's tokenizers, the model is the checkpoint's (its
// architecture replaces cfg.Model) and the trainer is restored to the
// checkpoint's state. cfg is then normally ck.Train, possibly with a
// changed schedule (within what CheckResume allows). log may be nil for slog.Default().
func Setup(ctx context.Context, cfg Config, ck *Checkpoint, log *slog.Logger) (*Trainer, error) {
	if log == nil {
		log = slog.Default()
	}
	var src, tgt *tokenize.Tokenizer
	if ck != nil {
		if err := CheckResume(ck.Train, cfg); err != nil {
			return nil, err
		}
		var err error
		if src, tgt, err = tokenizersFromJSON(ck.SrcTokenizer, ck.TgtTokenizer); err != nil {
			return nil, fmt.Errorf("checkpoint %w", err)
		}
	}
	var warm *seq2seq.File
	if ck == nil && cfg.Checkpoint.WarmStart != "" {
		var err error
		if warm, err = seq2seq.LoadFile(cfg.Checkpoint.WarmStart); err != nil {
			return nil, fmt.Errorf("warm start: %w", err)
		}
		if cfg.Tokenizer.Src == "" && cfg.Tokenizer.Tgt == "" {
			if src, tgt, err = tokenizersFromJSON(warm.SrcTokenizer, warm.TgtTokenizer); err != nil {
				return nil, fmt.Errorf("warm start %s: %w", cfg.Checkpoint.WarmStart, err)
			}
		}
	}
	data, err := Prepare(ctx, cfg, src, tgt, log)
	if err != nil {
		return nil, err
	}
	var model *seq2seq.Model
	if ck != nil {
		model = ck.Model
		mc := model.Config()
		if sv, tv := data.SrcTokenizer.VocabSize(), data.TgtTokenizer.VocabSize(); sv != mc.SrcVocab || tv != mc.TgtVocab {
			return nil, fmt.Errorf("checkpoint tokenizers have %d and %d tokens, its model %d and %d", sv, tv, mc.SrcVocab, mc.TgtVocab)
		}
	} else {
		cfg.Model.SrcVocab, cfg.Model.TgtVocab = data.SrcTokenizer.VocabSize(), data.TgtTokenizer.VocabSize()
		if model, err = seq2seq.New(cfg.Model, cfg.Schedule.Seed); err != nil {
			return nil, err
		}
		if warm != nil {
			copied, fresh, err := WarmStart(model, warm.Model)
			if err != nil {
				return nil, fmt.Errorf("%w (from %s)", err, cfg.Checkpoint.WarmStart)
			}
			log.Info("warm start", "from", cfg.Checkpoint.WarmStart, "copied", len(copied), "fresh", fresh)
		}
	}
	greedy := search.DefaultOptions()
	greedy.Beam, greedy.NBest = 1, 1
	hooks := Hooks{
		Translate:  translate.BestIDs(model, greedy),
		Detokenize: data.TgtTokenizer.Decode,
		BLEU: func(hyps, refs []string) (float64, error) {
			b, err := eval.CorpusBLEU(hyps, refs, eval.BLEUOptions{})
			return b.Score, err
		},
	}
	tr, err := New(cfg, model, data, hooks)
	if err != nil {
		return nil, err
	}
	tr.Log = log
	if ck != nil {
		if err := tr.Restore(ck); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// tokenizersFromJSON reads a source and a target tokenizer (one when the
// two are the same bytes).
func tokenizersFromJSON(srcJSON, tgtJSON []byte) (src, tgt *tokenize.Tokenizer, err error) {
	if src, err = tokenize.FromJSON(srcJSON); err != nil {
		return nil, nil, fmt.Errorf("source tokenizer: %w", err)
	}
	tgt = src
	if !bytes.Equal(srcJSON, tgtJSON) {
		if tgt, err = tokenize.FromJSON(tgtJSON); err != nil {
			return nil, nil, fmt.Errorf("target tokenizer: %w", err)
		}
	}
	return src, tgt, nil
}
