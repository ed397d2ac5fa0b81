package seq2seq_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/attnmt/nmt/eval"
	"github.com/attnmt/nmt/seq2seq"
)

// reversalTask draws n pairs whose target is the source reversed: target
// word j is aligned to source word len-1-j, an anti-diagonal.
func reversalTask(r *rand.Rand, n, vocab int) (src, tgt [][]int) {
	for range n {
		s := make([]int, 3+r.IntN(6))
		for i := range s {
			s[i] = 4 + r.IntN(vocab-4)
		}
		t := make([]int, len(s))
		for i, v := range s {
			t[len(s)-1-i] = v
		}
		src, tgt = append(src, s), append(tgt, t)
	}
	return src, tgt
}

// trainTiny trains a small model on the reversal task with the project's
// Adam and returns it.
func trainTiny(t *testing.T, attention string, steps int) *seq2seq.Model {
	t.Helper()
	reversal := func(r *rand.Rand, n, vocab int) (src, tgt, gold [][]int) {
		src, tgt = reversalTask(r, n, vocab)
		return src, tgt, nil
	}
	return trainKind(t, attention, reversal, steps)
}

// TestReversalAlignment trains on the reversal task and checks that the
// forced-alignment attention recovers the anti-diagonal: AER below 10%.
func TestReversalAlignment(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for a few seconds")
	}
	for _, kind := range []string{seq2seq.AttentionAdditive, seq2seq.AttentionGeneral} {
		t.Run(kind, func(t *testing.T) {
			m := trainTiny(t, kind, 600)
			src, tgt := reversalTask(rand.New(rand.NewPCG(99, 1)), 200, 16)
			forced, err := m.NewDecoder().Force(context.Background(), src, tgt)
			if err != nil {
				t.Fatal(err)
			}
			var gold, pred []eval.Alignment
			for i, f := range forced {
				n := len(src[i])
				var g, p eval.Alignment
				for j := range n { // drop the </s> row and column
					g = append(g, eval.Link{Src: n - 1 - j, Tgt: j})
					row := f.Attn[j][:n]
					best := 0
					for k, w := range row {
						if w > row[best] {
							best = k
						}
					}
					p = append(p, eval.Link{Src: best, Tgt: j})
				}
				gold, pred = append(gold, g), append(pred, p)
			}
			res, err := eval.AER(gold, pred)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s attention: AER %.3f (precision %.3f, recall %.3f)", kind, res.AER, res.Precision, res.Recall)
			if res.AER >= 0.10 {
				t.Errorf("AER %.3f, want below 0.10", res.AER)
			}
		})
	}
}
