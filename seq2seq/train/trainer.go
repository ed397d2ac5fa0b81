package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/seq2seq"
)

// batchModel is what the training loop calls on the model: *seq2seq.Model
// implements it, and tests substitute fakes that train the same
// parameters.
type batchModel interface {
	// TrainBatch runs the forward and backward pass on one batch of id
	// sequences without special tokens (src[i] pairs with tgt[i]), ADDS
	// the gradient of the mean training loss per target token to the
	// parameters' Grad and returns the summed loss, the summed negative
	// log-likelihood and the number of target tokens scored. rng drives
	// dropout.
	TrainBatch(ctx context.Context, src, tgt [][]int, rng *rand.Rand) (seq2seq.BatchLoss, error)
	// EvalBatch is TrainBatch without dropout and without gradients.
	EvalBatch(ctx context.Context, src, tgt [][]int) (seq2seq.BatchLoss, error)
}

// Hooks are the optional parts of validation. BLEU is computed only when
// Translate, Detokenize and BLEU are all set.
type Hooks struct {
	// Translate translates source id sequences (without special tokens)
	// to target id sequences, for example by greedy search.
	Translate func(ctx context.Context, src [][]int) ([][]int, error)
	// Detokenize turns target ids back into text.
	Detokenize func(ids []int) string
	// BLEU scores hypotheses against references (one reference each), on
	// a 0-100 scale.
	BLEU func(hyps, refs []string) (float64, error)
}

func (h Hooks) bleu() bool { return h.Translate != nil && h.Detokenize != nil && h.BLEU != nil }

// Result is the outcome of Trainer.Run.
type Result struct {
	State      State
	Stop       string // why training stopped: max_epochs, max_steps, max_time, early_stopping or interrupted
	Checkpoint string // the last checkpoint written
	Best       string // the best checkpoint, "" if none was kept
}

// Trainer runs the training loop of one model. Set its exported fields
// before Run.
type Trainer struct {
	// Log receives progress and validation lines; nil means slog.Default().
	Log *slog.Logger
	// Progress, if not nil, gets a progress bar (it should be a terminal);
	// when nil, progress goes to Log every Schedule.LogEvery.
	Progress io.Writer
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time

	cfg     Config
	net     *seq2seq.Model // trained and saved in checkpoints
	model   batchModel     // computes losses and gradients of net's parameters
	params  []*seq2seq.Param
	opt     *Adam
	data    *Data
	hooks   Hooks
	batcher *corpus.Batcher
	// batchOptions are the batcher's, for the plans of weighted corpora;
	// epochPlan is the plan of epoch planEpoch (see plan).
	batchOptions corpus.BatchOptions
	epochPlan    [][]int
	planEpoch    int
	validSets    []validSet // one per corpus
	pcg          *rand.PCG
	rng          *rand.Rand
	st           State
}

// New returns a trainer of m on d with the configuration c, starting from
// step 0 with m's current parameters. The model configuration c.Model is
// replaced by m's.
func New(c Config, m *seq2seq.Model, d *Data, h Hooks) (*Trainer, error) {
	c.Model = m.Config()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(d.Train) == 0 || len(d.Valid) == 0 {
		return nil, fmt.Errorf("need training and validation examples, have %d and %d", len(d.Train), len(d.Valid))
	}
	if len(d.ValidRefs) != len(d.Valid) && h.bleu() {
		return nil, fmt.Errorf("have %d validation references for %d validation examples", len(d.ValidRefs), len(d.Valid))
	}
	params := m.Params()
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if seen[p.Name] {
			return nil, fmt.Errorf("model has two parameters named %q", p.Name)
		}
		seen[p.Name] = true
	}
	s := c.Schedule
	opts := corpus.BatchOptions{
		MaxTokens: s.BatchTokens, MaxSentences: s.MaxSentences, Seed: s.Seed,
		Pad: seq2seq.PadID, BOS: seq2seq.BOSID, EOS: seq2seq.EOSID, SrcEOS: true, TgtEOS: true,
	}
	b, err := corpus.NewBatcher(d.Train, opts)
	if err != nil {
		return nil, err
	}
	t := &Trainer{cfg: c, net: m, model: m, params: params, opt: NewAdam(params, c.Optimizer), data: d, hooks: h,
		batcher: b, batchOptions: opts}
	if t.validSets, err = newValidSets(d, opts, h.bleu(), c.Data.BLEUSentences); err != nil {
		return nil, err
	}
	// The dropout stream is seeded apart from the data order and the
	// initialisation.
	t.pcg = rand.NewPCG(s.Seed, 0x64726f706f7574) // "dropout"
	t.rng = rand.New(t.pcg)
	t.st = State{LR: c.Optimizer.LR, Metric: "ppl"}
	if h.bleu() {
		t.st.Metric = "bleu"
	}
	return t, nil
}

