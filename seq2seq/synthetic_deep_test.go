package seq2seq_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// TestDeepDecoderLearnsReversal trains a model with a two-layer decoder
// (with and without residual connections, dropout between the layers) on
// the reversal task and checks that greedy and beam search, in float32,
// int8 and the ensemble of both, reverse at least 90% of fresh sentences exactly.
func TestDeepDecoderLearnsReversal(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for a few seconds")
	}
	for _, residual := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "residual"}[residual], func(t *testing.T) {
			cfg := seq2seq.Config{SrcVocab: 16, TgtVocab: 16, Embed: 16, EncoderHidden: 24, EncoderLayers: 1,
				DecoderHidden: 32, DecoderLayers: 2, DecoderResidual: residual,
				Attention: seq2seq.AttentionAdditive, AttentionDim: 24, Output: 32, Dropout: 0.1}
			m := trainConfig(t, cfg, reverseTask, 500)
			src, tgt, _ := reverseTask(rand.New(rand.NewPCG(99, 1)), 100, cfg.SrcVocab)
			q, err := translate.NewSearchDecoder(m, translate.ComputeInt8)
			if err != nil {
				t.Fatal(err)
			}
			f := translate.SearchDecoder(m)
			ens, err := search.NewEnsemble(f, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, dec := range []struct {
				name string
				d    search.Decoder
			}{{"float32", f}, {"int8", q}, {"ensemble", ens}} {
				for _, beam := range []int{1, 4} {
					opt := search.DefaultOptions()
					opt.Beam, opt.NoAttention = beam, true
					hyps, err := search.Search(context.Background(), dec.d, src, opt)
					if err != nil {
						t.Fatal(err)
					}
					exact := 0
					for i, h := range hyps {
						if slices.Equal(h[0].Tokens, tgt[i]) {
							exact++
						}
					}
					t.Logf("%s, beam %d: %d of %d reversed exactly", dec.name, beam, exact, len(src))
					if exact < 90 {
						t.Errorf("%s, beam %d: %d of %d sentences reversed exactly, want at least 90", dec.name, beam, exact, len(src))
					}
				}
			}
		})
	}
}
