package train

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/attnmt/nmt/seq2seq"
)

// Config is a complete training configuration, as read from YAML. Start
// from DefaultConfig; LoadConfig overlays a file on the defaults.
type Config struct {
	Data       DataConfig       `yaml:"data" json:"data"`
	Tokenizer  TokenizerConfig  `yaml:"tokenizer" json:"tokenizer"`
	Model      seq2seq.Config   `yaml:"model" json:"model"`
	Optimizer  OptimizerConfig  `yaml:"optimizer" json:"optimizer"`
	Schedule   ScheduleConfig   `yaml:"schedule" json:"schedule"`
	Checkpoint CheckpointConfig `yaml:"checkpoint" json:"checkpoint"`
}

// DataConfig says where the parallel text is and which pairs to keep.
// Exactly one of three sources is given: Multi30k names a directory of the
// Multi30k task 1 files (train and val splits of SrcLang and TgtLang are
// used; the test split never is); or the four file paths; or Corpora, a
// list of corpora each with its training and development files. Files may
// be plain text or gzip. With Corpora, SrcLang and TgtLang name the
// languages of the data (recorded in model files).
type DataConfig struct {
	Multi30k string `yaml:"multi30k" json:"multi30k"`
	SrcLang  string `yaml:"src_lang" json:"src_lang"`
	TgtLang  string `yaml:"tgt_lang" json:"tgt_lang"`
	TrainSrc string `yaml:"train_src" json:"train_src"`
	TrainTgt string `yaml:"train_tgt" json:"train_tgt"`
	ValidSrc string `yaml:"valid_src" json:"valid_src"`
	ValidTgt string `yaml:"valid_tgt" json:"valid_tgt"`
	// Corpora trains on several corpora at once (see CorpusConfig).
	Corpora []CorpusConfig `yaml:"corpora,omitempty" json:"corpora,omitempty"`
	// MinLen and MaxLen bound the length of each side of a training pair,
	// in subword tokens; 0 disables the bound.
	MinLen int `yaml:"min_len" json:"min_len"`
	MaxLen int `yaml:"max_len" json:"max_len"`
	// MaxRatio bounds longer/shorter side length of a training pair; 0
	// disables it.
	MaxRatio float64 `yaml:"max_ratio" json:"max_ratio"`
	// BLEUSentences limits the validation sentences translated for BLEU
	// (the first ones of the file); 0 means all.
	BLEUSentences int `yaml:"bleu_sentences" json:"bleu_sentences"`
}

// CorpusConfig is one corpus of a multi-corpus run: its training pairs,
// drawn by Weight, and its development set, validated on its own and
// counted by ValidWeight in the score that selects checkpoints.
type CorpusConfig struct {
	// Name names the corpus in logs and validation records.
	Name     string `yaml:"name" json:"name"`
	TrainSrc string `yaml:"train_src" json:"train_src"`
	TrainTgt string `yaml:"train_tgt" json:"train_tgt"`
	ValidSrc string `yaml:"valid_src" json:"valid_src"`
	ValidTgt string `yaml:"valid_tgt" json:"valid_tgt"`
	// Weight is how often each training pair is drawn per epoch: 1 once,
	// 2 twice, 0.5 a fresh seeded half of the pairs every epoch, 0 never
	// (a corpus for validation only).
	Weight float64 `yaml:"weight" json:"weight"`
	// ValidWeight is the weight of this development set's score (BLEU, or
	// the log-perplexity) in the weighted mean that selects checkpoints,
	// schedules the learning rate and stops early; 0 reports it only.
	ValidWeight float64 `yaml:"valid_weight" json:"valid_weight"`
}

// TokenizerConfig names existing tokenizer.json files or says how to train
// new byte-level BPE tokenizers on the training text.
type TokenizerConfig struct {
	Src          string `yaml:"src" json:"src"` // existing source tokenizer.json; empty: train one
	Tgt          string `yaml:"tgt" json:"tgt"` // existing target tokenizer.json; empty: train one
	Joint        bool   `yaml:"joint" json:"joint"`
	VocabSize    int    `yaml:"vocab_size" json:"vocab_size"`
	MinFrequency int    `yaml:"min_frequency" json:"min_frequency"`
}

