package tokenize_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/attnmt/nmt/tokenize"
)

func Example() {
	text := strings.Repeat("a man rides a bike\na woman rides a horse\n", 10)
	tok, err := tokenize.Train(context.Background(), tokenize.TrainOptions{VocabSize: 280}, strings.NewReader(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := tok.Encode("a man rides")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.VocabSize(), e.Pieces, e.Words)
	fmt.Printf("%q\n", tok.Decode(e.IDs))
	// Output:
	// 280 [a Ġman Ġrides] [0 1 2]
	// "a man rides"
}

func ExampleTokenizer_Encode() {
	text := strings.Repeat("Ein Mann fährt Fahrrad.\n", 5)
	tok, err := tokenize.Train(context.Background(), tokenize.TrainOptions{VocabSize: 280}, strings.NewReader(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := tok.Encode("Ein Mann fährt!")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, id := range e.IDs {
		o := e.Offsets[i]
		fmt.Printf("%d %q %q word %d\n", id, e.Pieces[i], "Ein Mann fährt!"[o[0]:o[1]], e.Words[i])
	}
	// Output:
	// 274 "Ein" "Ein" word 0
	// 276 "ĠMann" " Mann" word 1
	// 277 "ĠfÃ¤hrt" " fährt" word 2
	// 37 "!" "!" word 2
}

func ExampleTokenizer_Decode() {
	tok, err := tokenize.Train(context.Background(), tokenize.TrainOptions{VocabSize: 260}, strings.NewReader(""))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := tok.Encode("ok 😀")
	ids := append([]int{tokenize.BOSID}, e.IDs...)
	ids = append(ids, tokenize.EOSID, tokenize.PadID)
	fmt.Println(ids)
	fmt.Printf("%q\n", tok.Decode(ids))
	// Output:
	// [2 115 111 36 244 163 156 132 3 0]
	// "ok 😀"
}

func ExampleTokenizer_Encode_invalidUTF8() {
	tok, err := tokenize.Train(context.Background(), tokenize.TrainOptions{VocabSize: 260}, strings.NewReader(""))
	if err != nil {
		fmt.Println(err)
		return
	}
	line := "bad \xff byte"
	if _, err := tok.Encode(line); err != nil {
		fmt.Println("line 7:", err)
	}
	fixed, changed := tokenize.RepairUTF8(line)
	e, _ := tok.Encode(fixed)
	fmt.Println(changed, tok.Decode(e.IDs))
	// Output:
	// line 7: invalid UTF-8 at byte 4
	// true bad � byte
}
