package align_test

import (
	"fmt"
	"log"
	"os"

	"github.com/attnmt/nmt/attention/align"
)

// subwords is the attention of "a cat sat" -> "un chat" over subword
// pieces, with </s> on both sides.
func subwords() align.Matrix {
	return align.Matrix{
		Source:       "a cat sat",
		Target:       "un chat",
		SourceTokens: []string{"a", "c", "at", "sat", "</s>"},
		SourceWords:  []int{0, 1, 1, 2, align.Special},
		TargetTokens: []string{"un", "ch", "at", "</s>"},
		TargetWords:  []int{0, 1, 1, align.Special},
		Weights: [][]float32{
			{0.8, 0.05, 0.05, 0, 0.1},
			{0.1, 0.5, 0.2, 0, 0.2},
			{0, 0.2, 0.6, 0, 0.2},
			{0, 0, 0, 0.1, 0.9},
		},
	}
}

func ExampleMatrix_Words() {
	m := subwords()
	w, err := m.Words(align.WordOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.SourceTokens, w.TargetTokens)
	for _, row := range w.Weights {
		fmt.Printf("%.3f\n", row)
	}
	// Output:
	// [a cat sat] [un chat]
	// [0.889 0.111 0.000]
	// [0.062 0.938 0.000]
}

func ExampleArgmax() {
	m := subwords()
	w, err := m.Words(align.WordOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(align.FormatPharaoh(align.Argmax(w)))
	fmt.Println(align.FormatPharaoh(align.Threshold(w, 0.1)))
	// Output:
	// 0-0 1-1
	// 0-0 1-0 1-1
}

func ExampleWrite() {
	m := subwords()
	w, err := m.Words(align.WordOptions{KeepSpecial: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := align.Write(os.Stdout, align.CSV, []align.Matrix{w}, align.Options{}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// sentence,target_pos,target_word,target,source_pos,source_word,source,weight
	// 0,0,0,un,0,0,a,0.8
	// 0,0,0,un,1,1,cat,0.1
	// 0,0,0,un,2,2,sat,0
	// 0,0,0,un,3,-1,</s>,0.1
	// 0,1,1,chat,0,0,a,0.05
	// 0,1,1,chat,1,1,cat,0.75
	// 0,1,1,chat,2,2,sat,0
	// 0,1,1,chat,3,-1,</s>,0.2
	// 0,2,-1,</s>,0,0,a,0
	// 0,2,-1,</s>,1,1,cat,0
	// 0,2,-1,</s>,2,2,sat,0.1
	// 0,2,-1,</s>,3,-1,</s>,0.9
}

func ExampleParsePharaoh() {
	links, err := align.ParsePharaoh("0-0 2-1 1-2")
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range links {
		fmt.Println(l.Source, l.Target)
	}
	// Output:
	// 0 0
	// 2 1
	// 1 2
}

func ExampleCompare() {
	soft := subwords()
	hard := subwords()
	hard.Weights = [][]float32{
		{1, 0, 0, 0, 0},
		{0, 0, 0, 1, 0}, // "ch" reads "sat": its word disagrees with soft's "cat"
		{0, 0, 1, 0, 0},
		{0, 0, 0, 0, 1},
	}
	c, err := align.Compare([]align.Matrix{soft}, []align.Matrix{hard})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("entropy %.3f and %.3f nats, agreement %d of %d\n", c.A.Entropy, c.B.Entropy, c.Agree, c.Words)
	// Output:
	// entropy 0.960 and 0.000 nats, agreement 2 of 3
}
