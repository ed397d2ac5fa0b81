package train

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/corpus/atomicfile"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Checkpoint format name and version, stored in the metadata keys
// "checkpoint_format" and "checkpoint_version".
const (
	CheckpointFormat  = "attnmt-checkpoint"
	CheckpointVersion = 1
)

// Metadata keys and tensor name prefixes of the training state, stored
// beside the model file's own (see seq2seq.File).
const (
	metaCkptFormat  = "checkpoint_format"
	metaCkptVersion = "checkpoint_version"
	metaTrainConfig = "train_config"
	metaState       = "trainer_state"
	prefixM         = "adam.m/"
	prefixV         = "adam.v/"
)

// BestName is the file name of the best checkpoint in the checkpoint
// directory.
const BestName = "best.safetensors"

// State is where a run stands: enough, with the parameters and the
// optimizer moments, to continue it exactly.
type State struct {
	Step      int `json:"step"`       // training steps taken
	AdamSteps int `json:"adam_steps"` // optimizer updates (steps with a non-finite gradient are skipped)
	Epoch     int `json:"epoch"`      // current epoch, from 0
	Batch     int `json:"batch"`      // next batch of the epoch's plan
	// RNG is the binary state of the PCG generator behind dropout.
	RNG []byte  `json:"rng"`
	LR  float64 `json:"lr"` // current learning rate
	// BestScore is the best validation score so far (higher is better:
	// BLEU, or minus the perplexity); BestStep is its step, 0 if none.
	BestScore float64 `json:"best_score"`
	BestStep  int     `json:"best_step"`
	// BadValidations counts validations since the best one; LRBad since
	// the best one or the last learning-rate cut.
	// BestFileScore and BestFileStep describe best.safetensors, which the
	// last validation of a run may also write.
	BestFileScore  float64 `json:"best_file_score"`
	BestFileStep   int     `json:"best_file_step"`
	BadValidations int     `json:"bad_validations"`
	LRBad          int     `json:"lr_bad"`
	LastValid      int     `json:"last_valid"`    // step of the last validation
	TargetTokens   int64   `json:"target_tokens"` // target tokens trained on
	// Metric names the score: "bleu" or "ppl".
	Metric string `json:"metric,omitempty"`
	// Last is the last validation.
	Last *Validation `json:"last_validation,omitempty"`
}

// Validation is the result of one validation. Its values are finite (see
// Trainer): a diverged model gets the largest float64 as its NLL and
// perplexity.
type Validation struct {
	Step       int     `json:"step"`
	NLL        float64 `json:"nll"`        // mean negative log-likelihood per target token
	Perplexity float64 `json:"perplexity"` // exp(NLL)
	BLEU       float64 `json:"bleu"`       // corpus BLEU, -1 when not computed
	Score      float64 `json:"score"`      // BLEU, or -Perplexity without BLEU
	// Sets are the validations of the corpora of a multi-corpus run; the
	// values above are their means weighted by valid_weight.
	Sets []SetValidation `json:"sets,omitempty"`
}

// Checkpoint is the content of a checkpoint file: a model file (see
// seq2seq.File) whose metadata also holds the training configuration and
// state, and whose extra tensors are the Adam moments.
type Checkpoint struct {
	// Model holds the architecture and the weights.
	Model *seq2seq.Model
	// SrcTokenizer and TgtTokenizer are tokenizer.json bytes; nil if none.
	SrcTokenizer, TgtTokenizer []byte
	Train                      Config
	State                      State
	// AdamM and AdamV are the optimizer moments of Model.Params(), in
	// order; both nil in a checkpoint without optimizer state.
	AdamM, AdamV [][]float32
}

// SaveCheckpoint writes ck to path atomically, through seq2seq.File.Save:
// the result is a model file that "nmt translate" reads.
func SaveCheckpoint(path string, ck *Checkpoint) error {
	params := ck.Model.Params()
	if ck.AdamM != nil && (len(ck.AdamM) != len(params) || len(ck.AdamV) != len(params)) {
		return fmt.Errorf("save checkpoint %s: %d and %d optimizer moments for %d parameters", path, len(ck.AdamM), len(ck.AdamV), len(params))
	}
	meta := map[string]string{
		metaCkptFormat:  CheckpointFormat,
		metaCkptVersion: strconv.Itoa(CheckpointVersion),
	}
	for key, v := range map[string]any{metaTrainConfig: ck.Train, metaState: ck.State} {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("save checkpoint %s: %s: %w", path, key, err)
		}
		meta[key] = string(b)
	}
	var extra []safetensors.Tensor
	if ck.AdamM != nil {
		extra = make([]safetensors.Tensor, 0, 2*len(params))
		for i, p := range params {
			extra = append(extra,
				safetensors.Tensor{Name: prefixM + p.Name, Shape: p.Shape, Data: ck.AdamM[i]},
				safetensors.Tensor{Name: prefixV + p.Name, Shape: p.Shape, Data: ck.AdamV[i]})
		}
	}
	f := &seq2seq.File{Model: ck.Model, SrcTokenizer: ck.SrcTokenizer, TgtTokenizer: ck.TgtTokenizer, Metadata: meta, Extra: extra}
	if err := f.Save(path, safetensors.F32); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint file with seq2seq.LoadFile, which
