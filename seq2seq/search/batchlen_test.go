package search_test

import (
	"context"
	"sync"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
)

// TestBatchLen checks where a batch is cut: at BatchSize sentences, at
// MaxRows rows of a beam, and before the padded tokens (sentences times
// the longest length, </s> included) pass BatchTokens; never empty.
func TestBatchLen(t *testing.T) {
	tests := []struct {
		name               string
		lens               []int // tokens, without </s>
		size, tokens, beam int
		want               int
	}{
		{"no token bound", []int{50, 40, 30, 20}, 64, 0, 1, 4},
		{"batch size", []int{3, 3, 3, 3, 3}, 2, 0, 1, 2},
		{"fits the budget exactly", []int{7, 7, 7, 7}, 64, 32, 1, 4},
		{"one more passes it", []int{7, 7, 7, 7, 7}, 64, 32, 1, 4},
		{"a long first sentence", []int{15, 3, 3, 3}, 64, 32, 1, 2},
		{"a longer sentence later", []int{3, 3, 15, 3}, 64, 32, 1, 2},
		{"longer than the budget alone", []int{100, 3}, 64, 32, 1, 1},
		{"rows of a wide beam", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 64, 0, search.MaxBeam, search.MaxRows / search.MaxBeam},
		{"fewer sentences than the bound", []int{2}, 64, 2048, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := search.DefaultOptions()
			opt.BatchSize, opt.BatchTokens, opt.Beam, opt.NBest = tt.size, tt.tokens, tt.beam, 1
			if err := opt.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := opt.BatchLen(len(tt.lens), func(i int) int { return tt.lens[i] }); got != tt.want {
				t.Errorf("BatchLen(%v) = %d, want %d", tt.lens, got, tt.want)
			}
		})
	}
}

// TestSearchBatchesByTokens checks that Search cuts the input by
// BatchTokens: the decoder never sees more padded tokens at once.
func TestSearchBatchesByTokens(t *testing.T) {
	src := [][]int{{4, 5, 6, 7, 8, 9, 10}, {4}, {4, 5}, {4, 5, 6}, {4}, {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}
	for _, beam := range []int{1, 3} {
		opt := search.DefaultOptions()
		opt.Beam, opt.BatchTokens = beam, 16
		dec := &tokenCounter{Copy: searchtest.Copy{V: 20}}
		if _, err := search.Search(t.Context(), dec, src, opt); err != nil {
			t.Fatal(err)
		}
		if dec.most > opt.BatchTokens {
			t.Errorf("beam %d: a batch of %d padded tokens, want at most %d", beam, dec.most, opt.BatchTokens)
		}
		if dec.sentences != len(src) {
			t.Errorf("beam %d: %d sentences decoded, want %d", beam, dec.sentences, len(src))
		}
	}
}

// tokenCounter is a copying decoder that records the largest batch it
// is given, in padded tokens, and the sentences it encodes.
type tokenCounter struct {
	searchtest.Copy
	mu              sync.Mutex
	most, sentences int
}

func (d *tokenCounter) Begin(ctx context.Context, src [][]int) (search.State, error) {
	longest := 0
	for _, s := range src {
		longest = max(longest, len(s)+1)
	}
	d.mu.Lock()
	d.most, d.sentences = max(d.most, len(src)*longest), d.sentences+len(src)
	d.mu.Unlock()
	return d.Copy.Begin(ctx, src)
}
