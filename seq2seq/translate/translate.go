// Package translate translates text with a search.Decoder: single
// sentences, batches of token ids, and streams of lines of any size.
//
// A Translator reads lines, tokenizes them, and translates them in chunks
// (Options.ChunkSize lines): within a chunk the sentences are sorted by
// length and cut into batches that Options.Workers goroutines decode in
// parallel, and the chunk's translations are written in input order as soon
// as it is done, while the next chunk is being read. At most two chunks are
// held at a time, so memory does not grow with the input.
//
// Every input line gives exactly one output line, in the same order. An
// empty (or all-space) line gives an empty line without running the model.
// A line that is not valid UTF-8, is longer than Options.MaxLineBytes, or has
// more than Options.MaxTokens tokens is reported as "line N: ..." (or
// "NAME:N: ..." with Options.Name set) on Options.Errors and gives an empty
// line (in JSONL, a record with an "error" field). Nothing is skipped or
// merged. An error that stops the run (the model failing, the context
// canceled, the input failing to read) is returned, and nothing is written
// for the chunk being translated: the output holds whole chunks only.
//
// Output tokens <unk> are replaced, unless Options.NoUnkReplace is set, by
// the source word (a whitespace-separated field of the input line) of the
// source token that got the highest attention when the <unk> was produced.
// A target tokenizer that never produces <unk> (byte-level BPE: see
// tokenize.Tokenizer.NeverUnk) sets NoUnkReplace: the model never saw
// <unk> in training, and the attention the replacement needs is not kept.
package translate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Tokenizer is what a Translator needs of a tokenizer; *tokenize.Tokenizer
// implements it. Its methods must be safe for concurrent use: a
// Translator encodes a large chunk of lines on several goroutines.
type Tokenizer interface {
	// Encode tokenizes text, without special tokens. Encoding.Words maps
	// each token to the index of its field in strings.Fields(text).
	Encode(text string) (tokenize.Encoding, error)
	// Decode returns the text of ids, skipping special ids.
	Decode(ids []int) string
	// Piece returns the token with the given id as written in the vocabulary.
	Piece(id int) string
}

// Options configure a Translator. Start from DefaultOptions.
type Options struct {
	// Search configures the search. Its NoAttention is set by the
	// Translator: attention is kept when it is needed.
	Search search.Options
	// Workers is the number of batches decoded in parallel.
	Workers int
	// ChunkSize is the number of lines read, sorted and translated together.
	ChunkSize int
	// MaxTokens is the longest source sentence translated, in tokens.
	MaxTokens int
	// MaxLineBytes is the longest input line read, in bytes.
	MaxLineBytes int
	// NoUnkReplace keeps <unk> in the output instead of the source word it attended to.
	NoUnkReplace bool
	// Format is the output format of Stream and WriteLines.
	Format Format
	// Attention adds the attention matrix and the source tokens to JSONL records.
	Attention bool
	// Name names the input in messages about its lines: "NAME:N: ...".
	// If empty they read "line N: ...".
	Name string
	// FirstLine is the number of the first line of a Stream in messages
	// (0 means 1), for input that starts inside a larger file.
	FirstLine int
	// Errors receives a "line N: ..." (or "NAME:N: ...") message for
	// every line that cannot be translated; nil discards them.
	Errors io.Writer
	// Progress, if set, is called after each chunk is written.
	Progress func(Stats)
}

// DefaultOptions returns the search's defaults (beam 5), one worker per
// CPU, chunks of 1000 lines, sentences of at most 250 tokens, lines of at
// most 1 MiB, <unk> replacement and text output.
func DefaultOptions() Options {
	return Options{
		Search:       search.DefaultOptions(),
		Workers:      runtime.GOMAXPROCS(0),
		ChunkSize:    1000,
		MaxTokens:    250,
		MaxLineBytes: 1 << 20,
	}
}

// Validate reports every invalid setting of o.
func (o Options) Validate() error {
	var errs []error
	if err := o.Search.Validate(); err != nil {
		errs = append(errs, err)
	}
	positive := func(name string, v int) {
		if v < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, got %d", name, v))
		}
	}
	positive("workers", o.Workers)
	positive("chunk size", o.ChunkSize)
	positive("max tokens", o.MaxTokens)
	positive("max line bytes", o.MaxLineBytes)
	if o.Format != Text && o.Format != JSONL {
		errs = append(errs, fmt.Errorf("unknown output format %d", int(o.Format)))
	}
	if o.Format == Text && o.Search.NBest > 1 {
		errs = append(errs, fmt.Errorf("text output holds one translation per line: n-best %d needs JSONL", o.Search.NBest))
	}
	if len(errs) > 0 {
		return fmt.Errorf("translate options: %w", errors.Join(errs...))
	}
	return nil
}