// checks the model against its configuration, then checks the training
// state. A file of another format or version, a corrupt one, or a model
// file without training state gives an error that says so.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := seq2seq.LoadFile(path)
	return checkpointOf(f, err, path)
}

// ReadCheckpoint is LoadCheckpoint of a checkpoint file's bytes; name
// (the file's) is used in errors.
func ReadCheckpoint(data []byte, name string) (*Checkpoint, error) {
	f, err := seq2seq.ReadBytes(data, name)
	return checkpointOf(f, err, name)
}

// checkpointOf decodes the checkpoint in the model file f of the given
// name, read with error err.
func checkpointOf(f *seq2seq.File, err error, name string) (*Checkpoint, error) {
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	ck, err := decodeCheckpoint(f)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", name, err)
	}
	return ck, nil
}

func decodeCheckpoint(f *seq2seq.File) (*Checkpoint, error) {
	m := f.Metadata
	switch {
	case m[metaCkptFormat] != CheckpointFormat:
		return nil, fmt.Errorf("a model file without training state (metadata %s is %q, want %q): it cannot be resumed", metaCkptFormat, m[metaCkptFormat], CheckpointFormat)
	case m[metaCkptVersion] != strconv.Itoa(CheckpointVersion):
		return nil, fmt.Errorf("checkpoint version %q is not supported by this build (which reads version %d): use the nmt release that wrote it", m[metaCkptVersion], CheckpointVersion)
	}
	ck := &Checkpoint{Model: f.Model}
	if len(f.SrcTokenizer) > 0 {
		ck.SrcTokenizer = f.SrcTokenizer
	}
	if len(f.TgtTokenizer) > 0 {
		ck.TgtTokenizer = f.TgtTokenizer
	}
	for key, dst := range map[string]any{metaTrainConfig: &ck.Train, metaState: &ck.State} {
		s, ok := m[key]
		if !ok {
			return nil, fmt.Errorf("metadata has no %s", key)
		}
		if err := json.Unmarshal([]byte(s), dst); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", key, err)
		}
	}
	if err := ck.State.check(); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", metaState, err)
	}
	if len(f.Extra) == 0 {
		return ck, nil
	}
	extra := make(map[string]safetensors.Tensor, len(f.Extra))
	for _, t := range f.Extra {
		if !strings.HasPrefix(t.Name, prefixM) && !strings.HasPrefix(t.Name, prefixV) {
			return nil, fmt.Errorf("unexpected tensor %s", t.Name)
		}
		extra[t.Name] = t
	}
	params := f.Model.Params()
	ck.AdamM, ck.AdamV = make([][]float32, len(params)), make([][]float32, len(params))
	for i, p := range params {
		for _, mv := range []struct {
			prefix string
			dst    [][]float32
		}{{prefixM, ck.AdamM}, {prefixV, ck.AdamV}} {
			t, ok := extra[mv.prefix+p.Name]
			if !ok {
				return nil, fmt.Errorf("optimizer moment %s%s missing", mv.prefix, p.Name)
			}
			if !slices.Equal(t.Shape, p.Shape) || len(t.Data) != len(p.Value) {
				return nil, fmt.Errorf("optimizer moment %s%s has shape %v, the parameter %v", mv.prefix, p.Name, t.Shape, p.Shape)
			}
			if err := checkMoment(mv.prefix+p.Name, t.Data, mv.prefix == prefixV); err != nil {
				return nil, err
			}
			mv.dst[i] = t.Data
			delete(extra, mv.prefix+p.Name)
		}
	}
	for _, t := range f.Extra {
		if _, ok := extra[t.Name]; ok {
			return nil, fmt.Errorf("optimizer moment %s has no parameter", t.Name)
		}
	}
	return ck, nil
}

// check rejects a trainer state no run could have written: a negative
// count or step, or a negative learning rate.
func (s *State) check() error {
	for _, c := range []struct {
		name string
		v    int64
	}{
		{"step", int64(s.Step)}, {"adam_steps", int64(s.AdamSteps)}, {"epoch", int64(s.Epoch)}, {"batch", int64(s.Batch)},
		{"best_step", int64(s.BestStep)}, {"best_file_step", int64(s.BestFileStep)}, {"bad_validations", int64(s.BadValidations)},
		{"lr_bad", int64(s.LRBad)}, {"last_valid", int64(s.LastValid)}, {"target_tokens", s.TargetTokens},
	} {
		if c.v < 0 {
			return fmt.Errorf("%s is %d, cannot be negative", c.name, c.v)
		}
	}
	if s.LR < 0 {
		return fmt.Errorf("lr is %g, cannot be negative", s.LR)
	}
	return nil
}

