package align

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
)

// cjkFont loads the first installed system font that has Han characters,
// skipping the test when there is none.
func cjkFont(t *testing.T) *opentype.Font {
	t.Helper()
	for _, p := range SystemFonts() {
		f, err := LoadFont(p)
		if err != nil {
			t.Logf("LoadFont(%s): %v", p, err)
			continue
		}
		if hasGlyph(f, '猫') {
			return f
		}
	}
	t.Skip("no CJK font installed (apt-get install fonts-droid-fallback)")
	return nil
}

func hasGlyph(f *opentype.Font, r rune) bool {
	g, err := f.GlyphIndex(nil, r)
	return err == nil && g != 0
}

func TestFallbackRuns(t *testing.T) {
	cjk := cjkFont(t)
	h := newFallbackText([]*opentype.Font{cjk})
	fnt := font.From(labelFont, 10)
	tests := []struct {
		in   string
		want []string // run texts
	}{
		{"cat", []string{"cat"}},
		{"Кошка γάτα", []string{"Кошка γάτα"}},
		{"猫", []string{"猫"}},
		{"a猫b", []string{"a", "猫", "b"}},
		{"两只 猫", []string{"两只 猫"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range h.runs(tt.in, fnt) {
			got = append(got, r.text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("runs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if w := h.width("猫猫", fnt); w <= h.width("猫", fnt) || w > 2*fnt.Size*1.2 {
		t.Errorf("width of two Han characters at 10pt = %v", w)
	}
}

func TestHeatmapCJK(t *testing.T) {
	cjk := cjkFont(t)
	m := Matrix{
		Source: "一只 猫 在 睡觉", Target: "A cat sleeps",
		SourceTokens: []string{"一只", "猫", "在", "睡觉"}, SourceWords: []int{0, 1, 2, 3},
		TargetTokens: []string{"A", "cat", "sleeps"}, TargetWords: []int{0, 1, 2},
	}
	for _, k := range []int{0, 1, 3} {
		m.Weights = append(m.Weights, peaked(4, k, 0.8))
	}
	// Labels of Han characters cover more ink with the fallback font than
	// with Liberation's missing-glyph boxes, and differ from them.
	with, without := renderPNG(t, m, []*opentype.Font{cjk}), renderPNG(t, m, nil)
	if bytes.Equal(with, without) {
		t.Fatal("the fallback font changed nothing")
	}
	if d := os.Getenv("ALIGN_KEEP"); d != "" {
		os.WriteFile(d+"/cjk.png", with, 0o644)
	}
	var svg bytes.Buffer
	if err := WriteHeatmap(&svg, SVG, m, HeatmapOptions{Fonts: []*opentype.Font{cjk}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), ">睡觉<") {
		t.Error("SVG lacks the Han label text")
	}
}

func renderPNG(t *testing.T, m Matrix, fonts []*opentype.Font) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHeatmap(&buf, PNG, m, HeatmapOptions{Fonts: fonts}); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadFontErrors(t *testing.T) {
	if _, err := LoadFont("testdata/no-such-font.ttf"); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := LoadFont("testdata/sentences.csv"); err == nil || !strings.Contains(err.Error(), "sentences.csv") {
		t.Errorf("not a font: error = %v, want one naming the file", err)
	}
}
