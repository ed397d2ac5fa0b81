package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/corpus/shard"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// tinyVocab is the vocabulary of tinyModel and of shardCorpus.
var tinyVocab = strings.Fields("ein eine der die das Mann Frau Kind Hund fährt läuft spielt schläft im Park . ,")

// tinyModel loads "tiny.nmt" as a small LSTM model with random weights
// over tinyVocab, and slows it down by delay per decoding step.
func tinyModel(delay time.Duration) modelLoader {
	return func(paths []string, _ translate.Compute) (translateModel, error) {
		if len(paths) != 1 || filepath.Base(paths[0]) != "tiny.nmt" {
			return translateModel{}, fmt.Errorf("load model %s: no such model", strings.Join(paths, ", "))
		}
		tok := translatetest.New(tinyVocab, false)
		cfg := seq2seq.Config{SrcVocab: tok.VocabSize(), TgtVocab: tok.VocabSize(), Embed: 8, EncoderHidden: 8, EncoderLayers: 1,
			DecoderHidden: 16, Attention: "additive", AttentionDim: 8, Output: 8}
		m, err := seq2seq.New(cfg, 7)
		if err != nil {
			return translateModel{}, err
		}
		dec := translate.SearchDecoder(m)
		if delay > 0 {
			dec = slowDecoder{dec, delay}
		}
		return translateModel{dec: dec, src: tok, tgt: tok, compute: translate.ComputeFloat32}, nil
	}
}

// slowDecoder sleeps before each step, so that a test can stop a
// translation half way.
type slowDecoder struct {
	search.Decoder
	delay time.Duration
}

func (d slowDecoder) Step(st search.State, prev []int, logp, attn []float32) error {
	time.Sleep(d.delay)
	return d.Decoder.Step(st, prev, logp, attn)
}

// runShardCLI runs the nmt command line in-process, translating with
// tinyModel(delay).
func runShardCLI(t *testing.T, delay time.Duration, args ...string) (stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp()
	for i, cmd := range app.Commands {
		if cmd.Name == "translate" {
			app.Commands[i] = newTranslateCommand(tinyModel(delay))
		}
	}
	app.Writer, app.ErrWriter = &out, &errOut
	err = app.RunContext(context.Background(), append([]string{"nmt"}, args...))
	return errOut.String(), err
}

// shardCorpus writes n generated lines to a file: sentences of tinyVocab
// words, with empty lines, lines that are not valid UTF-8, unknown words
// and a last line without a newline.
func shardCorpus(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		switch {
		case i%97 == 5:
			b.WriteString("ein Mann \xff\xfe fährt") // invalid UTF-8
		case i%31 == 3:
			// empty
		case i%53 == 7:
			b.WriteString("  ")
		default:
			for w := range 1 + (i*7)%9 {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(tinyVocab[(i*13+w*5)%len(tinyVocab)])
			}
			if i%41 == 0 {
				b.WriteString(" Unbekannt")
			}
		}
		if i < n-1 {
			b.WriteByte('\n')
		}
	}
	path := filepath.Join(dir, "in.de")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestShardedTranslationMatches translates a 10,000-line file in 1, 3
// and 7 shards, merges them, and checks that the result is byte for byte
// the unsharded translation, with every bad line reported once.
func TestShardedTranslationMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("translates 10,000 lines four times")
	}
	dir := t.TempDir()
	in := shardCorpus(t, dir, 10000)
	common := []string{"translate", "-m", "tiny.nmt", "--beam", "2", "--max-len-ratio", "0.5", "-i", in}
	full := filepath.Join(dir, "full.en")
	stderr, err := runShardCLI(t, 0, append(common, "-o", full)...)
	if err = withoutLinesFailed(err); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := strings.Count(stderr, "invalid UTF-8")
	for _, n := range []int{1, 3, 7} {
		out := filepath.Join(dir, fmt.Sprintf("sharded%d.en", n))
		bad := 0
		for i := range n {
			stderr, err := runShardCLI(t, 0, append(common, "-o", out, "--shard", fmt.Sprintf("%d/%d", i, n))...)
			if err != nil {
				t.Fatalf("shard %d/%d: %v\n%s", i, n, err, stderr)
			}
			bad += strings.Count(stderr, "invalid UTF-8")
		}
		if bad != wantBad {
			t.Errorf("%d shards reported %d invalid lines, want %d", n, bad, wantBad)
		}
		shards, _ := filepath.Glob(out + ".shard-*")
		if len(shards) != 2*n {
			t.Errorf("%d shards: %d files %q, want outputs and sidecars only", n, len(shards), shards)
		}
		stderr, err := runShardCLI(t, 0, append([]string{"corpus", "merge", "-o", out}, shards...)...)
		if err != nil {
			t.Fatalf("merge %d shards: %v\n%s", n, err, stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%d shards merged differ from the unsharded translation (%d bytes, want %d)", n, len(got), len(want))
		}
	}
}

