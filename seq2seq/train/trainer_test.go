package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq"
)

const vocab = 12

func testConfig(dir string) Config {
	c := DefaultConfig()
	c.Data = DataConfig{TrainSrc: "train.src", TrainTgt: "train.tgt", ValidSrc: "valid.src", ValidTgt: "valid.tgt"}
	c.Model.SrcVocab, c.Model.TgtVocab = vocab, vocab
	c.Optimizer.LR = 0.05
	c.Schedule = ScheduleConfig{BatchTokens: 24, MaxSteps: 40, ValidEvery: 10, LRPatience: 2, LRDecay: 0.5, MinLR: 1e-4, Seed: 7, LogEvery: time.Hour}
	c.Checkpoint = CheckpointConfig{Dir: dir, KeepLast: 2, KeepBest: true}
	return c
}

func testData() *Data {
	d := &Data{Train: synthetic(64, vocab, 1), Valid: synthetic(16, vocab, 2)}
	for _, e := range d.Valid {
		d.ValidRefs = append(d.ValidRefs, fmt.Sprint(e.Tgt))
	}
	return d
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newTrainer returns a trainer of m, a *bigram or a *seq2seq.Model, on
// testData.
func newTrainer(t *testing.T, c Config, m any, h Hooks) *Trainer {
	t.Helper()
	return newTrainerData(t, c, m, testData(), h)
}

func newTrainerData(t *testing.T, c Config, m any, d *Data, h Hooks) *Trainer {
	t.Helper()
	var tr *Trainer
	var err error
	switch m := m.(type) {
	case *bigram:
		if tr, err = New(c, m.net, d, h); err == nil {
			tr.model = m
		}
	case *seq2seq.Model:
		tr, err = New(c, m, d, h)
	default:
		t.Fatalf("newTrainer of a %T", m)
	}
	if err != nil {
		t.Fatal(err)
	}
	tr.Log = quietLog()
	return tr
}

func TestRunLearns(t *testing.T) {
	dir := t.TempDir()
	m := newBigram(vocab, 1)
	tr := newTrainer(t, testConfig(dir), m, Hooks{})
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop != "max_steps" || res.State.Step != 40 || m.trainCalls != 40 {
		t.Errorf("stop %q at step %d after %d calls, want max_steps at 40", res.Stop, res.State.Step, m.trainCalls)
	}
	// The uniform model has perplexity 12; the pattern is learnable.
	if v := res.State.Last; v == nil || v.Perplexity > 6 || v.Step != 40 {
		t.Errorf("last validation %+v, want perplexity well below 12 at step 40", v)
	}
	if res.State.TargetTokens <= 0 {
		t.Errorf("target tokens = %d", res.State.TargetTokens)
	}
	files := dirFiles(t, dir)
	want := []string{BestName, checkpointName(40)}
	if !slices.Equal(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	if res.Checkpoint != filepath.Join(dir, checkpointName(40)) || res.Best != filepath.Join(dir, BestName) {
		t.Errorf("result paths %q %q", res.Checkpoint, res.Best)
	}
}

func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// sameModel fails unless a and b have bitwise equal parameters.
func sameModel(t *testing.T, a, b *bigram) {
	t.Helper()
	for i, p := range a.Params() {
		q := b.Params()[i]
		for j := range p.Value {
			if math.Float32bits(p.Value[j]) != math.Float32bits(q.Value[j]) {
				t.Fatalf("parameter %s[%d] = %g and %g", p.Name, j, p.Value[j], q.Value[j])
			}
		}
	}
}

// TestResume trains K steps straight, and K/2 steps then K/2 more from the
// checkpoint into a differently initialised model, and requires identical
// parameters, optimizer state and schedule state.
func TestResume(t *testing.T) {
	for _, tc := range []struct {
		name       string
		steps      int
		validEvery int
		script     []float64 // validation NLLs; cuts the LR when they rise
		interrupt  int       // cancel at this TrainBatch call of the first half instead of stopping at K/2
	}{
		{"plain", 40, 10, nil, 0},
		{"mid epoch with lr cuts", 30, 5, []float64{3, 2, 2.5, 2.6, 2.7, 1, 3, 3, 3}, 0},
		{"validate per epoch", 36, 0, nil, 0},
		{"interrupted", 40, 10, []float64{3, 4, 5, 6, 7}, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery = tc.steps, tc.validEvery
			straight := newBigram(vocab, 1)
			if tc.script != nil {
				straight.script = &evalScript{nll: tc.script}
			}
			tr := newTrainer(t, cfg, straight, Hooks{})
			want, err := tr.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			cfg.Checkpoint.Dir = dir
			first := newBigram(vocab, 1)
			var script *evalScript
			if tc.script != nil {
				script = &evalScript{nll: tc.script}
				first.script = script
			}
			half := cfg
			half.Schedule.MaxSteps = tc.steps / 2
			ctx := context.Background()
			if tc.interrupt > 0 {
				half.Schedule.MaxSteps = tc.steps
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				first.onTrain = func(call int) {
					if call == tc.interrupt {
						cancel()
					}
				}
			}
			res1, err := newTrainer(t, half, first, Hooks{}).Run(ctx)
			if tc.interrupt > 0 {
				if !errors.Is(err, context.Canceled) || res1.Stop != "interrupted" || res1.State.Step != tc.interrupt-1 {
					t.Fatalf("interrupted run: err %v, stop %q, step %d", err, res1.Stop, res1.State.Step)
				}
			} else if err != nil {
				t.Fatal(err)
			}

			second := newBigram(vocab, 99) // other weights: Restore must overwrite them
			second.script = script
			tr2 := newTrainer(t, cfg, second, Hooks{})
			ck, path, err := LatestCheckpoint(dir, quietLog())
			if err != nil {
				t.Fatal(err)
			}
			if path != res1.Checkpoint {
				t.Errorf("latest checkpoint %s, want %s", path, res1.Checkpoint)
			}
			if err := tr2.Restore(ck); err != nil {
				t.Fatal(err)
			}
			got, err := tr2.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sameModel(t, straight, second)
			for i := range tr.opt.M {
				if !slices.Equal(tr.opt.M[i], tr2.opt.M[i]) || !slices.Equal(tr.opt.V[i], tr2.opt.V[i]) {
					t.Fatalf("optimizer moments of parameter %d differ", i)
				}
			}
			if tr.opt.Steps != tr2.opt.Steps {
				t.Errorf("optimizer steps %d and %d", tr.opt.Steps, tr2.opt.Steps)
			}
			if fmt.Sprint(stateSummary(want.State)) != fmt.Sprint(stateSummary(got.State)) {
				t.Errorf("state\n got %+v\nwant %+v", stateSummary(got.State), stateSummary(want.State))
			}
			if tc.script != nil && tc.interrupt == 0 && want.State.LR == cfg.Optimizer.LR {
				t.Errorf("the script should have cut the learning rate")
			}
		})
	}
}

// stateSummary is the part of a State that must not depend on
// interruptions.
func stateSummary(s State) []any {
	return []any{s.Step, s.Epoch, s.Batch, s.LR, s.BestScore, s.BestStep, s.BadValidations, s.LRBad, s.TargetTokens}
}

func TestLRDecayAndEarlyStopping(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery, cfg.Schedule.LRPatience, cfg.Schedule.Patience = 1000, 5, 2, 4
	m := newBigram(vocab, 1)
	// Validations at steps 5, 10 improve; 15 and 20 do not (cut at 20);
	// 25 and 30 do not either (cut again at 30): patience runs out at 30.
	m.script = &evalScript{nll: []float64{3, 2, 2.1, 2.2, 2.05, 2.3, 1}}
	res, err := newTrainer(t, cfg, m, Hooks{}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := res.State
	if res.Stop != "early_stopping" || st.Step != 30 || st.BestStep != 10 || st.LR != cfg.Optimizer.LR/4 || st.BadValidations != 4 {
		t.Errorf("stop %q step %d best %d lr %g bad %d; want early_stopping, 30, 10, %g, 4", res.Stop, st.Step, st.BestStep, st.LR, st.BadValidations, cfg.Optimizer.LR/4)
	}
	if got, want := -st.BestScore, math.Exp(2); math.Abs(got-want) > 1e-9 {
		t.Errorf("best perplexity %g, want %g", got, want)
	}
	best, err := LoadCheckpoint(res.Best)
	if err != nil {
		t.Fatal(err)
	}
	if best.State.Step != 10 {
		t.Errorf("best checkpoint is of step %d, want 10", best.State.Step)
	}
}

func TestMinLR(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery, cfg.Schedule.LRPatience, cfg.Schedule.MinLR = 40, 2, 1, 0.01
	m := newBigram(vocab, 1)
	m.script = &evalScript{nll: []float64{1, 2}}
	res, err := newTrainer(t, cfg, m, Hooks{}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.State.LR != 0.01 {
		t.Errorf("lr = %g, want the floor 0.01", res.State.LR)
	}
}

func TestBLEUHooks(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps, cfg.Data.BLEUSentences = 20, 5
	d := testData()
	var calls [][]string
	scores := []float64{10, 20}
	h := Hooks{
		Translate: func(ctx context.Context, src [][]int) ([][]int, error) {
			out := make([][]int, len(src))
			for i := range src {
				// The fake translation is the reference itself when the
				// source matches a validation example.
				for _, e := range d.Valid {
					if slices.Equal(e.Src, src[i]) {
						out[i] = e.Tgt
					}
				}
			}
			return out, nil
		},
		Detokenize: func(ids []int) string { return fmt.Sprint(ids) },
		BLEU: func(hyps, refs []string) (float64, error) {
			calls = append(calls, hyps)
			if !slices.Equal(hyps, refs) {
				return 0, fmt.Errorf("hypotheses %v do not match references %v", hyps, refs)
			}
			return scores[min(len(calls)-1, len(scores)-1)], nil
		},
	}
	tr := newTrainerData(t, cfg, newBigram(vocab, 1), d, h)
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || len(calls[0]) != 5 {
		t.Fatalf("BLEU called %d times with %d sentences, want 2 and 5", len(calls), len(calls[0]))
	}
	if !slices.Equal(calls[0], d.ValidRefs[:5]) {
		t.Errorf("hypotheses not in file order: %v", calls[0])
	}
	st := res.State
	if st.Metric != "bleu" || st.BestScore != 20 || st.BestStep != 20 || st.Last.BLEU != 20 {
		t.Errorf("state %+v, want bleu 20 at step 20", st)
	}
}

func TestStopReasons(t *testing.T) {
	clock := time.Unix(0, 0)
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		now    func() time.Time
		stop   string
		check  func(State) bool
	}{
		{"epochs", func(c *Config) { c.Schedule.MaxSteps, c.Schedule.MaxEpochs, c.Schedule.ValidEvery = 0, 2, 0 }, nil, "max_epochs",
			func(s State) bool { return s.Epoch == 2 && s.Batch == 0 && s.LastValid == s.Step }},
		{"time", func(c *Config) { c.Schedule.MaxSteps, c.Schedule.MaxTime = 0, time.Minute }, func() time.Time {
			clock = clock.Add(time.Second)
			return clock
		}, "max_time", func(s State) bool { return s.Step > 5 && s.Step < 60 && s.LastValid == s.Step }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			tc.modify(&cfg)
			tr := newTrainer(t, cfg, newBigram(vocab, 1), Hooks{})
			tr.Now = tc.now
			res, err := tr.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if res.Stop != tc.stop || !tc.check(res.State) {
				t.Errorf("stop %q, state %+v", res.Stop, res.State)
			}
		})
	}
}

func TestCheckpointsKeptAndCorruptNewest(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.Checkpoint.EverySteps, cfg.Checkpoint.KeepLast, cfg.Schedule.MaxSteps = 5, 3, 30
	if _, err := newTrainer(t, cfg, newBigram(vocab, 1), Hooks{}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{BestName, checkpointName(20), checkpointName(25), checkpointName(30)}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	// kill -9 in the middle of a write leaves a truncated temporary file at
	// worst; a corrupt newest checkpoint is skipped with a warning.
	newest := filepath.Join(dir, checkpointName(30))
	data, _ := os.ReadFile(newest)
	os.WriteFile(newest, data[:len(data)/2], 0o644)
	var logs bytes.Buffer
	ck, path, err := LatestCheckpoint(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, checkpointName(25)) || ck.State.Step != 25 {
		t.Errorf("picked %s (step %d), want step 25", path, ck.State.Step)
	}
	if !strings.Contains(logs.String(), "skipping unreadable checkpoint") || !strings.Contains(logs.String(), checkpointName(30)) {
		t.Errorf("no warning about the corrupt file: %q", logs.String())
	}
	if _, _, err := LatestCheckpoint(t.TempDir(), nil); !errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("empty directory: %v, want ErrNoCheckpoint", err)
	}
}

func TestProgressReporting(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock }
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps, cfg.Schedule.LogEvery = 20, time.Second
	var logs bytes.Buffer
	tr := newTrainer(t, cfg, newBigram(vocab, 1), Hooks{})
	tr.Log, tr.Now = slog.New(slog.NewTextHandler(&logs, nil)), now
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, want := range []string{"msg=progress", "tok/s=", "loss=", "eta=", "msg=validation", "ppl=", "msg=\"training stopped\"", "reason=max_steps"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "msg=progress"); n < 2 || n > 4 {
		t.Errorf("%d progress lines for 20 steps of 0.1 s at one per second", n)
	}

	var bar bytes.Buffer
	tr = newTrainer(t, cfg, newBigram(vocab, 1), Hooks{})
	tr.Progress, tr.Now = &bar, now
	cfg.Checkpoint.Dir = t.TempDir()
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bar.String(), "epoch 1") {
		t.Errorf("progress bar output lacks the epoch: %q", bar.String())
	}
}

func TestNewErrors(t *testing.T) {
	cfg := testConfig(t.TempDir())
	dup := newBigram(vocab, 1)
	dup.b.Name = "src_embed"
	for _, tc := range []struct {
		name string
		cfg  Config
		m    *bigram
		d    *Data
		want string
	}{
		{"config", func() Config { c := cfg; c.Schedule.BatchTokens = 0; return c }(), newBigram(vocab, 1), testData(), "batch_tokens"},
		{"no data", cfg, newBigram(vocab, 1), &Data{}, "need training and validation examples"},
		{"duplicate names", cfg, dup, testData(), `two parameters named "src_embed"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.m.net, tc.d, Hooks{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestModelErrorStopsRun(t *testing.T) {
	m := newBigram(vocab, 1)
	m.err = errors.New("boom")
	_, err := newTrainer(t, testConfig(t.TempDir()), m, Hooks{}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "step 1: boom") {
		t.Errorf("Run error = %v, want the model's error with the step", err)
	}
}