// State returns where the run stands.
func (t *Trainer) State() State { return t.st }

// Restore continues from a checkpoint: it loads the parameters, the
// optimizer moments and the trainer state.
func (t *Trainer) Restore(ck *Checkpoint) error {
	if err := ck.Apply(t.params, t.opt); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := t.pcg.UnmarshalBinary(ck.State.RNG); err != nil {
		return fmt.Errorf("restore: dropout generator state: %w", err)
	}
	t.st = ck.State
	t.st.RNG = nil
	t.opt.LR = t.st.LR
	return nil
}

func (t *Trainer) log() *slog.Logger {
	if t.Log != nil {
		return t.Log
	}
	return slog.Default()
}

func (t *Trainer) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Run trains until a stopping condition of the schedule holds, then
// validates if the last step was not validated, writes a final checkpoint
// and returns. When ctx is cancelled it writes a checkpoint of the last
// completed step and returns an error wrapping ctx.Err().
func (t *Trainer) Run(ctx context.Context) (Result, error) {
	s, k := t.cfg.Schedule, t.cfg.Checkpoint
	if err := os.MkdirAll(k.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("create checkpoint directory: %w", err)
	}
	t.removeStaleCheckpoints()
	start := t.now()
	lastSave := start
	res := Result{}
	rep := newReporter(t.Progress, t.log(), s.LogEvery, t.now)
	defer rep.close()
	t.log().Info("training", "examples", len(t.data.Train), "valid", len(t.data.Valid), "params", numParams(t.params),
		"step", t.st.Step, "epoch", t.st.Epoch+1, "metric", t.st.Metric)

	// fail ends the run on err, as an interruption if ctx was cancelled.
	fail := func(err error) (Result, error) {
		if ctx.Err() != nil {
			return t.interrupted(ctx, rep)
		}
		return res, err
	}
	stop := ""
	for stop == "" {
		plan, err := t.plan(t.st.Epoch)
		if err != nil {
			return fail(err)
		}
		if t.st.Batch < len(plan) { // else resumed at the end of an epoch
			if s.MaxEpochs > 0 && t.st.Epoch >= s.MaxEpochs {
				stop = "max_epochs"
				break
			}
			rep.epoch(t.st.Epoch, len(plan), t.st.Batch)
			for t.st.Batch < len(plan) {
				switch {
				case ctx.Err() != nil:
					return t.interrupted(ctx, rep)
				case s.MaxSteps > 0 && t.st.Step >= s.MaxSteps:
					stop = "max_steps"
				case s.MaxTime > 0 && t.now().Sub(start) >= s.MaxTime:
					stop = "max_time"
				}
				if stop != "" {
					break
				}
				loss, err := t.step(ctx, plan[t.st.Batch])
				if err != nil {
					return fail(err)
				}
				rep.step(t.st, loss, t.opt.LR)
				if s.ValidEvery > 0 && t.st.Step%s.ValidEvery == 0 {
					early, err := t.validate(ctx, rep, true)
					if err != nil {
						return fail(err)
					}
					if early {
						stop = "early_stopping"
					}
				}
				if k.EverySteps > 0 && t.st.Step%k.EverySteps == 0 || k.Every > 0 && t.now().Sub(lastSave) >= k.Every {
					if res.Checkpoint, err = t.save(); err != nil {
						return res, err
					}
					lastSave = t.now()
				}
				if stop != "" {
					break
				}
			}
			if stop != "" {
				break
			}
		}
		early, err := t.endEpoch(ctx, rep)
		if err != nil {
			return fail(err)
		}
		if early {
			stop = "early_stopping"
		}
	}
	rep.close()
	if t.st.LastValid != t.st.Step && t.st.Step > 0 {
		// A last validation reports the final model and may make it the
		// best, but changes no schedule counter.
		if _, err := t.validate(ctx, rep, false); err != nil {
			return fail(err)
		}
	}
	var err error
	if res.Checkpoint, err = t.save(); err != nil {
		return res, err
	}
	res.State, res.Stop = t.st, stop
	if k.KeepBest && t.st.BestFileStep > 0 {
		res.Best = filepath.Join(k.Dir, BestName)
	}
	bestStep, best := t.st.BestValue()
	t.log().Info("training stopped", "reason", stop, "step", t.st.Step, "epoch", t.st.Epoch+1,
		"best_step", bestStep, "best_"+t.st.Metric, round(best), "checkpoint", res.Checkpoint)
	return res, nil
}

