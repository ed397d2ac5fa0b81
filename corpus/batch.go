package corpus

import (
	"cmp"
	"errors"
	"iter"
	"slices"
)

// DefaultChunkFactor is the size of a sorting chunk, in token budgets, when
// BatchOptions.ChunkFactor is zero.
const DefaultChunkFactor = 100

// Example is one tokenized sentence pair.
type Example struct {
	Src, Tgt []int // token ids, without padding
	Index    int   // the caller's id for the pair, copied to Batch.Indices
}

// BatchOptions configures a Batcher.
type BatchOptions struct {
	// MaxTokens is the token budget of a batch: B * max(S, T) <= MaxTokens,
	// counting padding and any added BOS/EOS ids. An example longer than
	// the budget on its own makes a batch of one.
	MaxTokens int
	// MaxSentences caps the rows of a batch; 0 means no cap.
	MaxSentences int
	// Pad is the id that fills the matrices past each row's length.
	Pad int
	// Seed seeds the shuffling, together with the epoch.
	Seed uint64
	// ChunkFactor sets the size of the chunks sorted by length, in token
	// budgets; 0 means DefaultChunkFactor. Larger chunks pad less and
	// shuffle less.
	ChunkFactor int
	// Sorted turns shuffling off: all examples are sorted by length and the
	// batches come shortest first, the same for every epoch (for
	// evaluation and translation).
	Sorted bool
	// BOS and EOS are the ids added by SrcBOS, SrcEOS, TgtBOS and TgtEOS.
	BOS, EOS int
	// SrcBOS, SrcEOS, TgtBOS and TgtEOS prepend BOS or append EOS to each
	// source or target row.
	SrcBOS, SrcEOS, TgtBOS, TgtEOS bool
}

// Batch is a padded batch of examples. Rows are sentences; Src is the
// row-major [B, S] matrix and Tgt the [B, T] matrix, with Pad past each
// row's length.
type Batch struct {
	B, S, T int
	Src     []int // [B*S]
	Tgt     []int // [B*T]
	SrcLens []int // [B] length of each source row, with BOS/EOS
	TgtLens []int // [B] length of each target row, with BOS/EOS
	Indices []int // [B] Example.Index of each row
}

// SrcRow returns row i of Src, padding included.
func (b *Batch) SrcRow(i int) []int { return b.Src[i*b.S : (i+1)*b.S] }

// TgtRow returns row i of Tgt, padding included.
func (b *Batch) TgtRow(i int) []int { return b.Tgt[i*b.T : (i+1)*b.T] }

// Mask returns the row-major [len(lens), width] mask of a padded matrix:
// 1 where the column is below the row's length, 0 on padding. For a batch
// b, Mask[float32](b.SrcLens, b.S) is the [B, S] source mask.
func Mask[F ~float32 | ~float64](lens []int, width int) []F {
	m := make([]F, len(lens)*width)
	for i, n := range lens {
		row := m[i*width : (i+1)*width]
		for j := range min(n, width) {
			row[j] = 1
		}
	}
	return m
}

// Batcher groups examples into length-bucketed batches under a token
// budget, deterministically for each epoch.
type Batcher struct {
	ex   []Example
	opts BatchOptions
	srcN []int // length of each example's source row, with BOS/EOS
	tgtN []int
}

