package search_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/tokenize"
)

func TestSpecialIDs(t *testing.T) {
	got := []int{search.PadID, search.UnkID, search.BOSID, search.EOSID}
	want := []int{tokenize.PadID, tokenize.UnkID, tokenize.BOSID, tokenize.EOSID}
	if !slices.Equal(got, want) {
		t.Errorf("special ids %v, package tokenize has %v", got, want)
	}
}

// prefixDecoder gives each row the distribution probs(prefix) over the
// vocabulary, prefix being the tokens the row generated so far.
type prefixDecoder struct {
	v     int
	probs map[string][]float64 // prefix as "4 5" -> probabilities of ids
}

type prefixState struct {
	rows [][]int // generated tokens per row
	s    int
}

func (st *prefixState) Rows() int   { return len(st.rows) }
func (st *prefixState) SrcLen() int { return st.s }
func (st *prefixState) Select(rows []int) search.State {
	sel := &prefixState{s: st.s}
	for _, r := range rows {
		sel.rows = append(sel.rows, slices.Clone(st.rows[r]))
	}
	return sel
}

func (d *prefixDecoder) VocabSize() int { return d.v }

func (d *prefixDecoder) Begin(_ context.Context, src [][]int) (search.State, error) {
	st := &prefixState{rows: make([][]int, len(src))}
	for _, s := range src {
		st.s = max(st.s, len(s)+1)
	}
	return st, nil
}

func (d *prefixDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	s := st.(*prefixState)
	for r := range s.rows {
		if prev[r] != search.BOSID {
			s.rows[r] = append(s.rows[r], prev[r])
		}
		key := strings.Trim(fmt.Sprint(s.rows[r]), "[]")
		p, ok := d.probs[key]
		if !ok {
			p = dist(1, 0, 0)
		}
		for v := range d.v {
			logp[r*d.v+v] = float32(math.Log(p[v]))
		}
		for j := range s.s {
			attn[r*s.s+j] = 1 / float32(s.s)
		}
	}
	return nil
}

// dist returns probabilities over ids 0-5 (pad, unk, bos, eos, 4, 5),
// <unk> getting a tiny one.
func dist(eos, a, b float64) []float64 { return []float64{0, 1e-9, 0, eos, a, b} }

// lp returns the sum of the logs of ps, as search computes it.
func lp(ps ...float64) float64 {
	s := 0.0
	for _, p := range ps {
		s += float64(float32(math.Log(p)))
	}
	return s
}

func TestHandComputed(t *testing.T) {
	dec := &prefixDecoder{v: 6, probs: map[string][]float64{
		"":    dist(0.1, 0.5, 0.4),
		"4":   dist(0.4, 0.05, 0.55),
		"5":   dist(0.9, 0.05, 0.05),
		"4 5": dist(0.95, 0.03, 0.02),
	}}
	type hyp struct {
		toks    []int
		logProb float64
	}
	tests := []struct {
		name       string
		beam, best int
		norm       search.Normalization
		want       []hyp
	}{
		// Greedy takes 4 (0.5), 5 (0.55), </s> (0.95): 0.26.
		{"greedy", 1, 1, search.NormNone, []hyp{{[]int{4, 5}, lp(0.5, 0.55, 0.95)}}},
		// Beam 2 keeps 4 and 5; at step 2 5 </s> (0.36) ends first, then
		// 4 5 </s> and 4 4 </s> end at step 3.
		{"beam 2", 2, 2, search.NormNone, []hyp{{[]int{5}, lp(0.4, 0.9)}, {[]int{4, 5}, lp(0.5, 0.55, 0.95)}}},
		// Beam 2, 1-best: once 5 </s> has ended, no live hypothesis can beat it.
		{"beam 2 1-best", 2, 1, search.NormNone, []hyp{{[]int{5}, lp(0.4, 0.9)}}},
		// Beam 3 ends the empty hypothesis at step 1 (rank 2 < 3) and 4 </s>
		// at step 2 (rank 2 again): three have ended.
		{"beam 3", 3, 3, search.NormNone, []hyp{{[]int{5}, lp(0.4, 0.9)}, {[]int{4}, lp(0.5, 0.4)}, {[]int{}, lp(0.1)}}},
		// Averaging: 0.26^(1/3) = 0.64 beats 0.36^(1/2) = 0.6.
		{"beam 2 average", 2, 1, search.NormAverage, []hyp{{[]int{4, 5}, lp(0.5, 0.55, 0.95)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := search.DefaultOptions()
			opt.Beam, opt.NBest, opt.Norm = tt.beam, tt.best, tt.norm
			res, err := search.Search(context.Background(), dec, [][]int{{7, 8}}, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || len(res[0]) != len(tt.want) {
				t.Fatalf("got %d sentences, %v; want 1 with %d hypotheses", len(res), res, len(tt.want))
			}
			for j, h := range res[0] {
				w := tt.want[j]
				if !slices.Equal(h.Tokens, w.toks) || math.Abs(h.LogProb-w.logProb) > 1e-9 {
					t.Errorf("hypothesis %d: got %v %.6f, want %v %.6f", j, h.Tokens, h.LogProb, w.toks, w.logProb)
				}
				if len(h.Attn) != len(h.Tokens)+1 || len(h.Attn[0]) != 3 {
					t.Errorf("hypothesis %d: attention %d x %d, want %d x 3", j, len(h.Attn), len(h.Attn[0]), len(h.Tokens)+1)
				}
			}
		})
	}
}

// randomSource returns n sentences of random ids in [4, v) of lengths 0 to maxLen.
func randomSource(n, v, maxLen int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 2))
	src := make([][]int, n)
	for i := range src {
		src[i] = make([]int, rng.IntN(maxLen+1))
		for j := range src[i] {
			src[i][j] = 4 + rng.IntN(v-4)
		}
	}
	return src
}

