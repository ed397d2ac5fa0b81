package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dictionary is the lexicon of the synthetic end-to-end task: each source
// word has one translation.
var dictionary = map[string]string{
	"cat": "katze", "dog": "hund", "sun": "sonne", "moon": "mond", "tree": "baum",
	"rock": "stein", "fish": "fisch", "bird": "vogel",
}

// dictionaryWords lists the source words in a fixed order.
var dictionaryWords = strings.Fields("cat dog sun moon tree rock fish bird")

// writeDictionary writes n sentence pairs of one to three words whose
// target translates the source word by word, so that target word j is
// aligned to source word j.
func writeDictionary(t *testing.T, dir, name string, n int, seed uint64) (src, tgt string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 3))
	var s, g strings.Builder
	for range n {
		words := make([]string, 1+r.IntN(3))
		trans := make([]string, len(words))
		for i := range words {
			words[i] = dictionaryWords[r.IntN(len(dictionaryWords))]
			trans[i] = dictionary[words[i]]
		}
		s.WriteString(strings.Join(words, " ") + "\n")
		g.WriteString(strings.Join(trans, " ") + "\n")
	}
	src, tgt = filepath.Join(dir, name+".src"), filepath.Join(dir, name+".tgt")
	for path, text := range map[string]string{src: s.String(), tgt: g.String()} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src, tgt
}

// TestEndToEnd trains a small model on a word-by-word translation task
// with "nmt train" and checks what "nmt translate" and "nmt align" make of
// it: exact translations, and a diagonal word alignment.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for several seconds")
	}
	dir := t.TempDir()
	trainSrc, trainTgt := writeDictionary(t, dir, "train", 3000, 1)
	validSrc, validTgt := writeDictionary(t, dir, "valid", 40, 2)
	cfg := filepath.Join(dir, "train.yaml")
	config := fmt.Sprintf(`data:
  multi30k: ""
  train_src: %s
  train_tgt: %s
  valid_src: %s
  valid_tgt: %s
tokenizer:
  joint: true
  vocab_size: 400
  min_frequency: 1
model:
  embed: 64
  encoder_hidden: 64
  decoder_hidden: 128
  attention: additive
  attention_dim: 64
  output: 128
  dropout: 0
  label_smoothing: 0
optimizer:
  lr: 0.01
schedule:
  batch_tokens: 256
  max_steps: 400
  valid_every: 200
  patience: 0
checkpoint:
  every_steps: 100
  keep_last: 3
`, trainSrc, trainTgt, validSrc, validTgt)
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	_, stderr, err := runNMT(t, "train", "--config", cfg, "--out", run, "--progress", "log")
	if err != nil {
		t.Fatalf("nmt train: %v\n%s", err, stderr)
	}
	t.Logf("nmt train:\n%s", stderr)
	model := filepath.Join(run, "best.safetensors")

	input := "cat dog sun\n\nfish\nbird moon\n"
	want := "katze hund sonne\n\nfisch\nvogel mond\n"
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, compute := range []string{"float32", "int8"} {
		for _, beam := range []string{"1", "5"} {
			out, stderr, err := runNMT(t, "translate", "-m", model, "--beam", beam, "--compute", compute, "-i", in)
			if err != nil {
				t.Fatalf("nmt translate --beam %s --compute %s: %v\n%s", beam, compute, err, stderr)
			}
			if out != want {
				t.Errorf("nmt translate --beam %s --compute %s:\n got %q\nwant %q", beam, compute, out, want)
			}
		}
	}

	// Checkpoint averaging and ensembles. The average of a model with
	// itself is that model; an ensemble of a model with itself translates
	// as it does; the average of the last three checkpoints and an
	// ensemble with it translate every line.
	self := filepath.Join(dir, "self.safetensors")
	avg3 := filepath.Join(dir, "avg3.safetensors")
	for _, args := range [][]string{{"export", "--dtype", "f32", model, model, self}, {"export", "--average", "3", run, avg3}} {
		if _, stderr, err := runNMT(t, args...); err != nil {
			t.Fatalf("nmt %v: %v\n%s", args, err, stderr)
		}
	}
	for _, models := range [][]string{{self}, {model, model}, {model, avg3}, {avg3}} {
		args := []string{"translate", "-i", in}
		for _, m := range models {
			args = append(args, "-m", m)
		}
		out, stderr, err := runNMT(t, args...)
		if err != nil {
			t.Fatalf("nmt %v: %v\n%s", args, err, stderr)
		}
		if models[len(models)-1] != avg3 && out != want {
			t.Errorf("nmt %v:\n got %q\nwant %q", args, out, want)
		}
		if n := strings.Count(out, "\n"); n != 4 {
			t.Errorf("nmt %v: %d lines, want 4", args, n)
		}
	}
	if _, _, err := runNMT(t, "export", "--average", "4", run, avg3); err == nil || !strings.Contains(err.Error(), "has 3 step checkpoints, want 4") {
		t.Errorf("nmt export --average 4 with 3 checkpoints kept: got %v", err)
	}

	// Forced alignment of the references: the anti-diagonal, in Pharaoh
	// form (source-target, 0-based).
	ref := filepath.Join(dir, "ref.txt")
	if err := os.WriteFile(ref, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runNMT(t, "align", "-m", model, "-i", in, "--ref", ref, "-f", "pharaoh")
	if err != nil {
		t.Fatalf("nmt align: %v\n%s", err, stderr)
	}
	wantLinks := "0-0 1-1 2-2\n\n0-0\n0-0 1-1\n"
	if out != wantLinks {
		t.Errorf("nmt align -f pharaoh:\n got %q\nwant %q", out, wantLinks)
	}
}

// TestBuiltinModel translates with the model built into the binary, as
// the README's first command does: one line out per line in, empty for
// empty.
func TestBuiltinModel(t *testing.T) {
	out, stderr, err := runNMT(t, "translate", "Ein Mann fährt mit dem Fahrrad die Straße entlang.", "")
	if err != nil {
		t.Fatalf("nmt translate: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 || strings.TrimSpace(lines[0]) == "" || lines[1] != "" {
		t.Fatalf("nmt translate printed %q, want one translation and one empty line", out)
	}
}
