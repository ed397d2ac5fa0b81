package translate_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/safetensors"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/tokenize"
)

// FuzzLoadModel runs the whole loading path on arbitrary bytes: the model
// file, both tokenizers in its metadata and the int8 preparation. Either
// a step fails with an error, or the model passes its check and
// translates a sentence in both computes. The seed is a model of 260
// tokens (the byte tokens and specials) with tiny layers and a
// merge-free tokenizer.
func FuzzLoadModel(f *testing.F) {
	tok, err := tokenize.Train(context.Background(), tokenize.TrainOptions{VocabSize: 260}, strings.NewReader("ein Hund\n"))
	if err != nil {
		f.Fatal(err)
	}
	v := tok.VocabSize()
	cfg := seq2seq.Config{SrcVocab: v, TgtVocab: v, Embed: 2, EncoderHidden: 1, EncoderLayers: 1, DecoderHidden: 2,
		Attention: seq2seq.AttentionAdditive, AttentionDim: 1, Output: 2, ShareEmbeddings: true, TieEmbeddings: true}
	cfg.Output = cfg.Embed
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		f.Fatal(err)
	}
	path := f.TempDir() + "/seed.safetensors"
	if err := (&seq2seq.File{Model: m, SrcTokenizer: tok.JSON(), TgtTokenizer: tok.JSON()}).Save(path, safetensors.F16); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := seq2seq.ReadFile(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		if err := file.Model.CheckWeights(); err != nil {
			t.Fatalf("loaded a model that fails its check: %v", err)
		}
		tm, err := translate.NewModel(file, translate.ComputeInt8)
		if err != nil {
			return // a bad tokenizer, or int8 refusing a weight
		}
		f32 := translate.SearchDecoder(file.Model)
		for _, dec := range []search.Decoder{tm.Decoder, f32} {
			opt := translate.DefaultOptions()
			opt.Search.Beam, opt.Search.MaxLenRatio, opt.Search.MaxLenConst, opt.Workers = 2, 0, 3, 1
			tr, err := translate.New(dec, tm.Src, tm.Tgt, opt)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tr.TranslateLines(context.Background(), []string{"ein Hund"})
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Fatalf("a loaded model fails to translate: %v %+v", err, res)
			}
		}
	})
}
