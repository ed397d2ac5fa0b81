package corpus_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/attnmt/nmt/corpus"
)

func ExampleNewTSVReader() {
	in := "Ein Hund.\tA dog.\r\nZwei Katzen.\tTwo cats.\nkaputt\n"
	r := corpus.NewTSVReader(strings.NewReader(in), "pairs.tsv")
	for r.Next() {
		p := r.Pair()
		fmt.Printf("%d: %s -> %s\n", p.Line, p.Src, p.Tgt)
	}
	fmt.Println(r.Err())
	// Output:
	// 1: Ein Hund. -> A dog.
	// 2: Zwei Katzen. -> Two cats.
	// pairs.tsv:3: want 2 tab-separated fields (source<TAB>target)
}

func ExampleNewParallelReader() {
	src := strings.NewReader("eins\nzwei\ndrei\n")
	tgt := strings.NewReader("one\ntwo\n")
	pairs, err := corpus.ReadAll(corpus.NewParallelReader(src, "train.de", tgt, "train.en"))
	fmt.Println(len(pairs))
	fmt.Println(err)
	// Output:
	// 2
	// line count mismatch between train.de and train.en: train.en ends after 2 lines, first unmatched line is train.de:3
}

func ExampleFilter() {
	pairs := []corpus.Pair{
		{Src: "Ein Hund läuft.", Tgt: "A dog runs.", Line: 1},
		{Src: "", Tgt: "Nothing on the left.", Line: 2},
		{Src: "Ja", Tgt: "Yes , that is what I meant to say", Line: 3},
	}
	f := corpus.Filter{MinLen: 1, MaxLen: 50, MaxRatio: 3}
	kept, stats := f.Pairs(pairs)
	fmt.Println(len(kept), kept[0].Src)
	fmt.Println(stats)
	// Output:
	// 1 Ein Hund läuft.
	// 3 pairs: 1 kept, 1 too short, 0 too long, 1 length ratio
}

func ExampleBatcher() {
	examples := []corpus.Example{
		{Src: []int{11, 12, 13}, Tgt: []int{21, 22}, Index: 0},
		{Src: []int{14}, Tgt: []int{23, 24, 25}, Index: 1},
		{Src: []int{15, 16}, Tgt: []int{26}, Index: 2},
	}
	b, err := corpus.NewBatcher(examples, corpus.BatchOptions{
		MaxTokens: 8, // rows * max(S, T) <= 8
		Sorted:    true,
		EOS:       2,
		SrcEOS:    true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for i, batch := range b.Batches(0, 0) {
		fmt.Printf("batch %d: B=%d S=%d T=%d rows %v\n", i, batch.B, batch.S, batch.T, batch.Indices)
		for r := range batch.B {
			fmt.Println("  src", batch.SrcRow(r), "tgt", batch.TgtRow(r))
		}
		fmt.Println("  src mask", corpus.Mask[float32](batch.SrcLens, batch.S))
	}
	// Output:
	// batch 0: B=2 S=3 T=3 rows [1 2]
	//   src [14 2 0] tgt [23 24 25]
	//   src [15 16 2] tgt [26 0 0]
	//   src mask [1 1 0 1 1 1]
	// batch 1: B=1 S=4 T=2 rows [0]
	//   src [11 12 13 2] tgt [21 22]
	//   src mask [1 1 1 1]
}

// ExampleLineReader_reportLineErrors reads past bad lines, reporting each.
func ExampleLineReader_reportLineErrors() {
	r := corpus.NewLineReader(strings.NewReader("Guten Tag\nviel zu lange Zeile\n\xffoops\nTschüss\n"), "in.txt")
	r.MaxLineBytes = 12
	r.ReportLineErrors = true
	for r.Next() {
		if err := r.LineErr(); err != nil {
			fmt.Println("skip:", err)
			continue
		}
		fmt.Printf("%d: %s\n", r.Line(), r.Text())
	}
	fmt.Println("err:", r.Err())
	// Output:
	// 1: Guten Tag
	// skip: in.txt:2: line too long (more than 12 bytes)
	// skip: in.txt:3: invalid UTF-8
	// 4: Tschüss
	// err: <nil>
}
