package train

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrPlanChanged reports a resumed run whose configuration changes what a
// checkpoint's position means: the data, the tokenizers or the batch plan.
var ErrPlanChanged = errors.New("a resumed run cannot change this")

// CheckResume reports, wrapping ErrPlanChanged, a configuration cfg for
// resuming a checkpoint trained with stored that changes the data, the
// tokenizers, or the plan of batches (seed, batch token budget, sentence
// cap): the checkpoint stores its epoch and its batch index in that plan,
// which would then point into a different data order. The rest of the
// schedule (stopping, validation, learning-rate decay) and the checkpoint
// settings may change. MaxTime is per run: a resumed run counts it anew.
func CheckResume(stored, cfg Config) error {
	var changed []string
	if !reflect.DeepEqual(stored.Data, cfg.Data) {
		changed = append(changed, "data")
	}
	if stored.Tokenizer != cfg.Tokenizer {
		changed = append(changed, "tokenizer")
	}
	s, c := stored.Schedule, cfg.Schedule
	if s.Seed != c.Seed {
		changed = append(changed, fmt.Sprintf("schedule.seed (%d, now %d)", s.Seed, c.Seed))
	}
	if s.BatchTokens != c.BatchTokens {
		changed = append(changed, fmt.Sprintf("schedule.batch_tokens (%d, now %d)", s.BatchTokens, c.BatchTokens))
	}
	if s.MaxSentences != c.MaxSentences {
		changed = append(changed, fmt.Sprintf("schedule.max_sentences (%d, now %d)", s.MaxSentences, c.MaxSentences))
	}
	if len(changed) == 0 {
		return nil
	}
	return fmt.Errorf("resume: the checkpoint was trained with other %v: %w (start a new run to change it)", changed, ErrPlanChanged)
}
