package seq2seq

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/attnmt/nmt/attention/gradcheck"
)

func tinyConfig() Config {
	return Config{
		SrcVocab: 13, TgtVocab: 11,
		Embed: 4, EncoderHidden: 3, EncoderLayers: 1, DecoderHidden: 6,
		Attention: AttentionAdditive, AttentionDim: 4, Output: 5,
		LabelSmoothing: 0.1,
	}
}

var tinySrc = [][]int{{4, 5, 6, 7}, {8, 1}, {12}}
var tinyTgt = [][]int{{4, 5}, {6, 7, 8, 9}, {10}}

// configVariant is an architecture the layer tests run on.
type configVariant struct {
	name string
	edit func(*Config)
}

// configVariants cover every option that changes the computation.
var configVariants = []configVariant{
	{"additive", func(*Config) {}},
	{"dot", func(c *Config) { c.Attention = AttentionDot }},
	{"general", func(c *Config) { c.Attention = AttentionGeneral }},
	{"input feeding", func(c *Config) { c.InputFeeding = true }},
	{"two layers", func(c *Config) { c.EncoderLayers = 2 }},
	{"tied and shared", func(c *Config) {
		c.TgtVocab = c.SrcVocab
		c.ShareEmbeddings, c.TieEmbeddings = true, true
		c.Output = c.Embed
		c.InputFeeding = true
	}},
	{"tied only", func(c *Config) {
		c.TieEmbeddings = true
		c.Output = c.Embed
	}},
	{"no smoothing", func(c *Config) { c.LabelSmoothing = 0 }},
	{"two decoder layers", func(c *Config) { c.DecoderLayers = 2 }},
	{"three decoder layers, residual, input feeding", func(c *Config) {
		c.DecoderLayers, c.DecoderResidual, c.InputFeeding = 3, true, true
	}},
}

func TestGradients(t *testing.T) {
	for _, tc := range configVariants {
		t.Run(tc.name, func(t *testing.T) {
			checkModelGradients(t, tc.edit, modelCheckOptions)
		})
	}
}

// modelCheckOptions are the whole-model gradient check's: a step large
// enough to rise above the float32 loss's rounding (the check's
// fourth-order differences keep the truncation small), 40 elements of
// each weight.
var modelCheckOptions = gradcheck.Options{Eps: 5e-2, MaxPerInput: 40}

// checkModelGradients checks every parameter gradient of a tiny model of
// the edited configuration against finite differences of the evaluation
// loss.
func checkModelGradients(t *testing.T, edit func(*Config), opt gradcheck.Options) {
	t.Helper()
	if err := modelGradientError(t, edit, opt); err != nil {
		t.Fatal(err)
	}
}

// modelGradientError is checkModelGradients' check: the weights are drawn
// from [-0.5, 0.5], and the attention's from [-2, 2] so that attention
// matters to the loss and its gradients are large enough for finite
// differences in float32 to measure (with the initial weights they are
// about 1e-5, at the rounding noise).
func modelGradientError(t *testing.T, edit func(*Config), opt gradcheck.Options) error {
	t.Helper()
	ctx := context.Background()
	cfg := tinyConfig()
	edit(&cfg)
	m, err := New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, p := range m.Params() {
		scale := float32(0.5)
		if strings.HasPrefix(p.Name, "attention.") {
			scale = 2
		}
		for i := range p.Value {
			p.Value[i] = (r.Float32()*2 - 1) * scale
		}
	}
	ZeroGrads(m.Params())
	if _, err := m.TrainBatch(ctx, tinySrc, tinyTgt, nil); err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		l, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
		if err != nil {
			t.Fatal(err)
		}
		return l.Loss / float64(l.Tokens)
	}
	var inputs []gradcheck.Input
	for _, p := range m.Params() {
		inputs = append(inputs, gradcheck.Input{Name: p.Name, Value: p.Value, Grad: p.Grad})
	}
	return gradcheck.Check(loss, inputs, opt)
}

func TestTrainBatchMatchesEval(t *testing.T) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tr, err := m.TrainBatch(ctx, tinySrc, tinyTgt, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Tokens != 10 || ev.Tokens != 10 {
		t.Fatalf("tokens = %d and %d, want 10 (7 words + 3 </s>)", tr.Tokens, ev.Tokens)
	}
	if math.Abs(tr.Loss-ev.Loss) > 1e-5 || math.Abs(tr.NLL-ev.NLL) > 1e-5 {
		t.Fatalf("train loss %v/%v != eval loss %v/%v", tr.Loss, tr.NLL, ev.Loss, ev.NLL)
	}
	// An untrained model is close to uniform: NLL per token near log V.
	if per := ev.NLL / float64(ev.Tokens); math.Abs(per-math.Log(11)) > 0.3 {
		t.Fatalf("initial NLL per token %v, want about log 11 = %v", per, math.Log(11))
	}
}

func TestBatchErrors(t *testing.T) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name     string
		src, tgt [][]int
	}{
		{"empty", nil, nil},
		{"count mismatch", [][]int{{4}}, [][]int{{4}, {5}}},
		{"id too large", [][]int{{13}}, [][]int{{4}}},
		{"reserved id", [][]int{{4}}, [][]int{{EOSID}}},
	}
	for _, tc := range tests {
		if _, err := m.TrainBatch(ctx, tc.src, tc.tgt, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
