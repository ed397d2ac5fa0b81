package seq2seq

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// forcedNLL scores tgt given src with the incremental decoder, feeding the
// reference tokens, and returns the summed negative log-likelihood.
func forcedNLL(t *testing.T, d *Decoder, src, tgt [][]int) float64 {
	t.Helper()
	st, err := d.Begin(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	V, S := d.VocabSize(), st.SrcLen()
	steps := 0
	for _, s := range tgt {
		steps = max(steps, len(s)+1)
	}
	prev := make([]int, len(src))
	for i := range prev {
		prev[i] = BOSID
	}
	logp := make([]float32, len(src)*V)
	attn := make([]float32, len(src)*S)
	var nll float64
	for k := range steps {
		if err := d.Step(st, prev, logp, attn); err != nil {
			t.Fatal(err)
		}
		for r, s := range tgt {
			var y int
			switch {
			case k < len(s):
				y = s[k]
			case k == len(s):
				y = EOSID
			default:
				prev[r] = EOSID
				continue
			}
			nll -= float64(logp[r*V+y])
			prev[r] = y
			var sum float64
			for p := range S {
				w := attn[r*S+p]
				if p >= len(src[r])+1 && w != 0 {
					t.Fatalf("step %d row %d: weight %v on padding", k, r, w)
				}
				sum += float64(w)
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("step %d row %d: attention sums to %v", k, r, sum)
			}
		}
	}
	return nll
}

// sharpModel returns a model of cfg without label smoothing whose
// initial weights are scaled up for sharper distributions.
func sharpModel(t *testing.T, cfg Config, seed uint64) *Model {
	t.Helper()
	cfg.LabelSmoothing = 0
	m, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		for i := range p.Value {
			p.Value[i] *= 5
		}
	}
	return m
}

// TestDecoderAgreesWithTraining checks that the inference path scores the
// reference translations exactly as the training computation does.
func TestDecoderAgreesWithTraining(t *testing.T) {
	for _, v := range configVariants {
		cfg := tinyConfig()
		v.edit(&cfg)
		m := sharpModel(t, cfg, 5)
		want, err := m.EvalBatch(context.Background(), tinySrc, tinyTgt)
		if err != nil {
			t.Fatal(err)
		}
		got := forcedNLL(t, m.NewDecoder(), tinySrc, tinyTgt)
		if math.Abs(got-want.NLL) > 1e-4*math.Max(1, want.NLL) {
			t.Errorf("%s: decoder NLL %v, training NLL %v", v.name, got, want.NLL)
		}
	}
}

// TestInt8Decoder checks that the int8 decoder scores the references
// nearly as the float32 one does, on every architecture variant, and
// refuses weights it cannot quantize.
func TestInt8Decoder(t *testing.T) {
	for _, v := range configVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := tinyConfig()
			v.edit(&cfg)
			m := sharpModel(t, cfg, 6)
			q, err := m.NewInt8Decoder()
			if err != nil {
				t.Fatal(err)
			}
			want := forcedNLL(t, m.NewDecoder(), tinySrc, tinyTgt)
			got := forcedNLL(t, q, tinySrc, tinyTgt)
			if math.Abs(got-want) > 0.03*want {
				t.Errorf("int8 decoder NLL %v, float32 %v", got, want)
			}
			if got == want {
				t.Errorf("int8 decoder NLL %v equals float32's exactly: is it quantizing?", got)
			}
		})
	}
	m, err := New(tinyConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	m.projW.Value[0] = float32(math.Inf(1))
	if _, err := m.NewInt8Decoder(); err == nil {
		t.Error("NewInt8Decoder accepted an infinite weight")
	}
}

// TestSelect checks that reordering and repeating rows carries each row's
// state along: a selected row's next step equals the original row's.
func TestSelect(t *testing.T) {
	for _, layers := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d decoder layers", layers), func(t *testing.T) { testSelect(t, layers) })
	}
}

func testSelect(t *testing.T, layers int) {
	cfg := tinyConfig()
	cfg.InputFeeding = true
	cfg.DecoderLayers = layers
	m, err := New(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	d := m.NewDecoder()
	ctx := context.Background()
	V := d.VocabSize()
	run := func(rows []int) (*DecoderState, []float32) {
		st, err := d.Begin(ctx, tinySrc)
		if err != nil {
			t.Fatal(err)
		}
		logp := make([]float32, 3*V)
		attn := make([]float32, 3*st.SrcLen())
		if err := d.Step(st, []int{BOSID, BOSID, BOSID}, logp, attn); err != nil {
			t.Fatal(err)
		}
		st = st.Select(rows)
		prev := make([]int, len(rows))
		for i := range prev {
			prev[i] = 5
		}
		logp = make([]float32, len(rows)*V)
		attn = make([]float32, len(rows)*st.SrcLen())
		if err := d.Step(st, prev, logp, attn); err != nil {
			t.Fatal(err)
		}
		return st, logp
	}
	_, base := run([]int{0, 1, 2})
	_, sel := run([]int{2, 0, 0, 1})
	for i, r := range []int{2, 0, 0, 1} {
		for j := range V {
			if sel[i*V+j] != base[r*V+j] {
				t.Fatalf("selected row %d (from %d) differs at token %d: %v vs %v", i, r, j, sel[i*V+j], base[r*V+j])
			}
		}
	}
}

func TestForceMatchesTraining(t *testing.T) {
	cfg := tinyConfig()
	cfg.LabelSmoothing = 0
	m, err := New(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want, err := m.EvalBatch(ctx, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.NewDecoder().Force(ctx, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for i, f := range got {
		sum -= f.LogProb
		if len(f.Attn) != len(tinyTgt[i])+1 || len(f.TokenLogProbs) != len(tinyTgt[i])+1 {
			t.Fatalf("pair %d: %d attention rows and %d log-probs, want %d", i, len(f.Attn), len(f.TokenLogProbs), len(tinyTgt[i])+1)
		}
		for _, row := range f.Attn {
			if len(row) != len(tinySrc[i])+1 {
				t.Fatalf("pair %d: attention row of %d, want %d", i, len(row), len(tinySrc[i])+1)
			}
		}
	}
	if math.Abs(sum-want.NLL) > 1e-4 {
		t.Errorf("forced NLL %v, training NLL %v", sum, want.NLL)
	}
}

// TestDecoderLargeBatch checks the decoder on a batch large enough for its
// matrix products and element-wise kernels to be split across cores.
func TestDecoderLargeBatch(t *testing.T) {
	cfg := tinyConfig()
	cfg.LabelSmoothing = 0
	cfg.InputFeeding = true
	m, err := New(cfg, 6)
	if err != nil {
		t.Fatal(err)
	}
	var src, tgt [][]int
	for i := range 133 {
		src = append(src, tinySrc[i%len(tinySrc)])
		tgt = append(tgt, tinyTgt[i%len(tinyTgt)])
	}
	want, err := m.EvalBatch(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	got := forcedNLL(t, m.NewDecoder(), src, tgt)
	if math.Abs(got-want.NLL) > 1e-4*math.Max(1, want.NLL) {
		t.Errorf("decoder NLL %v, training NLL %v", got, want.NLL)
	}
}