// OptimizerConfig configures Adam and gradient clipping.
type OptimizerConfig struct {
	LR          float64 `yaml:"lr" json:"lr"`
	Beta1       float64 `yaml:"beta1" json:"beta1"`
	Beta2       float64 `yaml:"beta2" json:"beta2"`
	Eps         float64 `yaml:"eps" json:"eps"`
	WeightDecay float64 `yaml:"weight_decay" json:"weight_decay"` // decoupled (AdamW)
	ClipNorm    float64 `yaml:"clip_norm" json:"clip_norm"`       // global gradient norm bound; 0 disables clipping
}

// ScheduleConfig configures batching, stopping and the learning-rate
// schedule.
type ScheduleConfig struct {
	// BatchTokens is the token budget of a batch: rows x longest side,
	// padding and </s> included.
	BatchTokens int `yaml:"batch_tokens" json:"batch_tokens"`
	// MaxSentences caps the rows of a batch; 0: no cap.
	MaxSentences int `yaml:"max_sentences" json:"max_sentences"`
	// MaxEpochs, MaxSteps and MaxTime stop training; 0 disables each.
	// MaxTime counts the wall-clock time of one run (a resumed run gets it
	// anew).
	MaxEpochs int           `yaml:"max_epochs" json:"max_epochs"`
	MaxSteps  int           `yaml:"max_steps" json:"max_steps"`
	MaxTime   time.Duration `yaml:"max_time" json:"max_time"`
	// ValidEvery validates every that many steps; 0 validates at the end
	// of each epoch.
	ValidEvery int `yaml:"valid_every" json:"valid_every"`
	// LRPatience halves the learning rate (LRDecay) after that many
	// validations without improvement; MinLR is its floor.
	LRPatience int     `yaml:"lr_patience" json:"lr_patience"`
	LRDecay    float64 `yaml:"lr_decay" json:"lr_decay"`
	MinLR      float64 `yaml:"min_lr" json:"min_lr"`
	// Patience stops training after that many validations without
	// improvement; 0 disables early stopping.
	Patience int `yaml:"patience" json:"patience"`
	// Seed drives data order, initialisation and dropout.
	Seed uint64 `yaml:"seed" json:"seed"`
	// LogEvery is the interval of progress log lines when the output is
	// not a terminal.
	LogEvery time.Duration `yaml:"log_every" json:"log_every"`
}

// CheckpointConfig configures where and how often checkpoints are written.
type CheckpointConfig struct {
	Dir        string        `yaml:"dir" json:"dir"`
	EverySteps int           `yaml:"every_steps" json:"every_steps"` // 0: no step-based checkpoints
	Every      time.Duration `yaml:"every" json:"every"`             // 0: no time-based checkpoints
	KeepLast   int           `yaml:"keep_last" json:"keep_last"`     // step checkpoints kept, newest first
	KeepBest   bool          `yaml:"keep_best" json:"keep_best"`     // also keep best.safetensors
	// WarmStart names a model file or checkpoint (of any attention kind)
	// whose weights start a new run: every parameter of the same name and
	// shape is copied, so a soft-attention model gives a hard or local one
	// its encoder, decoder, scorer and output layers. Its tokenizers are
	// used unless tokenizer.src and tokenizer.tgt are set. Ignored when
	// resuming.
	WarmStart string `yaml:"warm_start,omitempty" json:"warm_start,omitempty"`
}

