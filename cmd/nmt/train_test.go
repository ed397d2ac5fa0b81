package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/seq2seq/train"
)

// runNMT runs the app in-process and returns its standard output, its
// standard error and the error.
func runNMT(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errOut
	err := runApp(context.Background(), app, append([]string{"nmt"}, args...))
	return out.String(), errOut.String(), err
}

func TestTrainPrintConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(cfgPath, []byte("optimizer:\n  lr: 0.002\nmodel:\n  embed: 32\n"), 0o644)
	for _, tc := range []struct {
		name   string
		args   []string
		modify func(*train.Config)
	}{
		{"defaults", nil, func(*train.Config) {}},
		{"file", []string{"--config", cfgPath}, func(c *train.Config) { c.Optimizer.LR, c.Model.Embed = 0.002, 32 }},
		{"flags over file", []string{"--config", cfgPath, "--lr", "0.01", "--max-time", "5m", "--epochs", "3", "--seed", "9", "--out", "x"},
			func(c *train.Config) {
				c.Optimizer.LR, c.Model.Embed, c.Schedule.MaxTime, c.Schedule.MaxEpochs, c.Schedule.Seed, c.Checkpoint.Dir = 0.01, 32, 5*60e9, 3, 9, "x"
			}},
		{"files replace multi30k", []string{"--train-src", "a", "--train-tgt", "b", "--valid-src", "c", "--valid-tgt", "d"},
			func(c *train.Config) {
				c.Data.Multi30k, c.Data.TrainSrc, c.Data.TrainTgt, c.Data.ValidSrc, c.Data.ValidTgt = "", "a", "b", "c", "d"
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runNMT(t, append([]string{"train", "--print-config"}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := train.ParseConfig([]byte(out))
			if err != nil {
				t.Fatalf("printed config does not parse: %v\n%s", err, out)
			}
			want := train.DefaultConfig()
			tc.modify(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("printed config\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("schedule:\n  max_tme: 1h\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"config and resume", []string{"--config", bad, "--resume"}, "exclusive"},
		{"unknown key", []string{"--config", bad}, "line 2: field max_tme not found"},
		{"arguments", []string{"file.txt"}, "unexpected arguments"},
		{"invalid", []string{"--batch-tokens", "0", "--out", dir}, "batch_tokens must be positive"},
		{"resume without checkpoint", []string{"--resume", "--out", dir}, "no usable checkpoint"},
		{"both data sources", []string{"--multi30k", "d", "--train-src", "x"}, "exclusive"},
		{"progress", []string{"--progress", "fancy", "--train-src", "x", "--train-tgt", "y", "--valid-src", "x", "--valid-tgt", "y"}, "want auto, bar or log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runNMT(t, append([]string{"train"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestTrainResumeRejectsDataFlags checks that --resume refuses flags that
// would change the data or the tokenizers of the checkpoint, with a usage
// error (exit status 2), before looking for a checkpoint.
func TestTrainResumeRejectsDataFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--train-src", "x"}, {"--train-tgt", "x"}, {"--valid-src", "x"}, {"--valid-tgt", "x"},
		{"--multi30k", "d"}, {"--src", "fr"}, {"--tgt", "fr"},
		{"--src-tokenizer", "t.json"}, {"--tgt-tokenizer", "t.json"}, {"--vocab-size", "100"},
		{"--seed", "2"}, {"--batch-tokens", "512"},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, _, err := runNMT(t, append([]string{"train", "--resume", "--out", dir}, args...)...)
			var exit cli.ExitCoder
			if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(err.Error(), args[0]+" and --resume are exclusive") {
				t.Errorf("error = %v, want a usage error naming %s", err, args[0])
			}
		})
	}
}

// TestTrainAndResume trains a tiny model on tiny files, then resumes it.
func TestTrainAndResume(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
		return p
	}
	de := write("train.de", "ein hund läuft", "eine katze schläft", "ein mann fährt rad", "zwei hunde laufen", "ein kind spielt", "eine frau liest")
	en := write("train.en", "a dog runs", "a cat sleeps", "a man rides a bike", "two dogs run", "a child plays", "a woman reads")
	cfg := write("tiny.yaml",
		"tokenizer:\n  vocab_size: 300\n",
		"model:\n  embed: 8\n  encoder_hidden: 8\n  decoder_hidden: 8\n  attention_dim: 8\n  output: 8\n",
		"schedule:\n  batch_tokens: 16\n  valid_every: 2\n  log_every: 1ms\n",
	)
	out := filepath.Join(dir, "run")
	args := []string{"train", "--config", cfg, "--train-src", de, "--train-tgt", en, "--valid-src", de, "--valid-tgt", en,
		"--out", out, "--max-steps", "4", "--progress", "log"}
	stdout, stderr, err := runNMT(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"stopped (max_steps) after 4 steps", "best validation (step", "perplexity", "best model: " + filepath.ToSlash(filepath.Join(out, "best.safetensors"))} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "msg=validation") || !strings.Contains(stderr, "msg=progress") {
		t.Errorf("log lacks validation or progress lines:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "ckpt-00000004.safetensors")); err != nil {
		t.Error(err)
	}

	stdout, stderr, err = runNMT(t, "train", "--resume", "--out", out, "--max-steps", "6", "--progress", "log")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "msg=resuming") || !strings.Contains(stdout, "after 6 steps") {
		t.Errorf("resume did not continue to step 6:\n%s\n%s", stdout, stderr)
	}
}