// TestShardAuto checks --shard auto/N with the variables of Kubernetes
// and Slurm, and its errors.
func TestShardAuto(t *testing.T) {
	dir := t.TempDir()
	in := shardCorpus(t, dir, 50)
	out := filepath.Join(dir, "out.en")
	args := []string{"translate", "-m", "tiny.nmt", "--beam", "1", "-i", in, "-o", out, "--shard", "auto/2"}
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	if _, err := runShardCLI(t, 0, args...); err == nil || !strings.Contains(err.Error(), "neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set") {
		t.Errorf("auto without an index: %v", err)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "2")
	if _, err := runShardCLI(t, 0, args...); err == nil || !strings.Contains(err.Error(), "SLURM_ARRAY_TASK_ID=2 is out of range") {
		t.Errorf("auto with index 2 of 2: %v", err)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "0")
	if stderr, err := runShardCLI(t, 0, args...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if stderr, err := runShardCLI(t, 0, args...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if _, err := os.Stat(shard.SidecarName(shard.OutputName(out, shard.Spec{Index: 1, Count: 2}))); err != nil {
		t.Errorf("shard 1/2 has no sidecar: %v", err)
	}
	for _, bad := range [][]string{
		{"translate", "-m", "tiny.nmt", "-i", in, "--shard", "0/2"},
		{"translate", "-m", "tiny.nmt", "-o", out, "--shard", "0/2"},
		{"translate", "-m", "tiny.nmt", "-i", in, "-o", out, "--shard", "2/2"},
	} {
		if _, err := runShardCLI(t, 0, bad...); exitCode(err) != 2 {
			t.Errorf("%q: error %v, want a usage error", bad, err)
		}
	}
}

// TestShardMergeMissing checks that a merge without one of the shards
// fails naming it, and writes nothing.
func TestShardMergeMissing(t *testing.T) {
	dir := t.TempDir()
	in := shardCorpus(t, dir, 100)
	out := filepath.Join(dir, "out.en")
	for _, i := range []int{0, 2} {
		if stderr, err := runShardCLI(t, 0, "translate", "-m", "tiny.nmt", "--beam", "1", "-i", in, "-o", out, "--shard", fmt.Sprintf("%d/3", i)); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
	}
	_, err := runShardCLI(t, 0, "corpus", "merge", "-o", out, out+".shard-*") // a glob merge expands
	if err == nil || !strings.Contains(err.Error(), "shard 1/3 ("+out+".shard-00001-of-00003): no output, no progress file") {
		t.Errorf("merge without shard 1: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed merge wrote its output")
	}
}

// checkpointRE finds the lines done in a progress file.
var checkpointRE = regexp.MustCompile(`"lines_done": ([0-9]+)`)

// TestShardKilledResumes runs a shard in another process, kills it
// (SIGKILL) part way, runs it again and checks that the second run
// resumed and that the result is the unsharded translation.
func TestShardKilledResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess for seconds")
	}
	if os.Getenv("NMT_SHARD_HELPER") != "" {
		// The subprocess: translate slowly, checkpointing often.
		shardCheckpointEvery = time.Millisecond
		_, err := runShardCLI(t, 200*time.Microsecond, strings.Fields(os.Getenv("NMT_SHARD_HELPER"))...)
		t.Fatalf("not killed: %v", err)
	}
	dir := t.TempDir()
	in := shardCorpus(t, dir, 10000)
	out := filepath.Join(dir, "out.en")
	base := []string{"translate", "-m", "tiny.nmt", "--beam", "1", "--batch-size", "8", "-i", in}
	shardArgs := func(spec string) []string { return append(slices.Clip(base), "-o", out, "--shard", spec) }
	cmd := exec.Command(os.Args[0], "-test.run=^TestShardKilledResumes$", "-test.v")
	cmd.Env = append(os.Environ(), "NMT_SHARD_HELPER="+strings.Join(shardArgs("1/2"), " "))
	var helperOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &helperOut, &helperOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	progressFile := filepath.Join(dir, ".out.en.shard-00001-of-00002.progress")
	done := 0
	for deadline := time.Now().Add(60 * time.Second); done < 1000 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		data, _ := os.ReadFile(progressFile)
		if m := checkpointRE.FindSubmatch(data); m != nil {
			fmt.Sscan(string(m[1]), &done)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if done < 1000 || done >= 5000 {
		t.Fatalf("killed after %d lines of 5000, want some but not all; helper output:\n%s", done, helperOut.String())
	}
	stderr, err := runShardCLI(t, 0, shardArgs("1/2")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var resumed int
	if m := regexp.MustCompile(`resumed_lines=([0-9]+)`).FindStringSubmatch(stderr); m != nil {
		fmt.Sscan(m[1], &resumed)
	}
	if resumed < done {
		t.Errorf("resumed after %d lines, want at least the %d of the last checkpoint seen; stderr:\n%s", resumed, done, stderr)
	}
	if stderr, err := runShardCLI(t, 0, shardArgs("0/2")...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	shards, _ := filepath.Glob(out + ".shard-*")
	if stderr, err := runShardCLI(t, 0, append([]string{"corpus", "merge", "-o", out}, shards...)...); err != nil {
		t.Fatalf("merge: %v\n%s", err, stderr)
	}
	full := filepath.Join(dir, "full.en")
	if stderr, err := runShardCLI(t, 0, append(slices.Clip(base), "-o", full)...); withoutLinesFailed(err) != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(full)
	if !bytes.Equal(got, want) || len(want) == 0 {
		t.Errorf("resumed and merged output (%d bytes) differs from the unsharded one (%d bytes)", len(got), len(want))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("files left behind: %q", left)
	}
}

// TestAlignShards checks that nmt align --shard, with and without --ref
// (a line split, cutting the reference at the same lines), merges into the
// unsharded Pharaoh links.
func TestAlignShards(t *testing.T) {
	dir := t.TempDir()
	var src, ref []string
	for i := range 200 {
		src = append(src, strings.Repeat("Haus ", 1+i%5)+"ist")
		ref = append(ref, strings.TrimSpace(strings.Repeat("house ", 1+(i*7)%4)))
	}
	in, refPath := writeLines(t, dir, "in.de", src...), writeLines(t, dir, "ref.en", ref...)
	for _, withRef := range []bool{false, true} {
		args := []string{"-i", in}
		if withRef {
			args = append(args, "--ref", refPath)
		}
		full := filepath.Join(dir, fmt.Sprintf("full-%v.align", withRef))
		if _, err := runAlign(t, "", append(args, "-o", full)...); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, fmt.Sprintf("sharded-%v.align", withRef))
		for i := range 3 {
			if _, err := runAlign(t, "", append(args, "-o", out, "--shard", fmt.Sprintf("%d/3", i))...); err != nil {
				t.Fatalf("shard %d/3, ref %v: %v", i, withRef, err)
			}
		}
		if stderr, err := runShardCLI(t, 0, "corpus", "merge", "-o", out, out+".shard-*"); err != nil {
			t.Fatalf("merge: %v\n%s", err, stderr)
		}
		got, _ := os.ReadFile(out)
		want, _ := os.ReadFile(full)
		if !bytes.Equal(got, want) || len(want) == 0 {
			t.Errorf("ref %v: merged shards differ from the unsharded links", withRef)
		}
	}
	if _, err := runAlign(t, "", "-i", in, "-f", "jsonl", "-o", filepath.Join(dir, "x"), "--shard", "0/2"); exitCode(err) != 2 {
		t.Errorf("--shard with jsonl: %v, want a usage error", err)
	}
}
