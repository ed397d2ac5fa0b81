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

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// Checkpoint format name and version, stored in the metadata keys
// "checkpoint_format" and "checkpoint_version".
const (
	CheckpointFormat  = "attnmt-checkpoint"
	CheckpointVersion = 1
)

// A checkpoint is also a model file of package seq2seq (see
// seq2seq.LoadFile, which ignores the extra tensors and metadata), so that
// "nmt translate" can use any checkpoint. These are the model file's
// metadata keys and values, which the two packages must agree on.
const (
	modelFormat        = "attnmt-model"
	modelFormatVersion = "1"
	metaFormat         = "format"
	metaVersion        = "format_version"
	metaModelConfig    = "config"
	metaSrcTokenizer   = "src_tokenizer"
	metaTgtTokenizer   = "tgt_tokenizer"
)

// Metadata keys and tensor name prefixes of the training state.
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

// Validation is the result of one validation.
type Validation struct {
	Step       int     `json:"step"`
	NLL        float64 `json:"nll"`        // mean negative log-likelihood per target token
	Perplexity float64 `json:"perplexity"` // exp(NLL)
	BLEU       float64 `json:"bleu"`       // corpus BLEU, -1 when not computed
	Score      float64 `json:"score"`      // BLEU, or -Perplexity without BLEU
}

// Checkpoint is the content of a checkpoint file.
type Checkpoint struct {
	Model        seq2seq.Config
	Train        Config
	SrcTokenizer []byte // tokenizer.json bytes; nil if none
	TgtTokenizer []byte
	State        State
	Params       map[string]safetensors.Tensor
	AdamM, AdamV map[string]safetensors.Tensor
}

// SaveCheckpoint writes a checkpoint of params and opt to path atomically.
func SaveCheckpoint(path string, ck *Checkpoint, params []*seq2seq.Param, opt *Adam) error {
	meta := map[string]string{
		metaFormat:       modelFormat,
		metaVersion:      modelFormatVersion,
		metaCkptFormat:   CheckpointFormat,
		metaCkptVersion:  strconv.Itoa(CheckpointVersion),
		metaSrcTokenizer: string(ck.SrcTokenizer),
		metaTgtTokenizer: string(ck.TgtTokenizer),
	}
	for key, v := range map[string]any{metaModelConfig: ck.Model, metaTrainConfig: ck.Train, metaState: ck.State} {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("save checkpoint %s: %w", path, err)
		}
		meta[key] = string(b)
	}
	ts := make([]safetensors.Tensor, 0, 3*len(params))
	for i, p := range params {
		ts = append(ts, safetensors.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Value})
		if opt != nil {
			ts = append(ts,
				safetensors.Tensor{Name: prefixM + p.Name, Shape: p.Shape, Data: opt.M[i]},
				safetensors.Tensor{Name: prefixV + p.Name, Shape: p.Shape, Data: opt.V[i]})
		}
	}
	if err := safetensors.WriteFile(path, ts, meta, safetensors.F32); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint file. A file of another format or
// version, or a corrupt one, gives an error that says so.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	ck, err := decodeCheckpoint(f)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return ck, nil
}

func decodeCheckpoint(f *safetensors.File) (*Checkpoint, error) {
	m := f.Metadata
	switch {
	case m[metaFormat] != modelFormat:
		return nil, fmt.Errorf("not an nmt checkpoint (metadata format is %q, want %q)", m[metaFormat], modelFormat)
	case m[metaVersion] != modelFormatVersion:
		return nil, fmt.Errorf("model format version %q is not supported by this build (which reads version %s): use the nmt release that wrote it", m[metaVersion], modelFormatVersion)
	case m[metaCkptFormat] != CheckpointFormat:
		return nil, fmt.Errorf("a model file without training state (metadata %s is %q, want %q): it cannot be resumed", metaCkptFormat, m[metaCkptFormat], CheckpointFormat)
	case m[metaCkptVersion] != strconv.Itoa(CheckpointVersion):
		return nil, fmt.Errorf("checkpoint version %q is not supported by this build (which reads version %d): use the nmt release that wrote it", m[metaCkptVersion], CheckpointVersion)
	}
	ck := &Checkpoint{
		Params: make(map[string]safetensors.Tensor), AdamM: make(map[string]safetensors.Tensor), AdamV: make(map[string]safetensors.Tensor),
	}
	for key, dst := range map[string]any{metaModelConfig: &ck.Model, metaTrainConfig: &ck.Train, metaState: &ck.State} {
		s, ok := m[key]
		if !ok {
			return nil, fmt.Errorf("metadata has no %s", key)
		}
		if err := json.Unmarshal([]byte(s), dst); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", key, err)
		}
	}
	if s := m[metaSrcTokenizer]; s != "" {
		ck.SrcTokenizer = []byte(s)
	}
	if s := m[metaTgtTokenizer]; s != "" {
		ck.TgtTokenizer = []byte(s)
	}
	for _, t := range f.Tensors {
		switch {
		case strings.HasPrefix(t.Name, prefixM):
			ck.AdamM[strings.TrimPrefix(t.Name, prefixM)] = t
		case strings.HasPrefix(t.Name, prefixV):
			ck.AdamV[strings.TrimPrefix(t.Name, prefixV)] = t
		default:
			ck.Params[t.Name] = t
		}
	}
	return ck, nil
}

// Apply copies the checkpoint's parameters into params and, if opt is not
// nil, its optimizer moments and step count into opt. Every parameter must
// be present with the same shape.
func (ck *Checkpoint) Apply(params []*seq2seq.Param, opt *Adam) error {
	if len(ck.Params) != len(params) {
		return fmt.Errorf("checkpoint has %d parameters, model has %d", len(ck.Params), len(params))
	}
	for i, p := range params {
		if err := copyTensor(p.Value, p, ck.Params, ""); err != nil {
			return err
		}
		if opt != nil {
			if err := copyTensor(opt.M[i], p, ck.AdamM, prefixM); err != nil {
				return err
			}
			if err := copyTensor(opt.V[i], p, ck.AdamV, prefixV); err != nil {
				return err
			}
		}
	}
	if opt != nil {
		opt.Steps = ck.State.AdamSteps
		opt.LR = ck.State.LR
	}
	return nil
}

func copyTensor(dst []float32, p *seq2seq.Param, from map[string]safetensors.Tensor, prefix string) error {
	t, ok := from[p.Name]
	if !ok {
		return fmt.Errorf("checkpoint has no tensor %s%s", prefix, p.Name)
	}
	if !slices.Equal(t.Shape, p.Shape) {
		return fmt.Errorf("checkpoint tensor %s%s has shape %v, model has %v", prefix, p.Name, t.Shape, p.Shape)
	}
	copy(dst, t.Data)
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
