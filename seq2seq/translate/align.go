package translate

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Aligner exports the attention of a model as alignment matrices: of its
// own best translation, or, given references, of those (forced
// alignment). It implements align.Aligner.
type Aligner struct {
	Model  *Model
	Search search.Options
	// BatchSize is the number of sentences encoded together; 0 means 32.
	BatchSize int
	// Explain chooses the maps returned (attention when empty); salience
	// is measured on SalienceLayer with the options Salience.
	Explain       Explain
	SalienceLayer SalienceLayer
	Salience      SalienceOptions
}

// Align returns one subword-level matrix per source line. With refs nil
// the model translates each line and the matrix is that of its best
// hypothesis; otherwise refs[i] is scored as the translation of srcs[i].
// The source's and the output's </s> are the last column and row, marked
// align.Special. Errors name the 1-based line.
func (a *Aligner) Align(ctx context.Context, srcs, refs []string) ([]align.Matrix, error) {
	if refs != nil && len(refs) != len(srcs) {
		return nil, fmt.Errorf("align: %d source lines but %d references", len(srcs), len(refs))
	}
	bs := a.BatchSize
	if bs <= 0 {
		bs = 32
	}
	out := make([]align.Matrix, 0, len(srcs))
	for start := 0; start < len(srcs); start += bs {
		end := min(start+bs, len(srcs))
		var batchRefs []string
		if refs != nil {
			batchRefs = refs[start:end]
		}
		ms, err := a.alignBatch(ctx, srcs[start:end], batchRefs, start)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

func (a *Aligner) alignBatch(ctx context.Context, srcs, refs []string, first int) ([]align.Matrix, error) {
	encs := make([]tokenize.Encoding, len(srcs))
	ids := make([][]int, len(srcs))
	for i, line := range srcs {
		enc, err := a.Model.Src.Encode(line)
		if err != nil {
			return nil, fmt.Errorf("source line %d: %w", first+i+1, err)
		}
		encs[i], ids[i] = enc, enc.IDs
	}
	var outIDs [][]int
	var weights [][][]float32
	var forced []seq2seq.Forced
	var err error
	if refs != nil {
		outIDs = make([][]int, len(refs))
		for i, line := range refs {
			enc, err := a.Model.Tgt.Encode(line)
			if err != nil {
				return nil, fmt.Errorf("reference line %d: %w", first+i+1, err)
			}
			outIDs[i] = enc.IDs
		}
		if weights, err = a.forcedAttention(ctx, ids, outIDs); err != nil {
			return nil, fmt.Errorf("align lines %d-%d: %w", first+1, first+len(srcs), err)
		}
	} else {
		opt := a.Search
		opt.NoAttention = false
		hyps, err := search.Search(ctx, a.Model.Decoder, ids, opt)
		if err != nil {
			return nil, fmt.Errorf("align lines %d-%d: %w", first+1, first+len(srcs), err)
		}
		for _, h := range hyps {
			outIDs = append(outIDs, h[0].Tokens)
			weights = append(weights, h[0].Attn)
		}
	}
	if forced, weights, err = a.glimpsesOf(ctx, ids, outIDs, weights); err != nil {
		return nil, fmt.Errorf("align lines %d-%d: %w", first+1, first+len(srcs), err)
	}
	ms := make([]align.Matrix, len(srcs))
	for i := range ms {
		target := a.Model.Tgt.Decode(outIDs[i])
		if refs != nil {
			target = refs[i]
		}
		ms[i] = subwordMatrix(a.Model.Src, a.Model.Tgt, srcs[i], encs[i], target, outIDs[i], weights[i])
		if forced != nil {
			a.addGlimpses(&ms[i], forced[i])
		}
	}
	if err := a.addSalience(ctx, ms, ids, outIDs, first); err != nil {
		return nil, err
	}
	return ms, nil
}

// Matrix returns the subword-level attention matrix of the k-th hypothesis
// of r, as Aligner makes it, with the hypothesis's text (its <unk>s
// replaced) as the target line. It needs Options.Attention.
func (t *Translator) Matrix(r *Result, k int) (align.Matrix, error) {
	if k < 0 || k >= len(r.Hyps) {
		return align.Matrix{}, fmt.Errorf("line %d has %d translations, no number %d", r.Line, len(r.Hyps), k)
	}
	h := r.Hyps[k]
	if h.Attention == nil || r.enc.IDs == nil {
		return align.Matrix{}, fmt.Errorf("line %d: no attention kept (translate with Options.Attention)", r.Line)
	}
	m := subwordMatrix(t.src, t.tgt, r.Source, r.enc, h.Text, h.IDs, h.Attention)
	if err := m.Validate(); err != nil {
		return align.Matrix{}, fmt.Errorf("line %d: %w", r.Line, err)
	}
	return m, nil
}

// subwordMatrix builds the subword-level matrix of the source line,
// tokenized as enc, and the output ids (without </s>) with their attention
// rows weights (</s> included), the source's and output's </s> being the
// last column and row, marked align.Special.
func subwordMatrix(src, tgt interface{ Decode([]int) string }, source string, enc tokenize.Encoding, target string, outIDs []int, weights [][]float32) align.Matrix {
	m := align.Matrix{Source: source, Target: target, Weights: weights}
	for k, id := range enc.IDs {
		m.SourceTokens = append(m.SourceTokens, pieceText(src, id))
		m.SourceWords = append(m.SourceWords, enc.Words[k])
	}
	m.SourceTokens = append(m.SourceTokens, "</s>")
	m.SourceWords = append(m.SourceWords, align.Special)
	word, inWord := -1, false
	for _, id := range outIDs {
		text := pieceText(tgt, id)
		raw := tgt.Decode([]int{id})
		if r, _ := utf8.DecodeRuneInString(raw); id == seq2seq.UnkID || unicode.IsSpace(r) {
			inWord = false
		}
		if !inWord && (strings.TrimSpace(raw) != "" || id == seq2seq.UnkID) {
			word++
			inWord = id != seq2seq.UnkID
		}
		m.TargetTokens = append(m.TargetTokens, text)
		m.TargetWords = append(m.TargetWords, max(word, 0))
	}
	m.TargetTokens = append(m.TargetTokens, "</s>")
	m.TargetWords = append(m.TargetWords, align.Special)
	if len(outIDs) > 0 && word < 0 {
		// Only whitespace was produced: no word to attach the tokens to.
		for k := range outIDs {
			m.TargetWords[k] = align.Special
		}
	}
	return m
}

// forcedAttention returns the attention of every member of the model on
// the references tgt of src, averaged over the members: per sentence one
// row per reference token and </s>.
func (a *Aligner) forcedAttention(ctx context.Context, src, tgt [][]int) ([][][]float32, error) {
	var sum [][][]float32
	members := a.Model.members()
	for _, f := range members {
		forced, err := f.Model.NewDecoder().Force(ctx, src, tgt)
		if err != nil {
			return nil, err
		}
		if sum == nil {
			sum = make([][][]float32, len(forced))
			for i, fo := range forced {
				sum[i] = fo.Attn
			}
			continue
		}
		for i, fo := range forced {
			for t, row := range fo.Attn {
				linalg.Axpy(1, row, sum[i][t])
			}
		}
	}
	if len(members) > 1 {
		inv := 1 / float32(len(members))
		for _, rows := range sum {
			for _, row := range rows {
				for j := range row {
					row[j] *= inv
				}
			}
		}
	}
	return sum, nil
}

// pieceText is the readable text of one token: its decoded form without
// the leading space that marks a word start.
func pieceText(t interface{ Decode([]int) string }, id int) string {
	if id == seq2seq.UnkID {
		return "<unk>"
	}
	return strings.TrimSpace(t.Decode([]int{id}))
}
