package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/attention/align"
)

// attentionExports returns word-level JSON exports of the forced
// alignment of one sentence pair by three kinds of attention, by file
// name: soft.json (diagonal, spread), hard.json (one-hot, agreeing with
// soft on 5 of 6 words), local.json (peaked, agreeing on all).
func attentionExports(t *testing.T) map[string]string {
	t.Helper()
	words := []int{0, 1, 2, 3, 4, 5}
	base := align.Matrix{
		Source: "Ein Hund läuft über die Wiese.", Target: "A dog runs across the meadow.",
		SourceTokens: strings.Fields("Ein Hund läuft über die Wiese."), SourceWords: words,
		TargetTokens: strings.Fields("A dog runs across the meadow."), TargetWords: words,
	}
	rows := func(peak float32, picks []int) [][]float32 {
		var w [][]float32
		for _, k := range picks {
			row := make([]float32, 6)
			for i := range row {
				row[i] = (1 - peak) / 5
			}
			row[k] = peak
			w = append(w, row)
		}
		return w
	}
	out := map[string]string{}
	for name, w := range map[string][][]float32{
		"soft.json":  rows(0.5, []int{0, 1, 2, 3, 4, 5}),
		"hard.json":  rows(1, []int{0, 1, 2, 3, 5, 5}),
		"local.json": rows(0.9, []int{0, 1, 2, 3, 4, 5}),
	} {
		m := base
		m.Weights = w
		var b bytes.Buffer
		if err := align.WriteJSON(&b, []align.Matrix{m}); err != nil {
			t.Fatal(err)
		}
		out[name] = b.String()
	}
	return out
}

func TestEvalAttention(t *testing.T) {
	dir := t.TempDir()
	for name, text := range attentionExports(t) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	soft, hard := filepath.Join(dir, "soft.json"), filepath.Join(dir, "hard.json")
	out, err := runEval(t, "", "eval", "attention", soft, hard)
	if err != nil {
		t.Fatal(err)
	}
	// soft rows: 0.5 and five of 0.1: -(0.5 ln 0.5 + 5 * 0.1 ln 0.1) = 1.4979.
	for _, want := range []string{
		soft + ": entropy 1.4979 nats per output word (6 words, 1 sentences)",
		hard + ": entropy 0.0000 nats per output word (6 words, 1 sentences)",
		"argmax agreement 0.8333 (5 of 6 output words)",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	stdin, err := os.ReadFile(hard)
	if err != nil {
		t.Fatal(err)
	}
	js, err := runEval(t, string(stdin), "eval", "attention", "-f", "json", soft, "-")
	if err != nil {
		t.Fatal(err)
	}
	var c align.Comparison
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	if c.Sentences != 1 || c.Agree != 5 || c.Words != 6 || c.B.Entropy != 0 || c.A.Rows != 6 {
		t.Errorf("JSON comparison %+v", c)
	}
	one, err := runEval(t, "", "eval", "attention", "--format", "json", soft)
	if err != nil || strings.Contains(one, `"b"`) || !strings.Contains(one, `"a":{"rows":6,"entropy":1.49`) {
		t.Errorf("one file as JSON: %v %s", err, one)
	}
}

func TestEvalAttentionErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ex := attentionExports(t)
	soft := write("soft.json", ex["soft.json"])
	other := write("other.json", strings.ReplaceAll(ex["hard.json"], "meadow.", "field."))
	empty := write("empty.json", "[]\n")
	bad := write("bad.jsonl", ex["soft.json"][2:]) // the array's closing ] is line 2

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{}, "want one or two alignment exports, got 0 arguments"},
		{"three files", []string{soft, soft, soft}, "got 3 arguments"},
		{"two stdins", []string{"-", "-"}, "only one file can be -"},
		{"format", []string{"-f", "csv", soft}, `unknown format "csv"`},
		{"missing", []string{filepath.Join(dir, "nope.json")}, "nope.json: no such file"},
		{"empty", []string{empty}, "empty.json: no sentences"},
		{"broken", []string{bad}, "bad.jsonl:2:"},
		{"other tokens", []string{soft, other}, `compare ` + soft + ` with ` + other + `: sentence 0: output token 5 differs: "meadow." against "field."`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runEval(t, "", append([]string{"eval", "attention"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
