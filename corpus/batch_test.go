package corpus

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// synthetic returns n examples with lengths spread like Multi30k
// (roughly 4 to 40 ids) and ids that encode their position.
func synthetic(n int, seed uint64) []Example {
	r := rand.New(rand.NewPCG(seed, 99))
	ex := make([]Example, n)
	for i := range ex {
		ls := 4 + r.IntN(12) + r.IntN(12) + r.IntN(12)
		lt := max(1, ls+r.IntN(7)-3)
		ex[i] = Example{Src: make([]int, ls), Tgt: make([]int, lt), Index: 1000 + i}
		for j := range ex[i].Src {
			ex[i].Src[j] = i + 1
		}
		for j := range ex[i].Tgt {
			ex[i].Tgt[j] = i + 1
		}
	}
	return ex
}

func TestBatcherInvariants(t *testing.T) {
	ex := synthetic(3000, 1)
	tests := []struct {
		name string
		opts BatchOptions
	}{
		{"budget", BatchOptions{MaxTokens: 400, Seed: 1}},
		{"small chunks", BatchOptions{MaxTokens: 400, Seed: 2, ChunkFactor: 1}},
		{"sentence cap", BatchOptions{MaxTokens: 4000, MaxSentences: 16, Seed: 3}},
		{"bos eos", BatchOptions{MaxTokens: 300, Seed: 4, BOS: 7, EOS: 8, SrcEOS: true, TgtBOS: true, TgtEOS: true}},
		{"tiny budget", BatchOptions{MaxTokens: 10, Seed: 5}},
		{"sorted", BatchOptions{MaxTokens: 500, Sorted: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBatcher(ex, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			seen := make([]int, len(ex))
			for _, bt := range b.Epoch(0) {
				if bt.B > 1 && bt.B*max(bt.S, bt.T) > tt.opts.MaxTokens {
					t.Errorf("batch %d x max(%d, %d) over budget %d", bt.B, bt.S, bt.T, tt.opts.MaxTokens)
				}
				if tt.opts.MaxSentences > 0 && bt.B > tt.opts.MaxSentences {
					t.Errorf("batch of %d rows over cap %d", bt.B, tt.opts.MaxSentences)
				}
				if len(bt.Src) != bt.B*bt.S || len(bt.Tgt) != bt.B*bt.T {
					t.Fatalf("matrix sizes %d, %d for shape %d x %d, %d", len(bt.Src), len(bt.Tgt), bt.B, bt.S, bt.T)
				}
				for i, idx := range bt.Indices {
					seen[idx-1000]++
					e := ex[idx-1000]
					checkRow(t, bt.SrcRow(i), e.Src, bt.SrcLens[i], tt.opts, tt.opts.SrcBOS, tt.opts.SrcEOS)
					checkRow(t, bt.TgtRow(i), e.Tgt, bt.TgtLens[i], tt.opts, tt.opts.TgtBOS, tt.opts.TgtEOS)
				}
			}
			for i, n := range seen {
				if n != 1 {
					t.Fatalf("example %d appears %d times in the epoch", i, n)
				}
			}
		})
	}
}

// checkRow checks one padded row against its example.
func checkRow(t *testing.T, row, ids []int, n int, o BatchOptions, bos, eos bool) {
	t.Helper()
	want := slices.Clone(ids)
	if bos {
		want = append([]int{o.BOS}, want...)
	}
	if eos {
		want = append(want, o.EOS)
	}
	if n != len(want) || !slices.Equal(row[:n], want) {
		t.Fatalf("row %v (length %d), want %v", row, n, want)
	}
	for _, v := range row[n:] {
		if v != o.Pad {
			t.Fatalf("row %v: padding is not %d", row, o.Pad)
		}
	}
}

func TestBatcherDeterminism(t *testing.T) {
	ex := synthetic(2000, 2)
	opts := BatchOptions{MaxTokens: 600, Seed: 42}
	b1, _ := NewBatcher(ex, opts)
	b2, _ := NewBatcher(slices.Clone(ex), opts)
	if !reflect.DeepEqual(b1.Plan(3), b2.Plan(3)) || !reflect.DeepEqual(b1.Epoch(3), b2.Epoch(3)) {
		t.Error("same examples, options and epoch gave different batches")
	}
	if reflect.DeepEqual(b1.Plan(3), b1.Plan(4)) {
		t.Error("epochs 3 and 4 gave the same batches")
	}
	opts.Seed = 43
	b3, _ := NewBatcher(ex, opts)
	if reflect.DeepEqual(b1.Plan(3), b3.Plan(3)) {
		t.Error("seeds 42 and 43 gave the same batches")
	}
}

func TestBatcherResume(t *testing.T) {
	b, _ := NewBatcher(synthetic(500, 3), BatchOptions{MaxTokens: 300, Seed: 9})
	all := b.Epoch(1)
	for _, skip := range []int{0, 1, len(all) / 2, len(all), len(all) + 5} {
		var got []Batch
		next := skip
		for i, bt := range b.Batches(1, skip) {
			if i != next {
				t.Fatalf("skip %d: batch number %d, want %d", skip, i, next)
			}
			next++
			got = append(got, bt)
		}
		want := all[min(skip, len(all)):]
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("skip %d: resumed batches differ from the epoch's", skip)
		}
	}
	// Stopping early must not panic.
	for range b.Batches(1, 0) {
		break
	}
}

