package translate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// TestCancelWidestBeam translates with the built-in model at the widest
// beam and cancels: the run returns context.Canceled within a second.
// (Before beams were bounded and wide batches split, one step of beam
// 100,000 took tens of seconds.)
func TestCancelWidestBeam(t *testing.T) {
	f, err := pretrained.Load(pretrained.Default)
	if err != nil {
		t.Fatal(err)
	}
	m, err := translate.NewModel(f, translate.ComputeAuto)
	if err != nil {
		t.Fatal(err)
	}
	opt := translate.DefaultOptions()
	opt.Search.Beam = search.MaxBeam
	tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
	if err != nil {
		t.Fatal(err)
	}
	lines := make([]string, 256)
	for i := range lines {
		lines[i] = strings.Repeat("Ein Mann mit einem roten Hut fährt mit dem Fahrrad die Straße entlang. ", 1+i%3)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var canceled time.Time
	time.AfterFunc(300*time.Millisecond, func() { canceled = time.Now(); cancel() })
	_, err = tr.TranslateLines(ctx, lines)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	took := time.Since(canceled)
	t.Logf("stopped %v after the cancellation", took)
	if took > 2*time.Second { // 1 s is the aim; room for a loaded machine
		t.Errorf("stopped %v after the cancellation, want within a second or two", took)
	}
}
