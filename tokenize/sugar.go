package tokenize

import (
	sugar "github.com/sugarme/tokenizer"
	sugarmodel "github.com/sugarme/tokenizer/model"
	sugarbpe "github.com/sugarme/tokenizer/model/bpe"
	"github.com/sugarme/tokenizer/pretokenizer"
)

// newSugar builds sugarme's tokenizer for a checked file from its parsed
// tables: what sugarme's pretrained loader builds from the file without
// its added tokens (see loadSugar in the tests, which
// TestNewSugarMatchesLoader compares it with), without decoding the JSON
// again. The BPE model shares p's vocabulary map, which nothing changes.
// The pre-tokenizer is left to the caller. newSugar returns the tokenizer
// and its BPE model.
func newSugar(p *parsed) (*sugar.Tokenizer, *sugarbpe.BPE) {
	vocab := sugarmodel.Vocab(p.ids)
	vocabR := make(sugarmodel.VocabR, len(p.pieces))
	for id, s := range p.pieces {
		vocabR[id] = s
	}
	// As sugarbpe.CreateMerges reads the file's merges: ranked in file order,
	// a pair listed twice keeping its last rank.
	merges := make(sugarbpe.Merges, len(p.merges))
	for rank, m := range p.merges {
		pair := sugarbpe.Pair{C1: p.ids[m[0]], C2: p.ids[m[1]]}
		merges[pair] = sugarbpe.PairVal{Rank: rank, NewId: p.ids[m[0]+m[1]]}
	}
	unk := UnkToken
	bpe := &sugarbpe.BPE{
		Vocab:    &vocab,
		VocabR:   &vocabR,
		Merges:   &merges,
		Cache:    sugarbpe.NewCache(sugarbpe.DefaultCacheCapacity),
		UnkToken: &unk,
	}
	tk := sugar.NewTokenizer(bpe)
	tk.WithDecoder(&pretokenizer.ByteLevel{AddPrefixSpace: p.decoder.AddPrefixSpace, TrimOffsets: p.decoder.TrimOffsets})
	return tk, bpe
}
