package align

import (
	"strings"
	"testing"
)

// TestExplainedHTMLInChromium checks that a report with both maps shows
// attention and salience side by side, each with its one-line meaning,
// and that hovering a salience cell highlights the same words and the
// same lane in the attention map.
func TestExplainedHTMLInChromium(t *testing.T) {
	ms := explainedSet(t)
	ctx := openReport(t, ms)
	m := ms[0]
	cells := len(m.SourceTokens) * len(m.TargetTokens)
	if n := eval[int](ctx, t, `document.querySelectorAll('#s0 .map[data-map="attention"] td[data-w]').length`); n != cells {
		t.Errorf("attention map of sentence 1 has %d cells, want %d", n, cells)
	}
	if n := eval[int](ctx, t, `document.querySelectorAll('#s0 .map[data-map="salience"] td[data-w]').length`); n != cells {
		t.Errorf("salience map of sentence 1 has %d cells, want %d", n, cells)
	}
	// Side by side: the salience table starts to the right of the attention table.
	if side := eval[bool](ctx, t, `document.querySelector('#s0 .map[data-map="salience"]').getBoundingClientRect().left > document.querySelector('#s0 .map[data-map="attention"]').getBoundingClientRect().right`); !side {
		t.Error("the salience map is not beside the attention map")
	}
	for _, kind := range []string{"attention", "salience"} {
		if s := textOf(ctx, t, `#s0 .map[data-map="`+kind+`"] .meaning`); !strings.HasPrefix(s, kind+":") {
			t.Errorf("%s map says %q, want its meaning", kind, s)
		}
	}
	// Sentence 2 has salience alone: one map, shaded on the diverging scale.
	if n := eval[int](ctx, t, `document.querySelectorAll('#s1 table.grid').length`); n != 1 {
		t.Errorf("salience-only sentence shows %d maps, want 1", n)
	}
	if s := textOf(ctx, t, `#s1 .map[data-map="salience"] .meaning`); !strings.HasPrefix(s, "salience:") {
		t.Errorf("salience-only sentence says %q", s)
	}

	hover(ctx, t, `#s0 .map[data-map="salience"] td[data-r="1"][data-c="1"]`)
	got := classes(ctx, t, `#s0 .src [data-c="1"]`, `#s0 .tgt [data-r="1"]`,
		`#s0 .map[data-map="attention"] td[data-r="1"][data-c="2"]`, `#s0 .map[data-map="salience"] td[data-r="1"][data-c="1"]`)
	for i, what := range []string{"source word", "output word", "attention lane", "salience cell"} {
		want := "hl"
		if i == 2 {
			want = "lane"
		}
		if !strings.Contains(got[i], want) {
			t.Errorf("after hovering salience cell (1, 1), the %s has class %q, want %s", what, got[i], want)
		}
	}
	if s := textOf(ctx, t, "#s0 .info"); !strings.HasPrefix(s, "Mann → man: ") {
		t.Errorf("status after hovering salience cell (1, 1) = %q", s)
	}
}
