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
