package translate_test

import (
	"testing"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// BenchmarkLoadBuiltin measures what "nmt translate" does before its
// first sentence: read the built-in model, build both tokenizers and
// prepare the decoder, in each compute.
func BenchmarkLoadBuiltin(b *testing.B) {
	for _, c := range []translate.Compute{translate.ComputeInt8, translate.ComputeFloat32} {
		b.Run(string(c), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := translate.LoadModel(pretrained.Default, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
