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
	} {
		if _, _, err := runNMT(t, bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
