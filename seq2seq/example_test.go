package seq2seq_test

import (
	"context"
	"fmt"

	"github.com/attnmt/nmt/seq2seq"
)

// A model is built from a configuration; its parameters are listed in a
// fixed order for the optimizer and the model file.
func ExampleNew() {
	cfg := seq2seq.DefaultConfig()
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(m.Params()), "tensors,", m.NumParams(), "parameters")
	fmt.Println(m.Params()[0].Name, m.Params()[0].Shape)
	// Output:
	// 20 tensors, 12137792 parameters
	// src_embed [8000 256]
}

// Forced alignment: score a given translation and read, for each of its
// tokens and the closing </s>, the attention over the source tokens and
// the source's </s>.
func ExampleDecoder_Force() {
	cfg := seq2seq.Config{SrcVocab: 20, TgtVocab: 20, Embed: 8, EncoderHidden: 8, EncoderLayers: 1,
		DecoderHidden: 16, Attention: seq2seq.AttentionAdditive, AttentionDim: 8, Output: 8}
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	src := [][]int{{5, 6, 7}}
	tgt := [][]int{{8, 9}}
	forced, err := m.NewDecoder().Force(context.Background(), src, tgt)
	if err != nil {
		panic(err)
	}
	f := forced[0]
	fmt.Println(len(f.Attn), "rows of", len(f.Attn[0]), "weights")
	var sum float32
	for _, w := range f.Attn[0] {
		sum += w
	}
	fmt.Printf("each row sums to %.3f\n", sum)
	// Output:
	// 3 rows of 4 weights
	// each row sums to 1.000
}
