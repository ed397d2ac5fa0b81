package seq2seq_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/attnmt/nmt/eval"
	"github.com/attnmt/nmt/seq2seq"
)

// TestReversalSalience trains on the reversal task and checks that the
// salience maps, like attention, pick the mirrored source word: the
// argmax of |salience| per output word reaches AER below 10% against the
// anti-diagonal, on the embeddings and on the encoder states.
func TestReversalSalience(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for a few seconds")
	}
	m := trainTiny(t, seq2seq.AttentionAdditive, 600)
	src, tgt := reversalTask(rand.New(rand.NewPCG(99, 1)), 200, 16)
	for _, tc := range []struct {
		name string
		opt  seq2seq.SalienceOptions
	}{
		{"plain", seq2seq.SalienceOptions{Abs: true}},
		// Noise 0.1 (the level Smilkov et al. suggest for images) blurs this
		// small model's maps: AER 0.16 on the embeddings, 0.28 on the states.
		{"smoothgrad", seq2seq.SalienceOptions{Abs: true, Samples: 8, Noise: 0.02, Seed: 1}},
	} {
		sal, err := m.Salience(context.Background(), src, tgt, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, layer := range []string{"embeddings", "states"} {
			var gold, pred []eval.Alignment
			for i, s := range sal {
				rows := s.Embed
				if layer == "states" {
					rows = s.States
				}
				n := len(src[i])
				var g, p eval.Alignment
				for j := range n { // drop the </s> row and column
					g = append(g, eval.Link{Src: n - 1 - j, Tgt: j})
					p = append(p, eval.Link{Src: argmax(rows[j][:n]), Tgt: j})
				}
				gold, pred = append(gold, g), append(pred, p)
			}
			res, err := eval.AER(gold, pred)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s salience on the %s: AER %.3f (precision %.3f, recall %.3f)", tc.name, layer, res.AER, res.Precision, res.Recall)
			if res.AER >= 0.10 {
				t.Errorf("%s salience on the %s: AER %.3f, want below 0.10", tc.name, layer, res.AER)
			}
		}
	}
}

func argmax(row []float32) int {
	best, bestV := 0, float32(math.Inf(-1))
	for k, v := range row {
		if v > bestV {
			best, bestV = k, v
		}
	}
	return best
}
