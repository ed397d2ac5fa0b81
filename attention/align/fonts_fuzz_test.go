package align

import (
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
)

// FuzzLoadFont reads arbitrary bytes as a --font file: LoadFont must
// reject them with an error naming the file, or give a font that the
// heatmap's text handler can measure labels with, without panicking.
func FuzzLoadFont(f *testing.F) {
	f.Add(goregular.TTF)
	f.Add([]byte("OTTO\x00\x01"))
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "font.ttf"
		fnt, err := ParseFont(data, name)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		h := newFallbackText([]*opentype.Font{fnt})
		label := font.From(labelFont, 10)
		for _, s := range []string{"Hund", "猫 und 😀", ""} {
			if w := h.width(s, label); w < 0 {
				t.Errorf("width of %q is %v", s, w)
			}
		}
	})
}