// Translator translates with one model. It is safe for concurrent use if
// its decoder and tokenizers are.
type Translator struct {
	dec      search.Decoder
	src, tgt Tokenizer
	opt      Options
	// chunkWait is how long a partial chunk waits for more lines
	// (the constant chunkWait; tests lengthen it to cut chunks by size
	// alone, whatever the machine's load).
	chunkWait time.Duration
}

// New returns a Translator from source to target with the decoder dec,
// which must be safe for concurrent use with distinct states.
func New(dec search.Decoder, src, tgt Tokenizer, opt Options) (*Translator, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if neverUnk(tgt) {
		// No training target held <unk>: replacing it is work for
		// nothing, and keeping attention for it costs a copy per step
		// and hypothesis.
		opt.NoUnkReplace = true
	}
	opt.Search.NoAttention = opt.NoUnkReplace && !opt.Attention
	if opt.Errors == nil {
		opt.Errors = io.Discard
	}
	return &Translator{dec: dec, src: src, tgt: tgt, opt: opt, chunkWait: chunkWait}, nil
}

// neverUnk reports whether tok says that it never produces <unk>
// (tokenize.Tokenizer.NeverUnk).
func neverUnk(tok Tokenizer) bool {
	n, ok := tok.(interface{ NeverUnk() bool })
	return ok && n.NeverUnk()
}

// TranslateIDs translates tokenized sentences (ids without special tokens)
// and returns the tokens of the best translation of each, in order. It is
// what training needs for validation scores (see also BestIDs).
func (t *Translator) TranslateIDs(ctx context.Context, src [][]int) ([][]int, error) {
	return bestIDs(ctx, t.dec, src, t.opt.Search, t.opt.Workers)
}

// bestIDs searches src with opt on workers goroutines and returns the
// tokens of the best hypothesis of each sentence, in order.
func bestIDs(ctx context.Context, dec search.Decoder, src [][]int, opt search.Options, workers int) ([][]int, error) {
	opt.NBest, opt.NoAttention = 1, true
	hyps, err := searchAll(ctx, dec, src, opt, workers)
	if err != nil {
		return nil, err
	}
	out := make([][]int, len(src))
	for i, h := range hyps {
		if len(h) > 0 {
			out[i] = h[0].Tokens
		}
	}
	return out, nil
}

// searchAll searches src with dec in batches of similar lengths on workers
// goroutines and returns the hypotheses in input order.
func searchAll(ctx context.Context, dec search.Decoder, src [][]int, opt search.Options, workers int) ([][]search.Hypothesis, error) {
	order := byLength(len(src), func(i int) int { return len(src[i]) })
	out := make([][]search.Hypothesis, len(src))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for idx := range batches {
				part := make([][]int, len(idx))
				for j, i := range idx {
					part[j] = src[i]
				}
				hyps, err := search.Search(ctx, dec, part, opt)
				if err != nil {
					cancel(err)
					continue
				}
				for j, i := range idx {
					out[i] = hyps[j]
				}
			}
		})
	}
feed:
	for _, idx := range cutBatches(order, func(i int) int { return len(src[i]) }, opt) {
		select {
		case batches <- idx:
		case <-ctx.Done():
			break feed
		}
	}
	close(batches)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// cutBatches cuts order, sentence indices sorted by decreasing length,
// into the batches opt takes (search.Options.BatchLen); srcLen(i) is the
// length of sentence i in tokens.
func cutBatches(order []int, srcLen func(i int) int, opt search.Options) [][]int {
	var out [][]int
	for lo, hi := 0, 0; lo < len(order); lo = hi {
		hi = lo + opt.BatchLen(len(order)-lo, func(k int) int { return srcLen(order[lo+k]) })
		out = append(out, order[lo:hi])
	}
	return out
}

// byLength returns 0..n-1 sorted by decreasing length: long batches first
// keeps the workers evenly loaded.
func byLength(n int, length func(int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return length(b) - length(a) })
	return order
}
