package align

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHeatmapPaths(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	sep := string(os.PathSeparator)
	tests := []struct {
		name    string
		out     string
		n       int
		f       Format
		want    []string // relative to dir
		wantErr error
	}{
		{"one sentence is the file", filepath.Join(dir, "one.png"), 1, PNG, []string{"one.png"}, nil},
		{"pattern", filepath.Join(dir, "h-%02d.svg"), 3, SVG, []string{"h-01.svg", "h-02.svg", "h-03.svg"}, nil},
		{"pattern for one", filepath.Join(dir, "h-%d.svg"), 1, SVG, []string{"h-1.svg"}, nil},
		{"many make a directory", filepath.Join(dir, "new"), 2, PNG, []string{"new/sentence-0001.png", "new/sentence-0002.png"}, nil},
		{"one into an existing directory", existing, 1, SVG, []string{"existing/sentence-0001.svg"}, nil},
		{"one into a new directory", filepath.Join(dir, "slash") + sep, 1, SVG, []string{"slash/sentence-0001.svg"}, nil},
		{"two verbs", filepath.Join(dir, "x-%s-%d.svg"), 2, SVG, nil, ErrPattern},
		{"no number verb", filepath.Join(dir, "x-%%.svg"), 2, SVG, nil, ErrPattern},
		{"verb for a string", filepath.Join(dir, "x-%s.svg"), 2, SVG, nil, ErrPattern},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HeatmapPaths(tt.out, tt.n, tt.f)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, filepath.Join(dir, filepath.FromSlash(w)))
			}
			if !slices.Equal(got, want) {
				t.Errorf("paths %q, want %q", got, want)
			}
			if err == nil && len(got) > 0 {
				if st, err := os.Stat(filepath.Dir(got[0])); err != nil || !st.IsDir() {
					t.Errorf("directory of %s not there: %v", got[0], err)
				}
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	ms := []Matrix{sample()}
	if err := WriteFile(path, JSON, ms, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := ReadJSON(f, path)
	if err != nil || len(back) != 1 || !slices.Equal(back[0].TargetTokens, ms[0].TargetTokens) {
		t.Fatalf("read back %v, %v", back, err)
	}
	before, _ := os.ReadFile(path)
	// A failing writer (an unknown format) leaves the old file alone.
	if err := WriteFile(path, Format("xml"), ms, Options{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("WriteFile in an unknown format: %v, want an error naming the file", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("a failed WriteFile changed the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d files, want 1 (temporary files left?)", len(entries))
	}
}

func TestWriteHeatmapFiles(t *testing.T) {
	dir := t.TempDir()
	ms := []Matrix{sample(), sample()}
	if err := WriteHeatmapFiles(filepath.Join(dir, "heat"), SVG, ms, HeatmapOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sentence-0001.svg", "sentence-0002.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, "heat", name))
		if err != nil || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("%s: %v (%d bytes)", name, err, len(b))
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "heat")); len(entries) != 2 {
		t.Errorf("heat holds %d files, want 2", len(entries))
	}
	bad := []Matrix{sample(), {}}
	if err := WriteHeatmapFiles(filepath.Join(dir, "bad-%d.svg"), SVG, bad, HeatmapOptions{}); err == nil || !strings.Contains(err.Error(), "sentence 2") {
		t.Errorf("an empty second matrix: %v, want an error naming sentence 2", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-2.svg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed heatmap file exists: %v", err)
	}
	if err := WriteHeatmapFiles(dir, JSON, ms, HeatmapOptions{}); err == nil {
		t.Error("WriteHeatmapFiles in JSON succeeded")
	}
	if err := WriteHeatmapFiles(filepath.Join(dir, "x-%s.svg"), SVG, ms, HeatmapOptions{}); !errors.Is(err, ErrPattern) {
		t.Errorf("bad pattern: %v, want ErrPattern", err)
	}
}
