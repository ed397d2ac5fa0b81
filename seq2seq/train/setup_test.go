package train

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tinyRun writes a tiny parallel corpus and returns a configuration that
// trains a tiny model on it into dir/run.
func tinyRun(t *testing.T, dir string) Config {
	t.Helper()
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	de := write("train.de", "ein hund läuft", "eine katze schläft", "ein mann fährt rad", "zwei hunde laufen", "ein kind spielt", "eine frau liest")
	en := write("train.en", "a dog runs", "a cat sleeps", "a man rides a bike", "two dogs run", "a child plays", "a woman reads")
	c := DefaultConfig()
	c.Data = DataConfig{TrainSrc: de, TrainTgt: en, ValidSrc: de, ValidTgt: en, MaxLen: 80, MaxRatio: 3}
	c.Tokenizer.VocabSize, c.Tokenizer.MinFrequency = 300, 1
	c.Model.Embed, c.Model.EncoderHidden, c.Model.DecoderHidden, c.Model.AttentionDim, c.Model.Output = 8, 8, 8, 8, 8
	c.Schedule.BatchTokens, c.Schedule.ValidEvery, c.Schedule.MaxSteps, c.Schedule.LogEvery = 16, 2, 4, time.Hour
	c.Checkpoint.Dir = filepath.Join(dir, "run")
	return c
}

// TestSetupAndResume sets up a run from text files, trains it with the
// BLEU hooks, and sets up its continuation from the checkpoint.
func TestSetupAndResume(t *testing.T) {
	ctx := context.Background()
	cfg := tinyRun(t, t.TempDir())
	tr, err := Setup(ctx, cfg, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.net.Config(); got.SrcVocab <= 4 || got.SrcVocab != tr.data.SrcTokenizer.VocabSize() || got.TgtVocab != tr.data.TgtTokenizer.VocabSize() {
		t.Errorf("model vocabularies %d and %d, tokenizers %d and %d", got.SrcVocab, got.TgtVocab,
			tr.data.SrcTokenizer.VocabSize(), tr.data.TgtTokenizer.VocabSize())
	}
	res, err := tr.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.State.Metric != "bleu" || res.State.Last == nil || res.State.Last.BLEU < 0 {
		t.Errorf("state %+v, want a BLEU validation", res.State)
	}

	ck, _, err := LatestCheckpoint(cfg.Checkpoint.Dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	more := ck.Train
	more.Schedule.MaxSteps = 6
	tr2, err := Setup(ctx, more, ck, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if tr2.State().Step != 4 || tr2.opt.Steps != ck.State.AdamSteps {
		t.Errorf("resumed at step %d with %d optimizer steps, want 4 and %d", tr2.State().Step, tr2.opt.Steps, ck.State.AdamSteps)
	}
	for i, p := range tr2.params {
		if !slices.Equal(p.Value, tr.params[i].Value) {
			t.Fatalf("parameter %s not restored", p.Name)
		}
	}
	res2, err := tr2.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res2.State.Step != 6 {
		t.Errorf("resumed run stopped at step %d, want 6", res2.State.Step)
	}

	// A checkpoint with a broken tokenizer is refused.
	bad := *ck
	bad.TgtTokenizer = []byte("{")
	if _, err := Setup(ctx, more, &bad, quietLog()); err == nil || !strings.Contains(err.Error(), "checkpoint target tokenizer") {
		t.Errorf("Setup with a broken tokenizer: %v", err)
	}
}
