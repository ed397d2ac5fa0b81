package seq2seq

import (
	"context"
	"math"
	"slices"
	"testing"
)

// forcedLogProb is log p(tgt[k]) (EOS at k == len(tgt)) of one pair with
// noise [S, E] added to the source embeddings, by the training forward pass.
func forcedLogProb(t *testing.T, m *Model, src, tgt []int, k int, noise []float32) float64 {
	t.Helper()
	S := len(src) + 1
	return float64(referenceRow(t, m, src, tgt, k, noise, 1, make([]float32, S), make([]float32, S)))
}

// TestSalienceFiniteDifferences checks every salience value against a
// central finite difference: Embed[k][s] is the derivative of log p(y_k)
// along x[s] itself, d/da log p(x with x[s] scaled by 1+a) at a = 0. It
// runs over every architecture variant, so a new attention kind is
// checked without changes here.
func TestSalienceFiniteDifferences(t *testing.T) {
	ctx := context.Background()
	for _, tc := range configVariants {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.edit(&cfg)
			m, err := New(cfg, 3)
			if err != nil {
				t.Fatal(err)
			}
			randomize(m, 5)
			var grads [][]float32
			for _, p := range m.Params() {
				grads = append(grads, slices.Clone(p.Grad))
			}
			sal, err := m.Salience(ctx, tinySrc, tinyTgt, SalienceOptions{MaxRows: 3})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range m.Params() {
				if !slices.Equal(p.Grad, grads[i]) {
					t.Fatalf("Salience changed the gradient of %s", p.Name)
				}
			}
			forced, err := m.NewDecoder().Force(ctx, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			E := cfg.Embed
			const h = 1e-2
			for i, src := range tinySrc {
				tgt := tinyTgt[i]
				for k := range len(tgt) + 1 {
					if d := math.Abs(float64(sal[i].TokenLogProbs[k] - forced[i].TokenLogProbs[k])); d > 1e-4 {
						t.Errorf("sentence %d token %d: log p %v, Force says %v", i, k, sal[i].TokenLogProbs[k], forced[i].TokenLogProbs[k])
					}
					for s := range len(src) + 1 {
						id := EOSID
						if s < len(src) {
							id = src[s]
						}
						x := m.srcEmb.Value[id*E : (id+1)*E]
						noise := make([]float32, (len(src)+1)*E)
						for e := range E {
							noise[s*E+e] = h * x[e]
						}
						up := forcedLogProb(t, m, src, tgt, k, noise)
						for e := range noise {
							noise[e] = -noise[e]
						}
						down := forcedLogProb(t, m, src, tgt, k, noise)
						num := (up - down) / (2 * h)
						got := float64(sal[i].Embed[k][s])
						if math.Abs(num-got) > 2e-3+2e-2*math.Abs(num) {
							t.Errorf("sentence %d token %d source %d: salience %.5f, finite difference %.5f", i, k, s, got, num)
						}
					}
				}
			}
		})
	}
}

// TestSalienceBatching checks that the rows per pass and the order of the
// sentences do not change the result, and that SmoothGrad is seeded and
// Abs is the absolute value of the plain map without noise.
func TestSalienceBatching(t *testing.T) {
	ctx := context.Background()
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	randomize(m, 7)
	ref, err := m.Salience(ctx, tinySrc, tinyTgt, SalienceOptions{MaxRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{2, 5, 0} {
		got, err := m.Salience(ctx, tinySrc, tinyTgt, SalienceOptions{MaxRows: rows})
		if err != nil {
			t.Fatal(err)
		}
		assertSalienceClose(t, got, ref, false, 1e-5)
	}
	one, err := m.Salience(ctx, tinySrc[1:2], tinyTgt[1:2], SalienceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSalienceClose(t, one, ref[1:2], false, 1e-5)
	abs, err := m.Salience(ctx, tinySrc, tinyTgt, SalienceOptions{Abs: true})
	if err != nil {
		t.Fatal(err)
	}
	assertSalienceClose(t, abs, ref, true, 1e-5)

	smooth := SalienceOptions{Samples: 4, Noise: 0.1, Seed: 9}
	a, err := m.Salience(ctx, tinySrc, tinyTgt, smooth)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Salience(ctx, tinySrc, tinyTgt, smooth)
	if err != nil {
		t.Fatal(err)
	}
	assertSalienceClose(t, a, b, false, 0)
	if maxDiff(a, ref) == 0 {
		t.Error("SmoothGrad with noise 0.1 gave exactly the plain map")
	}
	for i := range a {
		for k, lp := range a[i].TokenLogProbs {
			if math.Abs(float64(lp-ref[i].TokenLogProbs[k])) > 1e-4 {
				t.Errorf("SmoothGrad sentence %d token %d: log p %v, want the unperturbed %v", i, k, lp, ref[i].TokenLogProbs[k])
			}
		}
	}
}

func TestSalienceBadInput(t *testing.T) {
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"count": func() error { _, err := m.Salience(ctx, tinySrc, tinyTgt[:1], SalienceOptions{}); return err },
		"id":    func() error { _, err := m.Salience(ctx, [][]int{{999}}, [][]int{{4}}, SalienceOptions{}); return err },
		"noise": func() error { _, err := m.Salience(ctx, tinySrc, tinyTgt, SalienceOptions{Noise: -1}); return err },
		"canceled": func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			_, err := m.Salience(c, tinySrc, tinyTgt, SalienceOptions{})
			return err
		},
	} {
		if call() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func maxDiff(a, b []Salience) float64 {
	d := 0.0
	for i := range a {
		for k := range a[i].Embed {
			for s := range a[i].Embed[k] {
				d = max(d, math.Abs(float64(a[i].Embed[k][s]-b[i].Embed[k][s])), math.Abs(float64(a[i].States[k][s]-b[i].States[k][s])))
			}
		}
	}
	return d
}

func assertSalienceClose(t *testing.T, got, want []Salience, abs bool, tol float64) {
	t.Helper()
	for i := range want {
		for k := range want[i].Embed {
			for s := range want[i].Embed[k] {
				we, ws := float64(want[i].Embed[k][s]), float64(want[i].States[k][s])
				if abs {
					we, ws = math.Abs(we), math.Abs(ws)
				}
				if math.Abs(float64(got[i].Embed[k][s])-we) > tol || math.Abs(float64(got[i].States[k][s])-ws) > tol {
					t.Fatalf("sentence %d [%d][%d]: got %v/%v, want %v/%v", i, k, s, got[i].Embed[k][s], got[i].States[k][s], we, ws)
				}
			}
		}
	}
}
