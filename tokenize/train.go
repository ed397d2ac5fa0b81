package tokenize

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DefaultVocabSize is the vocabulary size used when TrainOptions.VocabSize
// is zero.
const DefaultVocabSize = 8000

// DefaultMinFrequency is the minimum pair frequency used when
// TrainOptions.MinFrequency is zero.
const DefaultMinFrequency = 2

// MaxLineBytes is the longest input line, in bytes, that training reads.
const MaxLineBytes = 64 << 20

// TrainOptions configures BPE training.
type TrainOptions struct {
	// VocabSize is the size of the vocabulary to learn, counting the
	// NumSpecial special tokens and the 256 byte tokens, so at least 260.
	// Training stops earlier when no pair is frequent enough. Zero means
	// DefaultVocabSize.
	VocabSize int
	// MinFrequency is the number of times a pair of tokens must occur in
	// the training text to be merged. Zero means DefaultMinFrequency.
	MinFrequency int
	// RepairUTF8 replaces invalid UTF-8 in training lines with U+FFFD (see
	// RepairUTF8) and counts the lines in TrainStats.RepairedLines, instead
	// of failing with an error that names the line.
	RepairUTF8 bool
	// Progress, if not nil, is called from Train about every 100 merges and
	// after the last one.
	Progress func(TrainProgress)
}

// TrainProgress reports how far BPE training has gone.
type TrainProgress struct {
	Merges int   // merges learned so far
	Target int   // merges wanted: VocabSize minus the base vocabulary
	Count  int64 // frequency of the last merged pair
}

// TrainStats describes the text a Trainer has read and what it learned.
type TrainStats struct {
	Lines         int   // lines read
	RepairedLines int   // lines whose invalid UTF-8 was replaced
	Pieces        int64 // pre-tokenization pieces counted
	UniquePieces  int   // distinct pieces
	Merges        int   // merges learned by Train
}

// Trainer learns a byte-level BPE vocabulary. Feed it text with AddText, then
// call Train. A Trainer is not safe for concurrent use.
type Trainer struct {
	opts   TrainOptions
	counts map[string]int64
	stats  TrainStats
}

// NewTrainer returns a Trainer for opts, after checking them.
func NewTrainer(opts TrainOptions) (*Trainer, error) {
	if opts.VocabSize == 0 {
		opts.VocabSize = DefaultVocabSize
	}
	if opts.MinFrequency == 0 {
		opts.MinFrequency = DefaultMinFrequency
	}
	if opts.VocabSize < baseVocabSize {
		return nil, fmt.Errorf("vocabulary size %d is below the %d special and byte tokens", opts.VocabSize, baseVocabSize)
	}
	if opts.MinFrequency < 1 {
		return nil, fmt.Errorf("minimum frequency %d is below 1", opts.MinFrequency)
	}
	return &Trainer{opts: opts, counts: make(map[string]int64)}, nil
}

// baseVocabSize is the number of special and byte tokens.
const baseVocabSize = NumSpecial + 256

// AddText counts the pieces of every line of r, one sentence a line; line
// ends are "\n" or "\r\n". name is used in errors, which give the line
// number ("train.de:17: invalid UTF-8 at byte 3").
func (t *Trainer) AddText(name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if err := t.addLine(string(sc.Bytes())); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, MaxLineBytes)
		}
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// addLine counts the pieces of one line.
func (t *Trainer) addLine(s string) error {
	if err := checkUTF8(s); err != nil {
		if !t.opts.RepairUTF8 {
			return err
		}
		s, _ = RepairUTF8(s)
		t.stats.RepairedLines++
	}
	t.stats.Lines++
	splitBounded(s, func(start, end int) bool {
		p := s[start:end]
		t.stats.Pieces++
		if _, ok := t.counts[p]; ok {
			t.counts[p]++
			return true
		}
		t.counts[strings.Clone(p)] = 1
		return true
	})
	return nil
}

// Stats returns what the Trainer has read so far and, after Train, how many
// merges it learned.
func (t *Trainer) Stats() TrainStats {
	st := t.stats
	st.UniquePieces = len(t.counts)
	return st
}

// Train learns the merges and returns the tokenizer. It stops with ctx's
// error if ctx is cancelled.
func (t *Trainer) Train(ctx context.Context) (*Tokenizer, error) {
	vocab, merges, err := t.learn(ctx)
	if err != nil {
		return nil, err
	}
	t.stats.Merges = len(merges)
	data := encodeFile(vocab, merges)
	tok, err := FromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("load trained tokenizer: %w", err)
	}
	return tok, nil
}

// Train is a shortcut for NewTrainer, AddText on each of texts (named "text
// 1", "text 2", ... in errors) and Trainer.Train.
func Train(ctx context.Context, opts TrainOptions, texts ...io.Reader) (*Tokenizer, error) {
	t, err := NewTrainer(opts)
	if err != nil {
		return nil, err
	}
	for i, r := range texts {
		if err := t.AddText(fmt.Sprintf("text %d", i+1), r); err != nil {
			return nil, err
		}
	}
	return t.Train(ctx)
}

// learn runs BPE on the counted pieces and returns the vocabulary (index =
// id) and the merges in the order learned.
func (t *Trainer) learn(ctx context.Context) ([]string, []merge, error) {
	b := newBPE(t.counts, t.opts.VocabSize, int64(t.opts.MinFrequency))
	target := t.opts.VocabSize - baseVocabSize
	var last int64
	report := func() {
		if t.opts.Progress != nil {
			t.opts.Progress(TrainProgress{Merges: len(b.merges), Target: target, Count: last})
		}
	}
	for len(b.vocab) < t.opts.VocabSize {
		count, ok := b.step()
		if !ok {
			break
		}
		last = count
		if len(b.merges)%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			report()
		}
	}
	report()
	return b.vocab, b.merges, nil
}
