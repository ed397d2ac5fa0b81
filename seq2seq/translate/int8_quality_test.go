package translate_test

import (
	"testing"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/eval"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// TestInt8Quality guards the int8 decoder's quality: the built-in de-en
// model, greedy, on the first 200 sentences of Multi30k val, must score
// within 0.3 BLEU of float32 (on test_2016_flickr the two differ by 0.03).
// A quantization regression fails it.
func TestInt8Quality(t *testing.T) {
	if !linalg.Int8Fast() {
		t.Skip("no int8 vector kernel on this CPU")
	}
	dir := corpustest.SharedDir(t, "data", "multi30k")
	pairs, err := corpus.ReadParallel(dir+"/val.de.gz", dir+"/val.en.gz")
	if err != nil {
		t.Fatal(err)
	}
	pairs = pairs[:200]
	src, refs := make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		src[i], refs[i] = p.Src, p.Tgt
	}
	f, err := pretrained.Load("de-en")
	if err != nil {
		t.Fatal(err)
	}
	bleu := map[translate.Compute]float64{}
	for _, c := range []translate.Compute{translate.ComputeFloat32, translate.ComputeInt8} {
		m, err := translate.NewModel(f, c)
		if err != nil {
			t.Fatal(err)
		}
		opt := translate.DefaultOptions()
		opt.Search.Beam = 1
		tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TranslateLines(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		hyps := make([]string, len(res))
		for i := range res {
			hyps[i] = res[i].Translation()
		}
		b, err := eval.CorpusBLEU(hyps, refs, eval.BLEUOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bleu[c] = b.Score
	}
	t.Logf("BLEU on 200 val sentences, greedy: float32 %.2f, int8 %.2f", bleu[translate.ComputeFloat32], bleu[translate.ComputeInt8])
	if d := bleu[translate.ComputeFloat32] - bleu[translate.ComputeInt8]; d > 0.3 {
		t.Errorf("int8 scores %.2f BLEU below float32 (at most 0.3)", d)
	}
}
