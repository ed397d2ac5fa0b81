package train

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
)

// TestWarmStartFromSoft trains a tiny soft-attention run, then starts a
// local and a hard run from its last checkpoint: every shared parameter
// starts at the soft model's value, the new ones as initialised, the
// soft run's tokenizers are used, and both runs train.
func TestWarmStartFromSoft(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := tinyRun(t, dir)
	tr, err := Setup(ctx, cfg, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	_, path, err := LatestCheckpoint(cfg.Checkpoint.Dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	soft, err := seq2seq.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	softParams := map[string][]float32{}
	for _, p := range soft.Model.Params() {
		softParams[p.Name] = p.Value
	}
	for _, kind := range []string{seq2seq.AttentionLocal, seq2seq.AttentionHard} {
		t.Run(kind, func(t *testing.T) {
			warm := cfg
			warm.Model.Attention = kind
			if kind == seq2seq.AttentionHard {
				warm.Model.Hard = seq2seq.DefaultHardConfig()
			}
			warm.Tokenizer.VocabSize = 50 // ignored: the warm model's tokenizers are used
			warm.Checkpoint.Dir, warm.Checkpoint.WarmStart = filepath.Join(dir, kind), path
			var logs bytes.Buffer
			tr, err := Setup(ctx, warm, nil, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logs.String(), "msg=\"warm start\"") {
				t.Errorf("no warm start log line: %s", logs.String())
			}
			var fresh int
			for _, p := range tr.net.Params() {
				v, ok := softParams[p.Name]
				switch {
				case ok && !slices.Equal(v, p.Value):
					t.Errorf("%s not copied from the warm model", p.Name)
				case !ok:
					fresh++
				}
			}
			if want := map[string]int{seq2seq.AttentionLocal: 4, seq2seq.AttentionHard: 0}[kind]; fresh != want {
				t.Errorf("%d fresh parameters, want %d", fresh, want)
			}
			if _, err := tr.Run(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}

	bad := cfg
	bad.Model.EncoderHidden = 6
	bad.Checkpoint.Dir, bad.Checkpoint.WarmStart = filepath.Join(dir, "bad"), path
	if _, err := Setup(ctx, bad, nil, quietLog()); err == nil || !strings.Contains(err.Error(), "has shape") {
		t.Errorf("warm start into other sizes: %v, want a shape error", err)
	}
}

func TestHardProgressFields(t *testing.T) {
	var m meter
	if m.hardAttrs() != nil {
		t.Fatal("hard fields without hard attention")
	}
	m.add(seq2seq.BatchLoss{Loss: 10, NLL: 9, Tokens: 10, Draws: 4, Reward: -8, Entropy: 5, Baseline: -1.5})
	m.add(seq2seq.BatchLoss{Loss: 10, NLL: 9, Tokens: 10, Draws: 6, Reward: -12, Entropy: 3, Baseline: -1.7})
	reward, baseline, entropy, ok := m.hardSummary()
	if !ok || reward != -2 || baseline != -1.7 || entropy != 0.4 {
		t.Fatalf("hard summary %v %v %v %v, want -2 -1.7 0.4 true", reward, baseline, entropy, ok)
	}
}