// checkMoment rejects an optimizer moment that no training run could
// have written: a NaN or infinity, or, for a second moment (a running
// mean of squares), a negative value.
func checkMoment(name string, v []float32, second bool) error {
	if i := linalg.NonFinite(v); i >= 0 {
		return fmt.Errorf("optimizer moment %s is damaged: value %d of %d is %v", name, i, len(v), v[i])
	}
	if second {
		if i := slices.IndexFunc(v, func(x float32) bool { return x < 0 }); i >= 0 {
			return fmt.Errorf("optimizer moment %s is damaged: value %d of %d is %v, a mean of squares cannot be negative", name, i, len(v), v[i])
		}
	}
	return nil
}

// Apply copies the checkpoint's parameters into params and, if opt is not
// nil, its optimizer moments and step count into opt. params must have the
// checkpoint model's names and shapes, in order.
func (ck *Checkpoint) Apply(params []*seq2seq.Param, opt *Adam) error {
	from := ck.Model.Params()
	if len(from) != len(params) {
		return fmt.Errorf("checkpoint has %d parameters, model has %d", len(from), len(params))
	}
	for i, p := range params {
		if q := from[i]; q.Name != p.Name || !slices.Equal(q.Shape, p.Shape) {
			return fmt.Errorf("checkpoint parameter %d is %s %v, model has %s %v", i, q.Name, q.Shape, p.Name, p.Shape)
		}
	}
	if opt != nil {
		if ck.AdamM == nil {
			return fmt.Errorf("checkpoint has no optimizer moments (%s*, %s*)", prefixM, prefixV)
		}
		if len(opt.M) != len(params) {
			return fmt.Errorf("optimizer has %d parameters, model has %d", len(opt.M), len(params))
		}
	}
	for i, p := range params {
		copy(p.Value, from[i].Value)
		if opt != nil {
			copy(opt.M[i], ck.AdamM[i])
			copy(opt.V[i], ck.AdamV[i])
		}
	}
	if opt != nil {
		opt.Steps = ck.State.AdamSteps
		opt.LR = ck.State.LR
	}
	return nil
}

// stepFile is a step checkpoint in a directory.
type stepFile struct {
	path string
	step int
}

// checkpointName returns the file name of the checkpoint of step.
func checkpointName(step int) string { return fmt.Sprintf("ckpt-%08d.safetensors", step) }

// listCheckpoints returns the step checkpoints in dir, newest first.
func listCheckpoints(dir string) ([]stepFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []stepFile
	for _, e := range entries {
		name := e.Name()
		num, ok := strings.CutPrefix(name, "ckpt-")
		num, ok2 := strings.CutSuffix(num, ".safetensors")
		if !ok || !ok2 || e.IsDir() {
			continue
		}
		step, err := strconv.Atoi(num)
		if err != nil || step < 0 {
			continue
		}
		out = append(out, stepFile{filepath.Join(dir, name), step})
	}
	slices.SortFunc(out, func(a, b stepFile) int { return cmp.Compare(b.step, a.step) })
	return out, nil
}

// ErrNoCheckpoint reports a directory without a usable checkpoint.
var ErrNoCheckpoint = errors.New("no usable checkpoint")

// LatestCheckpoint loads the newest valid step checkpoint in dir. A newer
// file that cannot be loaded is reported on log and skipped.
func LatestCheckpoint(dir string, log *slog.Logger) (*Checkpoint, string, error) {
	files, err := listCheckpoints(dir)
	if err != nil {
		return nil, "", fmt.Errorf("find checkpoint: %w", err)
	}
	for _, f := range files {
		ck, err := LoadCheckpoint(f.path)
		if err != nil {
			if log != nil {
				log.Warn("skipping unreadable checkpoint", "file", f.path, "err", err)
			}
			continue
		}
		return ck, f.path, nil
	}
	return nil, "", fmt.Errorf("%w in %s", ErrNoCheckpoint, dir)
}

// isCheckpointName reports whether name is that of a file the trainer
// writes in its checkpoint directory: a step checkpoint or the best model.
func isCheckpointName(name string) bool {
	if name == BestName {
		return true
	}
	num, ok := strings.CutPrefix(name, "ckpt-")
	num, ok2 := strings.CutSuffix(num, ".safetensors")
	_, err := strconv.Atoi(num)
	return ok && ok2 && err == nil
}

// removeStaleCheckpoints removes the temporary files that writers of
// checkpoints killed before they finished left in the checkpoint
// directory (see atomicfile.RemoveStale: only those of no live process).
func (t *Trainer) removeStaleCheckpoints() {
	removed, err := atomicfile.RemoveStale(t.cfg.Checkpoint.Dir, isCheckpointName)
	for _, p := range removed {
		t.log().Info("removed a stale temporary checkpoint file", "path", p)
	}
	if err != nil {
		t.log().Warn("stale temporary checkpoint files", "err", err)
	}
}

// pruneCheckpoints removes all but the newest keep step checkpoints in dir.
func pruneCheckpoints(dir string, keep int) error {
	files, err := listCheckpoints(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files[min(keep, len(files)):] {
		if err := os.Remove(f.path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