func TestBeamOneIsGreedy(t *testing.T) {
	for seed := range uint64(8) {
		dec := searchtest.NewRandom(40, 97, 1+float64(seed%3), seed)
		src := randomSource(25, 40, 9, seed)
		opt := search.DefaultOptions()
		opt.Beam, opt.BatchSize, opt.MaxLenRatio, opt.MaxLenConst = 1, 7, 1.5, 3
		greedy, err := search.Greedy(context.Background(), dec, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		beam, err := search.Beam(context.Background(), dec, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(greedy, beam) {
			for i := range greedy {
				if !reflect.DeepEqual(greedy[i], beam[i]) {
					t.Fatalf("seed %d sentence %d: greedy %+v, beam 1 %+v", seed, i, greedy[i], beam[i])
				}
			}
		}
		long := 0
		for _, h := range greedy {
			long = max(long, len(h[0].Tokens))
		}
		if long == 0 {
			t.Errorf("seed %d: every greedy output is empty: the test decides nothing", seed)
		}
	}
}

// logProber gives the log-probabilities of the token after prev at step t
// for the source src; *searchtest.Random is one.
type logProber interface {
	LogProbs(src []int, t, prev int) []float32
}

// exhaustive scores every output of at most maxLen tokens from toks.
func exhaustive(dec logProber, src []int, toks []int, maxLen int, opt search.Options) []search.Hypothesis {
	var all []search.Hypothesis
	var walk func(prefix []int, logProb float64)
	walk = func(prefix []int, logProb float64) {
		t, prev := len(prefix), search.BOSID
		if t > 0 {
			prev = prefix[t-1]
		}
		lps := dec.LogProbs(src, t, prev)
		end := logProb + float64(lps[search.EOSID])
		all = append(all, search.Hypothesis{Tokens: slices.Clone(prefix), LogProb: end, Score: score(opt, end, t+1)})
		if t == maxLen {
			return
		}
		for _, tok := range toks {
			walk(append(prefix, tok), logProb+float64(lps[tok]))
		}
	}
	walk([]int{}, 0)
	slices.SortStableFunc(all, func(a, b search.Hypothesis) int { return -cmpFloat(a.Score, b.Score) })
	return all
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// score normalises as documented in package search.
func score(opt search.Options, logProb float64, n int) float64 {
	switch opt.Norm {
	case search.NormGNMT:
		return logProb / math.Pow((5+float64(n))/6, opt.Alpha)
	case search.NormAverage:
		return logProb / float64(n)
	}
	return logProb
}

func TestBeamFindsExhaustiveBest(t *testing.T) {
	const v, maxLen = 6, 3 // outputs over {1, 4, 5}: 40 of at most 3 tokens
	toks := []int{1, 4, 5}
	for _, norm := range []search.Normalization{search.NormNone, search.NormGNMT, search.NormAverage} {
		for seed := range uint64(4) {
			dec := searchtest.NewRandom(v, 50, 1.5, seed)
			src := randomSource(6, v, 5, seed)
			opt := search.DefaultOptions()
			opt.Beam, opt.NBest, opt.Norm, opt.Alpha = 40, 10, norm, 1.2
			opt.MaxLenRatio, opt.MaxLenConst = 0, maxLen
			res, err := search.Search(context.Background(), dec, src, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range src {
				want := exhaustive(dec, s, toks, maxLen, opt)[:opt.NBest]
				if len(res[i]) != len(want) {
					t.Fatalf("%v seed %d sentence %d: %d hypotheses, want %d", norm, seed, i, len(res[i]), len(want))
				}
				for j, h := range res[i] {
					if !slices.Equal(h.Tokens, want[j].Tokens) || math.Abs(h.Score-want[j].Score) > 1e-9 || math.Abs(h.LogProb-want[j].LogProb) > 1e-9 {
						t.Errorf("%v seed %d sentence %d rank %d: got %v %.6f, want %v %.6f",
							norm, seed, i, j, h.Tokens, h.Score, want[j].Tokens, want[j].Score)
					}
				}
			}
		}
	}
}

// countingDecoder records the number of rows of every Step call.
type countingDecoder struct {
	search.Decoder
	rows []int
}

func (d *countingDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	d.rows = append(d.rows, len(prev))
	return d.Decoder.Step(st, prev, logp, attn)
}

func TestFinishedRowsAreDropped(t *testing.T) {
	src := [][]int{{4, 5, 6}, {7}, {}, {8, 9}}
	tests := []struct {
		name string
		beam int
		want []int // rows per step
	}{
		// Each sentence ends one step after its last token.
		{"greedy", 1, []int{4, 3, 2, 1}},
		// The copy model is sure enough that every other hypothesis is
		// hopeless once the copy has ended: beams follow the same pattern.
		{"beam 3", 3, []int{4, 9, 6, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := &countingDecoder{Decoder: &searchtest.Copy{V: 12, P: 0.99}}
			opt := search.DefaultOptions()
			opt.Beam = tt.beam
			res, err := search.Search(context.Background(), dec, src, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(dec.rows, tt.want) {
				t.Errorf("rows per step %v, want %v", dec.rows, tt.want)
			}
			for i, s := range src {
				if got := res[i][0].Tokens; !slices.Equal(got, s) {
					t.Errorf("sentence %d: got %v, want the copy %v", i, got, s)
				}
			}
		})
	}
}

func TestAttention(t *testing.T) {
	src := [][]int{{4, 5, 6, 7}, {8}, {}}
	for _, beam := range []int{1, 4} {
		opt := search.DefaultOptions()
		opt.Beam = beam
		res, err := search.Search(context.Background(), &searchtest.Copy{V: 10, Reverse: true}, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range src {
			h := res[i][0]
			if want := slices.Clone(s); !slices.Equal(h.Tokens, reversed(want)) {
				t.Errorf("beam %d sentence %d: got %v, want %v reversed", beam, i, h.Tokens, s)
			}
			if len(h.Attn) != len(s)+1 {
				t.Fatalf("beam %d sentence %d: %d attention rows, want %d", beam, i, len(h.Attn), len(s)+1)
			}
			for j, row := range h.Attn {
				want := len(s) - 1 - j // reversed copy, then </s> at len(s)
				if j == len(s) {
					want = len(s)
				}
				if len(row) != len(s)+1 {
					t.Fatalf("beam %d sentence %d row %d: %d weights, want %d", beam, i, j, len(row), len(s)+1)
				}
				sum := float32(0)
				for _, a := range row {
					sum += a
				}
				if math.Abs(float64(sum-1)) > 1e-5 {
					t.Errorf("beam %d sentence %d row %d sums to %g", beam, i, j, sum)
				}
				if got := argmax(row); got != want {
					t.Errorf("beam %d sentence %d row %d: attends to %d, want %d", beam, i, j, got, want)
				}
			}
		}
		opt.NoAttention = true
		res, err = search.Search(context.Background(), &searchtest.Copy{V: 10}, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res[0][0].Attn != nil {
			t.Errorf("beam %d: attention kept with NoAttention", beam)
		}
	}
}

func reversed(s []int) []int {
	slices.Reverse(s)
	return s
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func TestMaxLength(t *testing.T) {
	// The copy of 6 tokens is cut at floor(0.5*6)+1 = 4 tokens, </s> forced.
	src := [][]int{{4, 5, 6, 7, 8, 9}}
	for _, beam := range []int{1, 3} {
		opt := search.DefaultOptions()
		opt.Beam, opt.MaxLenRatio, opt.MaxLenConst = beam, 0.5, 1
		res, err := search.Search(context.Background(), &searchtest.Copy{V: 10}, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0][0].Tokens; !slices.Equal(got, []int{4, 5, 6, 7}) {
			t.Errorf("beam %d: got %v, want 4 5 6 7", beam, got)
		}
	}
}

func TestNBestOrder(t *testing.T) {
	dec := searchtest.NewRandom(30, 61, 1, 3)
	opt := search.DefaultOptions()
	opt.Beam, opt.NBest = 6, 6
	res, err := search.Search(context.Background(), dec, randomSource(10, 30, 8, 5), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, hyps := range res {
		if len(hyps) != opt.NBest {
			t.Errorf("sentence %d: %d hypotheses, want %d", i, len(hyps), opt.NBest)
		}
		for j := 1; j < len(hyps); j++ {
			if hyps[j].Score > hyps[j-1].Score {
				t.Errorf("sentence %d: hypothesis %d scores %g > %g before it", i, j, hyps[j].Score, hyps[j-1].Score)
			}
		}
	}
}

type failingDecoder struct{ search.Decoder }

func (failingDecoder) Step(search.State, []int, []float32, []float32) error {
	return errors.New("out of memory")
}

func TestErrors(t *testing.T) {
	src := [][]int{{4, 5}}
	ok := search.DefaultOptions()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		dec  search.Decoder
		opt  func(*search.Options)
		want string
	}{
		{"beam 0", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.Beam = 0 }, "beam must be between 1 and 64, got 0"},
		{"beam above the maximum", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.Beam = search.MaxBeam + 1 }, "beam must be between 1 and 64, got 65"},
		{"n-best above beam", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.NBest = 6 }, "n-best must be between 1 and the beam size 5"},
		{"no length", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.MaxLenRatio, o.MaxLenConst = 0, 0 }, "no output could be produced"},
		{"batch 0", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.BatchSize = 0 }, "batch size must be at least 1"},
		{"batch tokens -1", context.Background(), &searchtest.Copy{V: 8}, func(o *search.Options) { o.BatchTokens = -1 }, "batch tokens must be at least 0"},
		{"tiny vocabulary", context.Background(), &searchtest.Copy{V: 3}, func(*search.Options) {}, "vocabulary size 3 is too small"},
		{"step error", context.Background(), failingDecoder{&searchtest.Copy{V: 8}}, func(*search.Options) {}, "search sentences 1-1: step 1: out of memory"},
		{"canceled", canceled, &searchtest.Copy{V: 8}, func(*search.Options) {}, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := ok
			tt.opt(&opt)
			for _, f := range []func(context.Context, search.Decoder, [][]int, search.Options) ([][]search.Hypothesis, error){search.Beam, search.Search} {
				_, err := f(tt.ctx, tt.dec, src, opt)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got error %v, want one containing %q", err, tt.want)
				}
			}
		})
	}
}

func TestEmptyInput(t *testing.T) {
	res, err := search.Search(context.Background(), &searchtest.Copy{V: 8}, nil, search.DefaultOptions())
	if err != nil || len(res) != 0 {
		t.Errorf("got %v, %v; want no results and no error", res, err)
	}
}

func ExampleSearch() {
	// A fake model that copies its input in reverse.
	dec := &searchtest.Copy{V: 10, Reverse: true}
	opt := search.DefaultOptions() // beam 5
	opt.NBest = 2
	res, err := search.Search(context.Background(), dec, [][]int{{4, 5, 6}, {7}}, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, hyps := range res {
		for _, h := range hyps {
			fmt.Printf("sentence %d: %v logprob %.2f\n", i, h.Tokens, h.LogProb)
		}
	}
	// Output:
	// sentence 0: [6 5 4] logprob -0.42
	// sentence 0: [1 5 4] logprob -4.82
	// sentence 1: [7] logprob -0.21
	// sentence 1: [1] logprob -4.61
}
