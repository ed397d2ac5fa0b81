package tokenize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	sugar "github.com/sugarme/tokenizer"
	sugarbpe "github.com/sugarme/tokenizer/model/bpe"
	"github.com/sugarme/tokenizer/pretrained"
)

// loadSugar loads checked tokenizer.json bytes with sugarme's pretrained
// loader, leaving out the added tokens so that special tokens are never
// matched in input text: the pipeline newSugar builds without the loader,
// and the stock one the tests compare Tokenizer with. sugarme's loader
// panics on some malformed input; a panic is turned into an error.
func loadSugar(data []byte) (tk *sugar.Tokenizer, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("decode tokenizer.json: %w", err)
	}
	delete(fields, "added_tokens")
	view, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode tokenizer.json: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			tk, err = nil, fmt.Errorf("sugarme tokenizer loader: %v", r)
		}
	}()
	tk, err = pretrained.FromReader(bytes.NewReader(view))
	if err != nil {
		return nil, fmt.Errorf("sugarme tokenizer loader: %w", err)
	}
	return tk, nil
}

// TestNewSugarMatchesLoader checks that the pipeline newSugar builds from
// the parsed tables is the one sugarme's loader builds from the file: the
// same BPE model (vocabulary both ways, merges with their ranks and
// results, unknown token, no dropout, prefix or suffix, a cache of the
// same capacity), the same decoder, no normalizer, post-processor,
// added tokens, truncation or padding, and the same ids and decoded
// text on the small corpus. Files with duplicate merges and merges
// written as pairs are included.
func TestNewSugarMatchesLoader(t *testing.T) {
	files := map[string][]byte{"trained": trainLines(t, TrainOptions{VocabSize: 300}, smallCorpus...).JSON()}
	dup, pairs := editMerges(t, files["trained"])
	files["duplicate merge"], files["merges as pairs"] = dup, pairs
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			p, err := parseFile(data)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := newSugar(p)
			want, err := loadSugar(data)
			if err != nil {
				t.Fatal(err)
			}
			gm, wm := got.GetModel().(*sugarbpe.BPE), want.GetModel().(*sugarbpe.BPE)
			if !reflect.DeepEqual(*gm.Vocab, *wm.Vocab) || !reflect.DeepEqual(*gm.VocabR, *wm.VocabR) || !reflect.DeepEqual(*gm.Merges, *wm.Merges) {
				t.Fatal("vocabulary or merges differ from the loader's")
			}
			if *gm.UnkToken != *wm.UnkToken || gm.Dropout != wm.Dropout || gm.ContinuingSubwordPrefix != wm.ContinuingSubwordPrefix ||
				gm.EndOfWordSuffix != wm.EndOfWordSuffix || gm.Cache.Capacity != wm.Cache.Capacity {
				t.Fatalf("BPE settings %+v, the loader's %+v", gm, wm)
			}
			if !reflect.DeepEqual(got.GetDecoder(), want.GetDecoder()) || got.GetNormalizer() != nil || want.GetNormalizer() != nil ||
				got.GetPostProcessor() != nil || want.GetPostProcessor() != nil || got.GetTruncation() != nil || want.GetTruncation() != nil ||
				got.GetPadding() != nil || want.GetPadding() != nil || got.GetVocabSize(true) != want.GetVocabSize(true) {
				t.Fatal("decoder, normalizer, post-processor, added tokens, truncation or padding differ from the loader's")
			}
			got.WithPreTokenizer(want.GetPreTokenizer())
			for _, text := range append(smallCorpus, "", " a  b ", "it's 'll", "<s>x</s>", "日本語 😀") {
				g, err := got.EncodeSingle(text, false)
				if err != nil {
					t.Fatal(err)
				}
				w, err := want.EncodeSingle(text, false)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(g.Ids, w.Ids) || !reflect.DeepEqual(g.Offsets, w.Offsets) || got.Decode(g.Ids, true) != want.Decode(w.Ids, true) {
					t.Fatalf("%q: ids %v offsets %v, the loader's %v %v", text, g.Ids, g.Offsets, w.Ids, w.Offsets)
				}
			}
		})
	}
}

// editMerges returns data with its first merge listed again at the end,
// and data with every merge written as a pair ["a", "b"].
func editMerges(t *testing.T, data []byte) (dup, pairs []byte) {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	m := f["model"].(map[string]any)
	merges := m["merges"].([]any)
	m["merges"] = append(slices.Clone(merges), merges[0])
	dup, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	asPairs := make([]any, len(merges))
	for i, s := range merges {
		a, b, _ := bytes.Cut([]byte(s.(string)), []byte(" "))
		asPairs[i] = []string{string(a), string(b)}
	}
	m["merges"] = asPairs
	if pairs, err = json.Marshal(f); err != nil {
		t.Fatal(err)
	}
	return dup, pairs
}