// DefaultConfig returns the defaults printed by "nmt train --print-config":
// Multi30k German to English from ../shared/data/multi30k, joint 8000-token
// BPE, the reference model of seq2seq.DefaultConfig and Adam at 1e-3.
func DefaultConfig() Config {
	return Config{
		Data: DataConfig{
			Multi30k: "../shared/data/multi30k", SrcLang: "de", TgtLang: "en",
			MinLen: 1, MaxLen: 80, MaxRatio: 3, BLEUSentences: 0,
		},
		Tokenizer: TokenizerConfig{Joint: true, VocabSize: 8000, MinFrequency: 2},
		Model:     seq2seq.DefaultConfig(),
		Optimizer: OptimizerConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, ClipNorm: 1},
		Schedule: ScheduleConfig{
			BatchTokens: 4096, MaxEpochs: 30, MaxTime: 60 * time.Minute,
			ValidEvery: 0, LRPatience: 2, LRDecay: 0.5, MinLR: 1e-5, Patience: 5,
			Seed: 1, LogEvery: 30 * time.Second,
		},
		Checkpoint: CheckpointConfig{Dir: "run", Every: 10 * time.Minute, KeepLast: 2, KeepBest: true},
	}
}

// LoadConfig reads a YAML configuration file over DefaultConfig. Keys the
// file leaves out keep their defaults; unknown keys are an error naming
// the key and its line.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("load config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig parses YAML configuration bytes over DefaultConfig, as
// LoadConfig does.
func ParseConfig(data []byte) (Config, error) {
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("more than one YAML document")
	}
	if cfg.Model.Attention == seq2seq.AttentionHard && cfg.Model.Hard == (seq2seq.HardConfig{}) {
		cfg.Model.Hard = seq2seq.DefaultHardConfig() // no hard: block
	}
	return cfg, nil
}

// WriteYAML writes c as YAML, in the form LoadConfig reads.
func (c Config) WriteYAML(w io.Writer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return err
	}
	return enc.Close()
}

// Validate reports every inconsistency in c, the model's included. The
// model's vocabulary sizes are not checked: they come from the tokenizers.
// Every check is written in the positive form (!(ok)), so that NaN fails
// it, and rates must be finite.
func (c Config) Validate() error {
	var errs []error
	add := func(cond bool, format string, args ...any) {
		if cond {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	d := c.Data
	files := d.TrainSrc != "" || d.TrainTgt != "" || d.ValidSrc != "" || d.ValidTgt != ""
	add(d.Multi30k == "" && !files && len(d.Corpora) == 0, "data: set multi30k, or train_src, train_tgt, valid_src and valid_tgt, or corpora")
	add(d.Multi30k != "" && files, "data: multi30k and explicit files are exclusive")
	add(len(d.Corpora) > 0 && (d.Multi30k != "" || files), "data: corpora excludes multi30k and the explicit files (set multi30k: \"\")")
	errs = append(errs, validateCorpora(d.Corpora)...)
	add(d.Multi30k != "" && (d.SrcLang == "" || d.TgtLang == "" || d.SrcLang == d.TgtLang), "data: multi30k needs two different languages src_lang and tgt_lang")
	add(files && (d.TrainSrc == "" || d.TrainTgt == "" || d.ValidSrc == "" || d.ValidTgt == ""), "data: train_src, train_tgt, valid_src and valid_tgt must all be set")
	add(d.MinLen < 0 || d.MaxLen < 0 || (d.MaxLen > 0 && d.MinLen > d.MaxLen), "data: need 0 <= min_len <= max_len, got %d and %d", d.MinLen, d.MaxLen)
	add(!(d.MaxRatio == 0 || d.MaxRatio >= 1 && finite(d.MaxRatio)), "data: max_ratio must be 0 or at least 1, got %g", d.MaxRatio)
	add(d.BLEUSentences < 0, "data: bleu_sentences must not be negative")
	t := c.Tokenizer
	add((t.Src == "" || t.Tgt == "") && t.VocabSize <= 0, "tokenizer: vocab_size must be positive to train a tokenizer")
	add(t.Joint && (t.Src != "") != (t.Tgt != ""), "tokenizer: joint needs src and tgt both set (the same file) or both empty")
	m := c.Model
	m.SrcVocab, m.TgtVocab = max(m.SrcVocab, seq2seq.EOSID+1), max(m.TgtVocab, seq2seq.EOSID+1)
	if m.ShareEmbeddings {
		m.TgtVocab = m.SrcVocab
	}
	if err := m.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("model: %w", err))
	}
	o := c.Optimizer
	add(!(o.LR > 0 && finite(o.LR)), "optimizer: lr must be positive and finite, got %g", o.LR)
	add(!(o.Beta1 >= 0 && o.Beta1 < 1 && o.Beta2 >= 0 && o.Beta2 < 1), "optimizer: betas must be in [0, 1), got %g and %g", o.Beta1, o.Beta2)
	add(!(o.Eps > 0 && finite(o.Eps)), "optimizer: eps must be positive and finite, got %g", o.Eps)
	add(!(o.WeightDecay >= 0 && finite(o.WeightDecay) && o.ClipNorm >= 0 && finite(o.ClipNorm)),
		"optimizer: weight_decay and clip_norm must be finite and not negative, got %g and %g", o.WeightDecay, o.ClipNorm)
	s := c.Schedule
	add(s.BatchTokens <= 0, "schedule: batch_tokens must be positive, got %d", s.BatchTokens)
	add(s.MaxSentences < 0 || s.MaxEpochs < 0 || s.MaxSteps < 0 || s.MaxTime < 0 || s.ValidEvery < 0 || s.LRPatience < 0 || s.Patience < 0 || s.LogEvery < 0,
		"schedule: max_sentences, max_epochs, max_steps, max_time, valid_every, lr_patience, patience and log_every must not be negative")
	add(s.MaxEpochs == 0 && s.MaxSteps == 0 && s.MaxTime == 0 && s.Patience == 0, "schedule: set at least one of max_epochs, max_steps, max_time and patience")
	add(!(s.LRDecay > 0 && s.LRDecay <= 1), "schedule: lr_decay must be in (0, 1], got %g", s.LRDecay)
	add(!(s.MinLR >= 0 && s.MinLR <= o.LR && finite(s.MinLR)), "schedule: min_lr must be in [0, lr], got %g", s.MinLR)
	k := c.Checkpoint
	add(k.Dir == "", "checkpoint: dir must be set")
	add(k.EverySteps < 0 || k.Every < 0, "checkpoint: every_steps and every must not be negative")
	add(k.KeepLast < 1, "checkpoint: keep_last must be at least 1, got %d", k.KeepLast)
	return errors.Join(errs...)
}

