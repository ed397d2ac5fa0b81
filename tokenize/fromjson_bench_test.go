package tokenize

import "testing"

func BenchmarkFromJSON(b *testing.B) {
	data := trainLines(b, TrainOptions{VocabSize: 266}, smallCorpus...).JSON()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := FromJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromJSONMulti30k loads an 8,000-token vocabulary, the size of
// the built-in models' (part of their cold start).
func BenchmarkFromJSONMulti30k(b *testing.B) {
	data := multi30kTokenizer(b).JSON()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
