package eval_test

import (
	"fmt"
	"strings"

	"github.com/attnmt/nmt/eval"
)

func ExampleCorpusBLEU() {
	hyps := []string{"The cat sat on the mat.", "A man rides a bike."}
	refs := []string{"The cat sat on the mat.", "A man is riding a bicycle."}
	b, err := eval.CorpusBLEU(hyps, refs, eval.BLEUOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b)
	// Output:
	// BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt = 59.54 84.6/63.6/55.6/57.1 (BP = 0.926 ratio = 0.929 hyp_len = 13 ref_len = 14)
}

func ExampleCorpusChrF() {
	hyps := []string{"The cat sat on the mat.", "A man rides a bike."}
	refs := []string{"The cat sat on the mat.", "A man is riding a bicycle."}
	for _, wordOrder := range []int{0, 2} {
		c, err := eval.CorpusChrF(hyps, refs, eval.ChrFOptions{WordOrder: wordOrder})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c)
	}
	// Output:
	// chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+attnmt = 59.18
	// chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0+attnmt = 61.79
}

func ExampleBLEUScorer() {
	s, err := eval.NewBLEUScorer(eval.BLEUOptions{Lowercase: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	pairs := [][2]string{{"Hello, World!", "hello , world !"}, {"Good morning.", "good morning ."}}
	for _, p := range pairs {
		if _, err := s.Add(p[0], p[1]); err != nil {
			fmt.Println(err)
			return
		}
	}
	b, _ := s.Result()
	fmt.Printf("%.2f %s\n", b.Score, b.Signature())
	// Output:
	// 100.00 nrefs:1|case:lc|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt
}

func ExampleSentenceBLEU() {
	b, _ := eval.SentenceBLEU("the cat", []string{"the cat sat on the mat"}, eval.BLEUOptions{EffectiveOrder: true})
	fmt.Printf("%.2f\n", b.Score)
	// Output:
	// 13.53
}

func ExampleTokenize13a() {
	fmt.Println(eval.Tokenize13a(`He said: "It costs $3.50, or 1,000-2,000 yen."`))
	// Output:
	// He said : " It costs $ 3.50 , or 1,000 - 2,000 yen . "
}

func ExampleAER() {
	gold, _ := eval.ParseAlignments(strings.NewReader("0-0 1-1 2p2\n"), false)
	pred, _ := eval.ParseAlignments(strings.NewReader("0-0 1-2 2-2\n"), false)
	r, _ := eval.AER(gold, pred)
	fmt.Printf("AER %.3f precision %.3f recall %.3f\n", r.AER, r.Precision, r.Recall)
	// Output:
	// AER 0.400 precision 0.667 recall 0.500
}
