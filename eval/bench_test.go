package eval

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticPairs returns n hypothesis-reference pairs of 8 to 24 words
// drawn from a 5000-word vocabulary with some punctuation; each hypothesis
// is its reference with about a fifth of the words replaced, dropped or
// swapped, so that n-gram matches are partial as in real output.
func syntheticPairs(n int) (hyps, refs []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	letters := "abcdefghijklmnopqrstuvwxyzäöüé"
	runes := []rune(letters)
	for i := range vocab {
		var sb strings.Builder
		for j := 0; j < 2+rng.IntN(8); j++ {
			sb.WriteRune(runes[rng.IntN(len(runes))])
		}
		vocab[i] = sb.String()
	}
	word := func() string {
		// Zipf-like: small ids are much more frequent.
		return vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64()*rng.Float64())]
	}
	for range n {
		ref := make([]string, 8+rng.IntN(17))
		for i := range ref {
			ref[i] = word()
		}
		ref[rng.IntN(len(ref))] += ","
		hyp := make([]string, 0, len(ref))
		for i := 0; i < len(ref); i++ {
			switch r := rng.IntN(20); {
			case r < 2:
				hyp = append(hyp, word())
			case r < 3:
			case r < 4 && i+1 < len(ref):
				hyp = append(hyp, ref[i+1], ref[i])
				i++
			default:
				hyp = append(hyp, ref[i])
			}
		}
		hyps = append(hyps, strings.Join(hyp, " ")+".")
		refs = append(refs, strings.Join(ref, " ")+".")
	}
	return hyps, refs
}

// benchPool is the number of distinct synthetic pairs the benchmarks
// cycle through.
const benchPool = 10000

// BenchmarkBLEU scores one sentence pair per op; multiply ns/op by 1e6
// for a million pairs.
func BenchmarkBLEU(b *testing.B) {
	hyps, refs := syntheticPairs(benchPool)
	s, err := NewBLEUScorer(BLEUOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Add(hyps[i%benchPool], refs[i%benchPool]); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Result(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkChrF scores one sentence pair per op with chrF2.
func BenchmarkChrF(b *testing.B) { benchChrF(b, 0) }

// BenchmarkChrFPlusPlus scores one sentence pair per op with chrF++.
func BenchmarkChrFPlusPlus(b *testing.B) { benchChrF(b, 2) }

func benchChrF(b *testing.B, wordOrder int) {
	hyps, refs := syntheticPairs(benchPool)
	s, err := NewChrFScorer(ChrFOptions{WordOrder: wordOrder})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Add(hyps[i%benchPool], refs[i%benchPool]); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Result(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCorpus1M scores a corpus of one million sentence pairs per op
// with BLEU, chrF2 and chrF++ (run with -benchtime 1x).
func BenchmarkCorpus1M(b *testing.B) {
	hyps, refs := syntheticPairs(benchPool)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e, err := NewEvaluator([]Metric{MetricBLEU, MetricChrF, MetricChrFPlus}, EvalOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 1_000_000; j++ {
			if _, err := e.Add(hyps[j%benchPool], refs[j%benchPool:j%benchPool+1], false); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.Results(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenize13a tokenizes one sentence per op.
func BenchmarkTokenize13a(b *testing.B) {
	_, refs := syntheticPairs(1000)
	var t tokenizer13a
	var toks []string
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		toks = t.tokens(toks[:0], refs[i%len(refs)])
	}
}