// validateCorpora reports every inconsistency of a list of corpora.
func validateCorpora(cs []CorpusConfig) []error {
	var errs []error
	names := map[string]bool{}
	var train, valid float64
	for i, c := range cs {
		where := fmt.Sprintf("data: corpora[%d]", i)
		if c.Name != "" {
			where = fmt.Sprintf("data: corpus %q", c.Name)
		}
		switch {
		case c.Name == "":
			errs = append(errs, fmt.Errorf("%s: name must be set", where))
		case names[c.Name]:
			errs = append(errs, fmt.Errorf("%s: the name is used twice", where))
		}
		names[c.Name] = true
		if c.TrainSrc == "" || c.TrainTgt == "" || c.ValidSrc == "" || c.ValidTgt == "" {
			errs = append(errs, fmt.Errorf("%s: train_src, train_tgt, valid_src and valid_tgt must all be set", where))
		}
		if !(c.Weight >= 0 && finite(c.Weight) && c.ValidWeight >= 0 && finite(c.ValidWeight)) {
			errs = append(errs, fmt.Errorf("%s: weight and valid_weight must be finite and not negative, got %g and %g", where, c.Weight, c.ValidWeight))
		}
		train += c.Weight
		valid += c.ValidWeight
	}
	if len(cs) > 0 && !(train > 0) {
		errs = append(errs, errors.New("data: the corpora's weights sum to 0: nothing to train on"))
	}
	if len(cs) > 0 && !(valid > 0) {
		errs = append(errs, errors.New("data: the corpora's valid_weights sum to 0: nothing selects checkpoints"))
	}
	return errs
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
