package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/corpus/corpustest"
)

// evalUpdate rewrites the golden files of the eval command's tests:
// go test ./cmd/nmt -run TestEval -update-eval (or -update, where a test
// file of this package defines that flag).
var evalUpdate = flag.Bool("update-eval", false, "rewrite testdata/eval/*.golden")

// evalUpdating reports whether golden files are to be rewritten.
func evalUpdating() bool {
	if *evalUpdate {
		return true
	}
	if f := flag.Lookup("update"); f != nil {
		return f.Value.String() == "true"
	}
	return false
}

// runEval runs the app in-process with stdin and returns stdout and the error.
func runEval(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errOut
	app.Reader = strings.NewReader(stdin)
	err := runApp(context.Background(), app, append([]string{"nmt"}, args...))
	return out.String(), err
}

func TestEvalGolden(t *testing.T) {
	td := filepath.Join("testdata", "eval")
	hyp, ref, ref2 := filepath.Join(td, "hyp.txt"), filepath.Join(td, "ref.txt"), filepath.Join(td, "ref2.txt")
	stdin, err := os.ReadFile(hyp)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		golden string
		stdin  string
		args   []string
	}{
		{"corpus.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "--metrics", "bleu,chrf,chrf++"}},
		{"corpus_json.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "-m", "chrf++,bleu", "--format", "json"}},
		{"lowercase_none.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "--lowercase", "--tokenize", "none", "-w", "4"}},
		{"stdin.golden", string(stdin), []string{"eval", "--hyp", "-", "--ref", ref}},
		{"multiref.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "--ref", ref2, "-m", "bleu,chrf"}},
		{"sentence.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "--sentence"}},
		{"sentence_json.golden", "", []string{"eval", "--hyp", hyp, "--ref", ref, "--sentence", "-m", "chrf", "-f", "json"}},
		{"align.golden", "", []string{"eval", "align", "--gold", filepath.Join(td, "gold.talp"), "--gold-one-based", "--pred", filepath.Join(td, "pred.txt")}},
		{"align_json.golden", "", []string{"eval", "align", "--gold", filepath.Join(td, "gold.talp"), "--gold-one-based", "--pred", filepath.Join(td, "pred.txt"), "-f", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := runEval(t, tt.stdin, tt.args...)
			if err != nil {
				t.Fatalf("nmt %s: %v", strings.Join(tt.args, " "), err)
			}
			path := filepath.Join(td, tt.golden)
			if evalUpdating() {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-eval to create it)", err)
			}
			if got != string(want) {
				t.Errorf("nmt %s output:\n%s\nwant (%s):\n%s", strings.Join(tt.args, " "), got, path, want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	td := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(td, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	three := write("three.txt", "a\nb\nc\n")
	two := write("two.txt", "a\nb\n")
	emptyRef := write("emptyref.txt", "a\n  \nc\n")
	badUTF8 := write("bad.txt", "a\nb\xff\nc\n")
	empty := write("empty.txt", "")
	gold := write("gold.txt", "0-0\n1x1\n")
	tests := []struct {
		name  string
		args  []string
		code  int
		inErr string
	}{
		{"line counts", []string{"eval", "--hyp", three, "--ref", two}, 1, "three.txt has 3 lines, " + two + " has 2"},
		{"empty reference", []string{"eval", "--hyp", three, "--ref", emptyRef}, 1, "emptyref.txt:2: empty reference"},
		{"invalid UTF-8", []string{"eval", "--hyp", badUTF8, "--ref", three}, 1, "bad.txt:2: invalid UTF-8"},
		{"empty files", []string{"eval", "--hyp", empty, "--ref", empty}, 1, "no lines to score"},
		{"missing file", []string{"eval", "--hyp", filepath.Join(td, "nope.txt"), "--ref", three}, 1, "nope.txt"},
		{"no flags", []string{"eval"}, 2, "--hyp and --ref are required"},
		{"both stdin", []string{"eval", "--hyp", "-", "--ref", "-"}, 2, "only one of --hyp and --ref"},
		{"unknown metric", []string{"eval", "--hyp", three, "--ref", three, "-m", "bleu,ter"}, 2, `unknown metric "ter"`},
		{"unknown tokenizer", []string{"eval", "--hyp", three, "--ref", three, "--tokenize", "intl"}, 2, "unknown tokenizer"},
		{"unknown format", []string{"eval", "--hyp", three, "--ref", three, "-f", "xml"}, 2, "unknown format"},
		{"sentence metrics", []string{"eval", "--hyp", three, "--ref", three, "--sentence", "-m", "bleu,chrf"}, 2, "single metric"},
		{"stray argument", []string{"eval", "--hyp", three, "--ref", three, "extra"}, 2, "unexpected argument"},
		{"align flags", []string{"eval", "align", "--gold", gold}, 2, "--gold and --pred are required"},
		{"align parse", []string{"eval", "align", "--gold", gold, "--pred", two}, 1, "gold.txt: line 2: link \"1x1\""},
		{"align one-based", []string{"eval", "align", "--gold", write("zero.txt", "1-1 0-1\n"), "--pred", gold, "--one-based"}, 1, "zero.txt: line 1: link \"0-1\": index 0 in 1-based alignments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runEval(t, "", tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.inErr) {
				t.Errorf("error %q, want one containing %q", err, tt.inErr)
			}
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d", got, tt.code)
			}
			var ec cli.ExitCoder
			if tt.code == 2 && !errors.As(err, &ec) {
				t.Errorf("usage error %v is not a cli.ExitCoder", err)
			}
		})
	}
	counts := []string{"eval", "align", "--gold", write("g3.txt", "0-0\n0-0\n0-0\n"), "--pred", write("p1.txt", "0-0\n")}
	if _, err := runEval(t, "", counts...); err == nil || !strings.Contains(err.Error(), "has 3 lines") || !strings.Contains(err.Error(), "has 1") {
		t.Errorf("alignment line count error %v", err)
	}
}

// TestEvalVectors checks the command end to end on one set of the shared
// sacreBLEU vectors (the eval package checks all of them).
func TestEvalVectors(t *testing.T) {
	vec := corpustest.SharedDir(t, "eval-vectors", "multi30k-test2016-en")
	data, err := os.ReadFile(filepath.Join(vec, "expected.json"))
	if err != nil {
		t.Skipf("sacreBLEU vectors absent: %v", err)
	}
	var exp struct {
		Cases map[string]map[string]float64 `json:"cases"`
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	const name = "no_final_punct_and_spaced_commas"
	out, err := runEval(t, "", "eval", "--hyp", filepath.Join(vec, "hyp."+name+".txt"), "--ref", filepath.Join(vec, "ref.txt"),
		"-m", "bleu,chrf,chrf++", "-f", "json", "-w", "4")
	if err != nil {
		t.Fatal(err)
	}
	var scores []struct {
		Name  string  `json:"name"`
		Score float64 `json:"score"`
	}
	if err := json.Unmarshal([]byte(out), &scores); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	keys := map[string]string{"BLEU": "bleu", "chrF2": "chrf", "chrF2++": "chrf_pp"}
	if len(scores) != 3 {
		t.Fatalf("got %d scores: %s", len(scores), out)
	}
	for _, s := range scores {
		want, ok := exp.Cases[name][keys[s.Name]]
		if !ok {
			t.Fatalf("no expected %s", s.Name)
		}
		if math.Abs(s.Score-want) > 0.00005+1e-9 {
			t.Errorf("%s = %.4f, sacreBLEU %.4f", s.Name, s.Score, want)
		}
	}
}
