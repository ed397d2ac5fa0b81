package align

import (
	"fmt"
	"math"
	"os"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// labelFont is the primary font of heatmaps, built into the binary.
var labelFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// SystemFonts returns the paths of installed fonts, among a fixed list of
// well-known Debian and Ubuntu locations, that cover scripts Liberation
// lacks: Chinese, Japanese and Korean (Debian packages fonts-droid-fallback
// or fonts-noto-cjk) and Arabic, Hebrew, Armenian and Georgian
// (fonts-dejavu-core). Pass them to LoadFont to use them as heatmap
// fallbacks. (The WenQuanYi fonts are not listed: their tables are not
// 4-byte aligned, which golang.org/x/image/font/sfnt rejects.)
func SystemFonts() []string {
	candidates := []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	}
	var found []string
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			found = append(found, p)
		}
	}
	return found
}

// LoadFont reads a TrueType or OpenType font file, or the first font of a
// collection (.ttc), for use as a heatmap fallback font.
func LoadFont(path string) (*opentype.Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	return ParseFont(b, path)
}

// ParseFont is LoadFont of a font file's bytes; name (the file's) is used
// in errors.
func ParseFont(b []byte, name string) (*opentype.Font, error) {
	if f, err := opentype.Parse(b); err == nil {
		return f, nil
	}
	c, err := opentype.ParseCollection(b)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", name, err)
	}
	f, err := c.Font(0)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", name, err)
	}
	return f, nil
}

// fallbackText is a plain text handler that draws each run of characters
// with the first font that has them: the requested font, then the
// fallbacks in order. Characters no font has are drawn with the requested
// font (as its missing-glyph box).
type fallbackText struct {
	text.Plain
	fallbacks []*opentype.Font
	names     []font.Typeface
}

func newFallbackText(fallbacks []*opentype.Font) *fallbackText {
	h := &fallbackText{
		Plain:     text.Plain{Fonts: font.NewCache(liberation.Collection())},
		fallbacks: fallbacks,
	}
	var buf sfnt.Buffer
	for i, f := range fallbacks {
		name, err := f.Name(&buf, sfnt.NameIDFamily)
		if err != nil || name == "" {
			name = fmt.Sprintf("fallback-%d", i)
		}
		h.names = append(h.names, font.Typeface(name))
	}
	return h
}

// textRun is a piece of a line drawn with one face.
type textRun struct {
	text string
	face font.Face
}

// runs splits a line into runs of characters that share a face.
func (h *fallbackText) runs(line string, fnt font.Font) []textRun {
	primary := h.Fonts.Lookup(fnt, fnt.Size)
	if len(h.fallbacks) == 0 {
		return []textRun{{line, primary}}
	}
	faces := []font.Face{primary}
	for i, f := range h.fallbacks {
		faces = append(faces, font.Face{Font: font.Font{Typeface: h.names[i], Size: fnt.Size}, Face: f})
	}
	var (
		buf   sfnt.Buffer
		out   []textRun
		cur   = -1
		start = 0
	)
	has := func(i int, r rune) bool {
		g, err := faces[i].Face.GlyphIndex(&buf, r)
		return err == nil && g != 0
	}
	for pos, r := range line {
		if cur >= 0 && (has(cur, r) || r == ' ') {
			continue
		}
		pick := 0
		for i := range faces {
			if has(i, r) {
				pick = i
				break
			}
		}
		if pick == cur {
			continue
		}
		if cur >= 0 {
			out = append(out, textRun{line[start:pos], faces[cur]})
		}
		cur, start = pick, pos
	}
	if cur >= 0 {
		out = append(out, textRun{line[start:], faces[cur]})
	}
	return out
}

func (h *fallbackText) width(line string, fnt font.Font) vg.Length {
	var w vg.Length
	for _, r := range h.runs(line, fnt) {
		w += r.face.Width(r.text)
	}
	return w
}

// Box implements text.Handler.
func (h *fallbackText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	_, height, depth = h.Plain.Box("", fnt)
	return h.width(txt, fnt), height, depth
}

// Draw implements text.Handler, as text.Plain does but run by run.
func (h *fallbackText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if txt == "" {
		return
	}
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
		defer c.Pop()
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	pt.Y += sty.Height(txt)*vg.Length(sty.YAlign) - h.Extents(sty.Font).Ascent
	for i, line := range lines {
		x := vg.Length(sty.XAlign) * h.width(line, sty.Font)
		y := vg.Length(len(lines)-i) * sty.Font.Size
		for _, r := range h.runs(line, sty.Font) {
			c.FillString(r.face, pt.Add(vg.Point{X: x, Y: y}), r.text)
			x += r.face.Width(r.text)
		}
	}
}
