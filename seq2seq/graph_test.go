package seq2seq

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gorgonia.org/gorgonia"
)

// graphTestConfigs are the tiny architectures of TestGradients, plus
// dropout, which both paths must draw identically.
func graphTestConfigs() []struct {
	name string
	cfg  Config
} {
	edits := append(slices.Clone(configVariants), configVariant{"dropout", func(c *Config) {
		c.Dropout = 0.3
		c.InputFeeding = true
		c.EncoderLayers = 2
	}}, configVariant{"dropout, residual decoder layers", func(c *Config) {
		c.Dropout = 0.3
		c.DecoderLayers, c.DecoderResidual = 3, true
	}}, configVariant{"word dropout", func(c *Config) {
		c.Dropout, c.WordDropout = 0.2, 0.3
		c.InputFeeding = true
	}})
	edits = append(edits, kindVariants...)
	var out []struct {
		name string
		cfg  Config
	}
	for _, e := range edits {
		cfg := tinyConfig()
		e.edit(&cfg)
		out = append(out, struct {
			name string
			cfg  Config
		}{e.name, cfg})
	}
	return out
}

// randomize sets every weight uniformly in [-0.5, 0.5] and every gradient
// to a nonzero value, so that a path that overwrites instead of adding is
// caught.
func randomize(m *Model, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed))
	for _, p := range m.Params() {
		for i := range p.Value {
			p.Value[i] = (r.Float32()*2 - 1) * 0.5
			p.Grad[i] = float32(i%7) * 0.01
		}
	}
}

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / max(math.Abs(a), math.Abs(b), 1e-6)
}

// TestGraphMatchesDirect runs one step on two identical models, one
// through the gorgonia graph and one through the kernels directly, and
// compares the losses and every gradient.
func TestGraphMatchesDirect(t *testing.T) {
	ctx := context.Background()
	for _, tc := range graphTestConfigs() {
		t.Run(tc.name, func(t *testing.T) {
			viaGraph, err := New(tc.cfg, 3)
			if err != nil {
				t.Fatal(err)
			}
			direct, err := New(tc.cfg, 3)
			if err != nil {
				t.Fatal(err)
			}
			randomize(viaGraph, 5)
			randomize(direct, 5)
			bt, err := newBatch(tc.cfg, tinySrc, tinyTgt)
			if err != nil {
				t.Fatal(err)
			}
			gl, err := viaGraph.trainGraph(ctx, bt, rand.New(rand.NewPCG(7, 7)))
			if err != nil {
				t.Fatal(err)
			}
			dl := direct.trainDirect(bt, rand.New(rand.NewPCG(7, 7)))
			if gl.Tokens != dl.Tokens || relDiff(gl.Loss, dl.Loss) > 1e-6 || relDiff(gl.NLL, dl.NLL) > 1e-6 {
				t.Fatalf("graph loss %+v, direct loss %+v", gl, dl)
			}
			gp, dp := viaGraph.Params(), direct.Params()
			for i, p := range gp {
				worst, at := 0.0, 0
				for j, g := range p.Grad {
					if d := relDiff(float64(g), float64(dp[i].Grad[j])); d > worst {
						worst, at = d, j
					}
				}
				if worst > 1e-6 {
					t.Errorf("%s[%d]: graph gradient %g, direct %g", p.Name, at, p.Grad[at], dp[i].Grad[at])
				}
			}
		})
	}
}