// TestBatcherBucketing checks that length bucketing keeps padding low, and
// that the sorted mode returns batches by increasing length.
func TestBatcherBucketing(t *testing.T) {
	ex := synthetic(29000, 4)
	b, _ := NewBatcher(ex, BatchOptions{MaxTokens: 2000, Seed: 1})
	if eff := efficiency(b.Epoch(0)); eff < 0.9 {
		t.Errorf("bucketed batches: %.3f of the matrix cells are tokens, want >= 0.9", eff)
	}
	unsorted, _ := NewBatcher(ex, BatchOptions{MaxTokens: 2000, Seed: 1, ChunkFactor: 1})
	if a, c := efficiency(b.Epoch(0)), efficiency(unsorted.Epoch(0)); a <= c {
		t.Errorf("chunks of 100 budgets: efficiency %.3f, not above chunks of 1 budget: %.3f", a, c)
	}
	sorted, _ := NewBatcher(ex, BatchOptions{MaxTokens: 2000, Sorted: true})
	batches := sorted.Epoch(0)
	for i := 1; i < len(batches); i++ {
		if batches[i].S < batches[i-1].S {
			t.Fatalf("sorted batch %d has S %d after %d", i, batches[i].S, batches[i-1].S)
		}
	}
	if !reflect.DeepEqual(sorted.Plan(0), sorted.Plan(1)) {
		t.Error("sorted plan changes with the epoch")
	}
}

// efficiency returns the fraction of matrix cells, source and target, that
// hold tokens rather than padding.
func efficiency(batches []Batch) float64 {
	var tokens, cells int
	for _, b := range batches {
		for i := range b.B {
			tokens += b.SrcLens[i] + b.TgtLens[i]
		}
		cells += len(b.Src) + len(b.Tgt)
	}
	return float64(tokens) / float64(cells)
}

func TestBatcherOversizedExample(t *testing.T) {
	ex := []Example{{Src: make([]int, 50), Tgt: []int{1}, Index: 0}, {Src: []int{1}, Tgt: []int{1}, Index: 1}}
	b, _ := NewBatcher(ex, BatchOptions{MaxTokens: 10, Seed: 1})
	plan := b.Plan(0)
	if len(plan) != 2 || len(plan[0]) != 1 || len(plan[1]) != 1 {
		t.Errorf("plan %v, want the long example alone", plan)
	}
}

func TestBatcherEmpty(t *testing.T) {
	b, err := NewBatcher(nil, BatchOptions{MaxTokens: 10})
	if err != nil || len(b.Plan(0)) != 0 {
		t.Errorf("empty batcher: %v, %v", b.Plan(0), err)
	}
}

func TestNewBatcherErrors(t *testing.T) {
	for _, o := range []BatchOptions{{}, {MaxTokens: -1}, {MaxTokens: 5, MaxSentences: -1}, {MaxTokens: 5, ChunkFactor: -1}} {
		if _, err := NewBatcher(nil, o); err == nil {
			t.Errorf("NewBatcher(%+v) succeeded", o)
		}
	}
}

func TestMake(t *testing.T) {
	ex := []Example{{Src: []int{5, 6, 7}, Tgt: []int{9}, Index: 10}, {Src: []int{5}, Tgt: []int{9, 9, 9}, Index: 11}}
	b, _ := NewBatcher(ex, BatchOptions{MaxTokens: 100, Pad: -1, BOS: 1, EOS: 2, SrcEOS: true, TgtBOS: true})
	got := b.Make([]int{1, 0})
	want := Batch{
		B: 2, S: 4, T: 4,
		Src:     []int{5, 2, -1, -1, 5, 6, 7, 2},
		Tgt:     []int{1, 9, 9, 9, 1, 9, -1, -1},
		SrcLens: []int{2, 4},
		TgtLens: []int{4, 2},
		Indices: []int{11, 10},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Make = %+v\nwant %+v", got, want)
	}
	if m := Mask[float32](got.SrcLens, got.S); !slices.Equal(m, []float32{1, 1, 0, 0, 1, 1, 1, 1}) {
		t.Errorf("source mask %v", m)
	}
}
