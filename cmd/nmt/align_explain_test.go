package main

import (
	"strings"
	"testing"
)

// TestAlignExplainBuiltIn drives --explain and --faithfulness with the
// built-in model on sentences written for this test.
func TestAlignExplainBuiltIn(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the built-in model")
	}
	dir := t.TempDir()
	src := writeLines(t, dir, "src.de", "Ein Hund läuft über die Wiese.", "", "Zwei Kinder spielen.")
	ref := writeLines(t, dir, "ref.en", "A dog runs across the meadow.", "", "Two children are playing.")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"both jsonl", []string{"--explain", "both", "-f", "jsonl"}, []string{`"salience":[[`, `"weights":[[`}},
		{"salience json", []string{"--explain", "salience", "--salience-layer", "states", "--salience-abs", "-f", "json"}, []string{`"map":"salience"`}},
		{"salience csv", []string{"--explain", "both", "--smoothgrad", "2", "-f", "csv"}, []string{"source,attention,salience\n"}},
		{"salience pharaoh keeps lines", []string{"--explain", "salience", "-f", "pharaoh"}, []string{"\n\n"}},
		{"faithfulness", []string{"--faithfulness"}, []string{"sentences\t2\n", "words\t10\n", "drop salience\t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runNMT(t, append([]string{"align", "-i", src, "--ref", ref}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%.600s", w, out)
				}
			}
			if tt.name == "salience pharaoh keeps lines" && strings.Count(out, "\n") != 3 {
				t.Errorf("%d lines for 3 inputs: %q", strings.Count(out, "\n"), out)
			}
		})
	}
	for _, bad := range [][]string{
		{"align", "-i", src, "--ref", ref, "--explain", "gradients"},
		{"align", "-i", src, "--ref", ref, "--explain", "salience", "--salience-layer", "keys"},
		{"align", "-i", src, "--faithfulness"},
		{"align", "-i", src, "--ref", ref, "--smoothgrad", "-1"},
		{"align", "-m", "de-en", "-m", "de-en", "-i", src, "--ref", ref, "--explain", "salience"},
	} {
		if _, _, err := runNMT(t, bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestAlignSymmetrizeBuiltIn symmetrizes the built-in de-en and en-de
// models' links: one line per input line, an empty line for an empty
// pair, and clear errors for a model of the same direction and for a
// missing reverse model.
func TestAlignSymmetrizeBuiltIn(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the built-in models")
	}
	dir := t.TempDir()
	src := writeLines(t, dir, "src.de", "Ein Hund läuft.", "", "Zwei Kinder spielen.")
	ref := writeLines(t, dir, "ref.en", "A dog runs.", "", "Two children play.")
	args := []string{"align", "-m", "de-en", "-i", src, "--ref", ref, "-f", "pharaoh"}
	inter, _, err := runNMT(t, append(args, "--reverse-model", "en-de", "--symmetrize", "intersect")...)
	if err != nil {
		t.Fatal(err)
	}
	union, _, err := runNMT(t, append(args, "--reverse-model", "en-de", "--symmetrize", "union", "--explain", "salience")...)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{inter, union} {
		lines := strings.Split(out, "\n")
		if len(lines) != 4 || lines[1] != "" || !strings.HasPrefix(lines[0], "0-0") {
			t.Errorf("output %q: want 3 lines, the second empty", out)
		}
	}
	if _, _, err := runNMT(t, append(args, "--reverse-model", "de-en", "--symmetrize", "union")...); err == nil || !strings.Contains(err.Error(), "de->en") {
		t.Errorf("same-direction reverse model: %v", err)
	}
	if _, _, err := runNMT(t, append(args, "--symmetrize", "union")...); err == nil {
		t.Error("no error without --reverse-model")
	}
	if _, _, err := runNMT(t, append(args, "--reverse-model", "en-de", "--symmetrize", "grow")...); err == nil {
		t.Error("no error for an unknown heuristic")
	}
}