// NewBatcher returns a Batcher of ex. It keeps ex, which must not change.
func NewBatcher(ex []Example, opts BatchOptions) (*Batcher, error) {
	switch {
	case opts.MaxTokens <= 0:
		return nil, errors.New("batcher: MaxTokens must be positive")
	case opts.MaxSentences < 0 || opts.ChunkFactor < 0:
		return nil, errors.New("batcher: MaxSentences and ChunkFactor must not be negative")
	}
	if opts.ChunkFactor == 0 {
		opts.ChunkFactor = DefaultChunkFactor
	}
	b := &Batcher{ex: ex, opts: opts, srcN: make([]int, len(ex)), tgtN: make([]int, len(ex))}
	for i, e := range ex {
		b.srcN[i] = len(e.Src) + b2i(opts.SrcBOS) + b2i(opts.SrcEOS)
		b.tgtN[i] = len(e.Tgt) + b2i(opts.TgtBOS) + b2i(opts.TgtEOS)
	}
	return b, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Plan returns the batches of an epoch as lists of positions in the
// examples given to NewBatcher. The same examples, options and epoch
// always give the same plan; every example appears exactly once.
func (b *Batcher) Plan(epoch int) [][]int {
	n := len(b.ex)
	if b.opts.Sorted {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		b.sortByLength(order)
		return b.fill(nil, order)
	}
	rng := NewRand(b.opts.Seed, uint64(epoch))
	order := rng.Perm(n)
	budget := b.opts.ChunkFactor * b.opts.MaxTokens
	var plan [][]int
	for start := 0; start < n; {
		end, tokens := start, 0
		for end < n && tokens < budget {
			tokens += max(b.srcN[order[end]], b.tgtN[order[end]])
			end++
		}
		chunk := order[start:end]
		b.sortByLength(chunk)
		plan = b.fill(plan, chunk)
		start = end
	}
	rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	return plan
}

// sortByLength sorts positions by source then target length, stably.
func (b *Batcher) sortByLength(pos []int) {
	slices.SortStableFunc(pos, func(x, y int) int {
		return cmp.Or(cmp.Compare(b.srcN[x], b.srcN[y]), cmp.Compare(b.tgtN[x], b.tgtN[y]))
	})
}

// fill cuts sorted positions greedily into batches within the budget and
// appends them to plan.
func (b *Batcher) fill(plan [][]int, sorted []int) [][]int {
	start, maxLen := 0, 0
	for i, p := range sorted {
		l := max(maxLen, b.srcN[p], b.tgtN[p])
		rows := i - start + 1
		if rows > 1 && (rows*l > b.opts.MaxTokens || (b.opts.MaxSentences > 0 && rows > b.opts.MaxSentences)) {
			plan = append(plan, sorted[start:i:i])
			start, l = i, max(b.srcN[p], b.tgtN[p])
		}
		maxLen = l
	}
	if start < len(sorted) {
		plan = append(plan, sorted[start:len(sorted):len(sorted)])
	}
	return plan
}

// Make builds the padded batch of the examples at the given positions.
func (b *Batcher) Make(pos []int) Batch {
	o := &b.opts
	bt := Batch{B: len(pos), SrcLens: make([]int, len(pos)), TgtLens: make([]int, len(pos)), Indices: make([]int, len(pos))}
	for i, p := range pos {
		bt.SrcLens[i], bt.TgtLens[i], bt.Indices[i] = b.srcN[p], b.tgtN[p], b.ex[p].Index
		bt.S, bt.T = max(bt.S, b.srcN[p]), max(bt.T, b.tgtN[p])
	}
	bt.Src = make([]int, bt.B*bt.S) // [B, S]
	bt.Tgt = make([]int, bt.B*bt.T) // [B, T]
	for i, p := range pos {
		fillRow(bt.SrcRow(i), b.ex[p].Src, o.Pad, o.BOS, o.EOS, o.SrcBOS, o.SrcEOS)
		fillRow(bt.TgtRow(i), b.ex[p].Tgt, o.Pad, o.BOS, o.EOS, o.TgtBOS, o.TgtEOS)
	}
	return bt
}

// fillRow writes [bos] ids [eos] and padding into row.
func fillRow(row, ids []int, pad, bos, eos int, addBOS, addEOS bool) {
	j := 0
	if addBOS {
		row[j] = bos
		j++
	}
	j += copy(row[j:], ids)
	if addEOS {
		row[j] = eos
		j++
	}
	for ; j < len(row); j++ {
		row[j] = pad
	}
}

// Epoch returns the padded batches of an epoch, in order.
func (b *Batcher) Epoch(epoch int) []Batch {
	plan := b.Plan(epoch)
	out := make([]Batch, len(plan))
	for i, pos := range plan {
		out[i] = b.Make(pos)
	}
	return out
}

// Batches yields the batches of an epoch with their 0-based number,
// starting after the first skip batches (to resume an interrupted epoch).
// Batches are built as they are consumed.
func (b *Batcher) Batches(epoch, skip int) iter.Seq2[int, Batch] {
	return func(yield func(int, Batch) bool) {
		plan := b.Plan(epoch)
		for i := max(skip, 0); i < len(plan); i++ {
			if !yield(i, b.Make(plan[i])) {
				return
			}
		}
	}
}
