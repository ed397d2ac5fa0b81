package attention

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/attnmt/nmt/attention/gradcheck"
)

// TestReinforceMatchesExactGradient is the estimator's statistical test:
// on a toy problem (one row of scores; position k holds a context x_k and
// the reward of reading it is the log-probability a fixed softmax layer
// gives the reference class) the mean REINFORCE gradient over many draws
// must match the exact gradient of the expected reward,
// d/de_j sum_k alpha_k f_k = alpha_j (f_j - E f), within five standard
// errors, with no baseline, constant baselines, and Deng et al.'s (2018)
// soft baseline: the reward of the expected context sum_k alpha_k x_k.
func TestReinforceMatchesExactGradient(t *testing.T) {
	const S, N = 6, 200000
	e := []float32{0.3, -1.2, 0.8, 0.1, -0.4, 1.5}
	contexts := [S][2]float64{{1, 0}, {-0.5, 2}, {0.3, -1}, {-2, -1}, {1.5, 1.5}, {0, 0.4}}
	layer := [3][2]float64{{0.8, -0.6}, {-0.4, 1.1}, {0.2, 0.3}} // logits = layer x; reference class 0
	logLik := func(x [2]float64) float32 {
		var z [3]float64
		for c := range z {
			z[c] = layer[c][0]*x[0] + layer[c][1]*x[1]
		}
		return float32(z[0] - math.Log(math.Exp(z[0])+math.Exp(z[1])+math.Exp(z[2])))
	}
	alpha := append([]float32(nil), e...)
	lens := []int{S}
	Softmax(alpha, S, 1, lens)
	f := make([]float32, S)
	var expected float64
	var mean [2]float64 // the expected context
	for k := range S {
		f[k] = logLik(contexts[k])
		expected += float64(alpha[k] * f[k])
		mean[0] += float64(alpha[k]) * contexts[k][0]
		mean[1] += float64(alpha[k]) * contexts[k][1]
	}
	for _, bl := range []struct {
		name     string
		baseline float32
		drawn    bool // the control: a baseline of half the drawn reward, which biases the estimate
	}{
		{"none", 0, false}, {"expected reward", float32(expected), false}, {"constant -5", -5, false},
		{"soft (expected context)", logLik(mean), false},
		{"half the drawn reward", 0, true},
	} {
		r := rand.New(rand.NewPCG(7, 9))
		sum, sumSq := make([]float64, S), make([]float64, S)
		picks, de := []int{0}, make([]float32, S)
		for range N {
			SamplePositions(alpha, S, 1, lens, r, picks)
			adv := []float32{f[picks[0]] - bl.baseline}
			if bl.drawn {
				adv[0] = f[picks[0]] / 2
			}
			ReinforceBackward(alpha, S, 1, lens, picks, adv, 0, 1, de)
			for j, d := range de {
				g := -float64(d) // de is the gradient of the loss, -R
				sum[j] += g
				sumSq[j] += g * g
			}
		}
		off := 0
		for j := range S {
			exact := float64(alpha[j]) * (float64(f[j]) - expected)
			mean := sum[j] / N
			se := math.Sqrt((sumSq[j]/N - mean*mean) / N)
			if math.Abs(mean-exact) > 5*se+1e-5 {
				off++
				if !bl.drawn {
					t.Errorf("baseline %s (%v), position %d: mean estimate %.5f, exact %.5f (standard error %.5f)", bl.name, bl.baseline, j, mean, exact, se)
				}
			}
		}
		if bl.drawn && off == 0 {
			t.Errorf("baseline %s: the test does not detect a baseline that depends on the draw", bl.name)
		}
	}
}

// TestReinforceBaselineReducesVariance: the expected-reward baseline must
// give a lower-variance estimate than no baseline on the toy problem.
func TestReinforceBaselineReducesVariance(t *testing.T) {
	const S, N = 4, 20000
	alpha := []float32{0.1, 0.2, 0.3, 0.4}
	f := []float32{-3, -2, -2.5, -1}
	var expected float32
	for k := range S {
		expected += alpha[k] * f[k]
	}
	variance := func(baseline float32) float64 {
		r := rand.New(rand.NewPCG(3, 4))
		picks, de := []int{0}, make([]float32, S)
		var sum, sumSq float64
		for range N {
			SamplePositions(alpha, S, 1, []int{S}, r, picks)
			ReinforceBackward(alpha, S, 1, []int{S}, picks, []float32{f[picks[0]] - baseline}, 0, 1, de)
			sum += float64(de[3])
			sumSq += float64(de[3]) * float64(de[3])
		}
		m := sum / N
		return sumSq/N - m*m
	}
	if with, without := variance(expected), variance(0); with >= without/2 {
		t.Fatalf("variance with baseline %g, without %g: want at most half", with, without)
	}
}

// TestEntropyBonusGradient checks the entropy term of ReinforceBackward
// against finite differences (with zero advantage it is deterministic).
func TestEntropyBonusGradient(t *testing.T) {
	const S, B = 5, 2
	e := []float32{0.2, -0.5, 1.1, 0.4, -1, 0.7, 0.1, -0.3, 0, 0}
	lens := []int{5, 3}
	const lambda, scale = 0.3, 0.5
	loss := func() float64 {
		alpha := append([]float32(nil), e...)
		Softmax(alpha, S, B, lens)
		var l float64
		for b := range B {
			l -= scale * lambda * Entropy(alpha[b*S:b*S+lens[b]])
		}
		return l
	}
	alpha := append([]float32(nil), e...)
	Softmax(alpha, S, B, lens)
	de := make([]float32, B*S)
	ReinforceBackward(alpha, S, B, lens, []int{1, 2}, []float32{0, 0}, lambda, scale, de)
	if err := gradcheck.Check(loss, []gradcheck.Input{{Name: "scores", Value: e, Grad: de}}, gradcheck.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestPositions(t *testing.T) {
	alpha := []float32{0.1, 0.6, 0.3, 0.5, 0.5, 0, 0, 0, 0}
	lens := []int{3, 2, 0}
	picks := make([]int, 3)
	ArgmaxPositions(alpha, 3, 3, lens, picks)
	if want := []int{1, 0, -1}; !slices.Equal(picks, want) {
		t.Fatalf("argmax picks %v, want %v", picks, want)
	}
	counts := make([]int, 3)
	r := rand.New(rand.NewPCG(1, 1))
	for range 10000 {
		SamplePositions(alpha, 3, 3, lens, r, picks)
		counts[picks[0]]++
		if picks[1] > 1 || picks[2] != -1 {
			t.Fatalf("sampled %v outside the rows' lengths %v", picks, lens)
		}
	}
	for k, c := range counts {
		if got := float64(c) / 10000; math.Abs(got-float64(alpha[k])) > 0.02 {
			t.Errorf("position %d drawn %.3f of the time, want %.1f", k, got, alpha[k])
		}
	}
	w := make([]float32, 9)
	for i := range w {
		w[i] = 7
	}
	OneHot([]int{2, -1, -1}, 3, 3, w)
	if w[0] != 0 || w[1] != 0 || w[2] != 1 || w[3] != 7 {
		t.Fatalf("one-hot weights %v", w)
	}
}