// BestValue returns the step and the score on its metric's scale (BLEU,
// or the perplexity when the metric is "ppl") of the best validation of
// the run so far, the one saved as best.safetensors. The step is 0 before
// the first validation.
func (s State) BestValue() (step int, value float64) {
	if s.BestFileStep == 0 {
		return 0, 0
	}
	return s.BestFileStep, scoreValue(s.Metric, s.BestFileScore)
}

// scoreValue turns a score back into its metric's scale.
func scoreValue(metric string, score float64) float64 {
	if metric == "ppl" {
		return -score
	}
	return score
}

// endEpoch moves to the next epoch, validating first when ValidEvery is 0,
// and reports whether early stopping is due.
func (t *Trainer) endEpoch(ctx context.Context, rep reporter) (bool, error) {
	early := false
	if t.cfg.Schedule.ValidEvery == 0 && t.st.LastValid != t.st.Step && t.st.Step > 0 {
		var err error
		if early, err = t.validate(ctx, rep, true); err != nil {
			return false, err
		}
	}
	t.st.Epoch++
	t.st.Batch = 0
	return early, nil
}

// interrupted saves a checkpoint after a cancellation.
func (t *Trainer) interrupted(ctx context.Context, rep reporter) (Result, error) {
	rep.close()
	path, err := t.save()
	res := Result{State: t.st, Stop: "interrupted", Checkpoint: path}
	if err != nil {
		return res, errors.Join(ctx.Err(), err)
	}
	t.log().Info("interrupted: checkpoint saved", "step", t.st.Step, "checkpoint", path)
	return res, fmt.Errorf("training interrupted at step %d (checkpoint %s): %w", t.st.Step, path, ctx.Err())
}

// step trains on the batch at positions pos of the training examples.
// On error the state is as before the call.
func (t *Trainer) step(ctx context.Context, pos []int) (seq2seq.BatchLoss, error) {
	src, tgt := rows(t.data.Train, pos)
	rngState, _ := t.pcg.MarshalBinary()
	seq2seq.ZeroGrads(t.params)
	loss, err := t.model.TrainBatch(ctx, src, tgt, t.rng)
	if err != nil {
		t.pcg.UnmarshalBinary(rngState)
		return loss, fmt.Errorf("step %d: %w", t.st.Step+1, err)
	}
	norm, clip := ClipFactor(t.params, 1, t.cfg.Optimizer.ClipNorm)
	if math.IsNaN(norm) || math.IsInf(norm, 0) || math.IsNaN(loss.Loss) {
		t.log().Warn("skipping update with a non-finite gradient", "step", t.st.Step+1, "loss", loss.Loss, "grad_norm", norm)
	} else {
		t.opt.LR = t.st.LR
		if err := t.opt.StepScaled(t.params, clip); err != nil {
			return loss, err
		}
	}
	t.st.Step++
	t.st.Batch++
	t.st.TargetTokens += int64(loss.Tokens)
	return loss, nil
}

// rows returns the source and target sequences of the examples at pos.
func rows(ex []corpus.Example, pos []int) (src, tgt [][]int) {
	src, tgt = make([][]int, len(pos)), make([][]int, len(pos))
	for i, p := range pos {
		src[i], tgt[i] = ex[p].Src, ex[p].Tgt
	}
	return src, tgt
}

// save writes a step checkpoint and prunes old ones.
func (t *Trainer) save() (string, error) {
	k := t.cfg.Checkpoint
	path, err := t.saveAs(filepath.Join(k.Dir, checkpointName(t.st.Step)))
	if err != nil {
		return "", err
	}
	if err := pruneCheckpoints(k.Dir, k.KeepLast); err != nil {
		t.log().Warn("could not remove old checkpoints", "err", err)
	}
	return path, nil
}

func (t *Trainer) saveAs(path string) (string, error) {
	st := t.st
	st.RNG, _ = t.pcg.MarshalBinary()
	st.AdamSteps = t.opt.Steps
	ck := &Checkpoint{Model: t.net, Train: t.cfg, State: st, AdamM: t.opt.M, AdamV: t.opt.V}
	if t.data.SrcTokenizer != nil {
		ck.SrcTokenizer = t.data.SrcTokenizer.JSON()
	}
	if t.data.TgtTokenizer != nil {
		ck.TgtTokenizer = t.data.TgtTokenizer.JSON()
	}
	if err := SaveCheckpoint(path, ck); err != nil {
		return "", err
	}
	return path, nil
}

func numParams(ps []*seq2seq.Param) int {
	n := 0
	for _, p := range ps {
		n += len(p.Value)
	}
	return n
}