// TestGraphSharesParams checks that the graph's parameter inputs and
// gradient nodes are views of the Params, not copies, and that the graph
// has one gradient node per input.
func TestGraphSharesParams(t *testing.T) {
	cfg := tinyConfig()
	cfg.TieEmbeddings, cfg.Output = true, cfg.Embed
	m, bt, tg := newTinyGraph(t, cfg)
	defer tg.Close()
	if _, err := tg.run(context.Background(), bt, nil); err != nil {
		t.Fatal(err)
	}
	if len(tg.grads) != len(tg.inputs) {
		t.Fatalf("%d gradient nodes for %d inputs", len(tg.grads), len(tg.inputs))
	}
	seen := map[*Param]int{}
	for i, in := range tg.inputs {
		p := tg.params[i]
		seen[p]++
		if x, err := float32s(in.Value()); err != nil || !sameArray(x, p.Value) {
			t.Errorf("input %v is not a view of %s.Value (err %v)", in, p.Name, err)
		}
		g, err := float32s(tg.grads[i].Value())
		if err != nil || !sameArray(g, p.Grad) {
			t.Errorf("gradient of %v is not a view of %s.Grad (err %v)", in, p.Name, err)
		}
	}
	for _, p := range m.Params() {
		if seen[p] == 0 {
			t.Errorf("parameter %s is not in the graph", p.Name)
		}
	}
	if seen[m.tgtEmb] != 2 {
		t.Errorf("tied target embedding feeds %d stages, want 2 (decoder and projection)", seen[m.tgtEmb])
	}
	if v, ok := tg.loss.Value().Data().(float32); !ok || v <= 0 {
		t.Errorf("loss node holds %v, want a positive float32", tg.loss.Value())
	}
}

