package multi30k_test

import (
	"fmt"

	"github.com/attnmt/nmt/corpus/multi30k"
)

func ExampleFiles() {
	set, err := multi30k.Files("data/multi30k", "de", "en")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.Train.Src, set.Train.Tgt)
	fmt.Println(set.Val.Src)
	fmt.Println(set.TestTok.Tgt)
	// Output:
	// data/multi30k/train.de.gz data/multi30k/train.en.gz
	// data/multi30k/val.de.gz
	// data/multi30k/test_2016_flickr.lc.norm.tok.en.gz
}