// TestGraphReuse runs one graph on two batches of the same shape and
// checks each run against a fresh direct step.
func TestGraphReuse(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := New(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	batches := [][2][][]int{
		{tinySrc, tinyTgt},
		{{{5, 6, 7, 8}, {9}, {10, 11}}, {{4}, {5, 6, 7, 8}, {9, 10}}},
	}
	bt0, err := newBatch(cfg, batches[0][0], batches[0][1])
	if err != nil {
		t.Fatal(err)
	}
	tg, err := newTrainGraph(m, bt0.B, bt0.S, bt0.T)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	for i, b := range batches {
		bt, err := newBatch(cfg, b[0], b[1])
		if err != nil {
			t.Fatal(err)
		}
		ZeroGrads(m.Params())
		ZeroGrads(ref.Params())
		gl, err := tg.run(context.Background(), bt, nil)
		if err != nil {
			t.Fatal(err)
		}
		dl := ref.trainDirect(bt, nil)
		if relDiff(gl.Loss, dl.Loss) > 1e-6 {
			t.Errorf("batch %d: graph loss %v, direct %v", i, gl.Loss, dl.Loss)
		}
		for j, p := range m.Params() {
			for k := range p.Grad {
				if relDiff(float64(p.Grad[k]), float64(ref.Params()[j].Grad[k])) > 1e-6 {
					t.Fatalf("batch %d: %s[%d] = %g, direct %g", i, p.Name, k, p.Grad[k], ref.Params()[j].Grad[k])
				}
			}
		}
	}
}

func TestGraphErrors(t *testing.T) {
	cfg := tinyConfig()
	_, bt, tg := newTinyGraph(t, cfg)
	defer tg.Close()

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := tg.run(ctx, bt, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("shape", func(t *testing.T) {
		other, err := newBatch(cfg, tinySrc[:2], tinyTgt[:2])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tg.run(context.Background(), other, nil); err == nil {
			t.Fatal("no error for a batch of another shape")
		}
	})
	t.Run("rebound parameter", func(t *testing.T) {
		// A parameter input that is not a view of the model's values
		// must be refused, not silently ignored.
		in := tg.inputs[0]
		saved := in.Value()
		copied := make([]float32, len(tg.params[0].Value))
		if err := gorgonia.Let(in, dense(copied, tg.params[0].Shape...)); err != nil {
			t.Fatal(err)
		}
		defer gorgonia.Let(in, saved)
		if _, err := tg.run(context.Background(), bt, nil); err == nil {
			t.Fatal("no error for a parameter input that is a copy")
		}
	})
	t.Run("still usable", func(t *testing.T) {
		if _, err := tg.run(context.Background(), bt, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkTrainGraphReference times the training step on the reference
// model through the gorgonia graph (built anew each step, as TrainBatch
// does).
func BenchmarkTrainGraphReference(b *testing.B) {
	ctx := context.Background()
	benchReference(b, func(m *Model, bt *batch) (BatchLoss, error) { return m.trainGraph(ctx, bt, nil) })
}

// BenchmarkTrainDirectReference times the same step calling the kernels
// directly.
func BenchmarkTrainDirectReference(b *testing.B) {
	benchReference(b, func(m *Model, bt *batch) (BatchLoss, error) { return m.trainDirect(bt, nil), nil })
}

// BenchmarkGraphOverhead alternates direct and graph steps so that both
// see the same machine load, and reports the graph path's extra time per
// step, in percent and in microseconds, both wall-clock and processor
// time (the latter is steadier on a loaded machine). On the tiny model the kernels
// take next to nothing, so its extra time is the graph machinery's own
// cost (building, differentiating, compiling and running the graph).
func BenchmarkGraphOverhead(b *testing.B) {
	tiny := func(b *testing.B) (*Model, *batch) {
		m, err := New(tinyConfig(), 1)
		if err != nil {
			b.Fatal(err)
		}
		bt, err := newBatch(m.cfg, tinySrc, tinyTgt)
		if err != nil {
			b.Fatal(err)
		}
		return m, bt
	}
	for _, bc := range []struct {
		name  string
		setup func(*testing.B) (*Model, *batch)
	}{{"reference", referenceModelBatch}, {"tiny", tiny}} {
		b.Run(bc.name, func(b *testing.B) {
			m, bt := bc.setup(b)
			ctx := context.Background()
			var direct, graph, directCPU, graphCPU time.Duration
			runDirect := func() {
				start, startCPU := time.Now(), cpuTime()
				m.trainDirect(bt, nil)
				direct += time.Since(start)
				directCPU += cpuTime() - startCPU
			}
			runGraph := func() {
				start, startCPU := time.Now(), cpuTime()
				if _, err := m.trainGraph(ctx, bt, nil); err != nil {
					b.Fatal(err)
				}
				graph += time.Since(start)
				graphCPU += cpuTime() - startCPU
			}
			for i := 0; b.Loop(); i++ {
				ZeroGrads(m.Params())
				if i%2 == 0 {
					runDirect()
					runGraph()
				} else {
					runGraph()
					runDirect()
				}
			}
			n := float64(b.N)
			b.ReportMetric(direct.Seconds()*1e3/n, "direct-ms/step")
			b.ReportMetric(graph.Seconds()*1e3/n, "graph-ms/step")
			b.ReportMetric((graph-direct).Seconds()*1e6/n, "extra-µs/step")
			b.ReportMetric(100*(graph-direct).Seconds()/direct.Seconds(), "overhead-%")
			if directCPU > 0 {
				b.ReportMetric(directCPU.Seconds()*1e3/n, "direct-cpu-ms/step")
				b.ReportMetric(graphCPU.Seconds()*1e3/n, "graph-cpu-ms/step")
				b.ReportMetric(100*(graphCPU-directCPU).Seconds()/directCPU.Seconds(), "cpu-overhead-%")
			}
		})
	}
}

// BenchmarkBuildTrainGraph times building, differentiating and compiling
// the graph of a reference batch shape.
func BenchmarkBuildTrainGraph(b *testing.B) {
	m, err := New(referenceConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tg, err := newTrainGraph(m, 64, 15, 15)
		if err != nil {
			b.Fatal(err)
		}
		tg.Close()
	}
}

func referenceModelBatch(b *testing.B) (*Model, *batch) {
	m, err := New(referenceConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	src, tgt := referenceBatch(1)
	bt, err := newBatch(m.cfg, src, tgt)
	if err != nil {
		b.Fatal(err)
	}
	return m, bt
}

func benchReference(b *testing.B, step func(m *Model, bt *batch) (BatchLoss, error)) {
	m, bt := referenceModelBatch(b)
	b.ReportAllocs()
	tokens := 0
	for b.Loop() {
		ZeroGrads(m.Params())
		l, err := step(m, bt)
		if err != nil {
			b.Fatal(err)
		}
		tokens += l.Tokens
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tok/s")
}

// newTinyGraph returns a model of cfg, the batch of tinySrc and tinyTgt,
// and the training graph for that batch's shape.
func newTinyGraph(t *testing.T, cfg Config) (*Model, *batch, *trainGraph) {
	t.Helper()
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := newBatch(cfg, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := newTrainGraph(m, bt.B, bt.S, bt.T)
	if err != nil {
		t.Fatal(err)
	}
	return m, bt, tg
}
