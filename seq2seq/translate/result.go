package translate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/tokenize"
)

// Format is an output format.
type Format int

// The output formats.
const (
	// Text writes the best translation of each line.
	Text Format = iota
	// JSONL writes one JSON object per line (see Record).
	JSONL
)

// String returns "text" or "jsonl".
func (f Format) String() string {
	switch f {
	case Text:
		return "text"
	case JSONL:
		return "jsonl"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ParseFormat returns the format named "text" or "jsonl".
func ParseFormat(s string) (Format, error) {
	for _, f := range []Format{Text, JSONL} {
		if f.String() == s {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown output format %q (want text or jsonl)", s)
}

// Result is the translation of one input line.
type Result struct {
	Line   int    // 1-based line number (or argument number)
	Source string // the input line
	// Err is why the line was not translated: it wraps tokenize.ErrInvalidUTF8,
	// ErrLineTooLong, ErrTooManyTokens or a tokenizer error.
	Err error
	// Hyps are the n-best translations, best first; none for an empty
	// line or on error.
	Hyps []Hypothesis
	// SourceTokens are the subword tokens of Source.
	SourceTokens []string
	// enc is the tokenization of Source, kept with Options.Attention for
	// Translator.Matrix.
	enc tokenize.Encoding
}

// Hypothesis is one translation of a line.
type Hypothesis struct {
	Text    string   // detokenized, <unk> replaced unless disabled
	Tokens  []string // output subword tokens, </s> not included
	IDs     []int    // their ids
	LogProb float64  // sum of the log-probabilities, </s> included
	Score   float64  // LogProb normalised for length
	// Attention holds len(Tokens)+1 rows (the last for </s>) of
	// len(SourceTokens)+1 weights (the last for the source's </s>).
	Attention [][]float32
}

// Translation returns the best translation, or "" if there is none.
func (r *Result) Translation() string {
	if len(r.Hyps) == 0 {
		return ""
	}
	return r.Hyps[0].Text
}

// Record is the JSONL form of a Result. Score and LogProb are null for a
// line that was not translated (empty, or with Error set).
type Record struct {
	Source       string        `json:"source"`
	Translation  string        `json:"translation"`
	Tokens       []string      `json:"tokens"`
	Score        jsonFloat     `json:"score"`
	LogProb      jsonFloat     `json:"logprob"`
	NBest        []NBestRecord `json:"nbest"`
	SourceTokens []string      `json:"source_tokens,omitempty"`
	Attention    [][]float32   `json:"attention,omitempty"`
	Error        string        `json:"error,omitempty"`
}

// NBestRecord is one entry of Record.NBest.
type NBestRecord struct {
	Translation string    `json:"translation"`
	Score       jsonFloat `json:"score"`
	LogProb     jsonFloat `json:"logprob"`
}

// jsonFloat is a float64 written as null when it is not finite.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// record returns the JSONL record of r, with the attention matrix if asked.
func (r *Result) record(attention bool) Record {
	nan := jsonFloat(math.NaN()) // written as null: not translated
	rec := Record{Source: strings.ToValidUTF8(r.Source, "\uFFFD"), Tokens: []string{}, NBest: []NBestRecord{}, Score: nan, LogProb: nan}
	if r.Err != nil {
		rec.Error = errorMessage(r)
		return rec
	}
	for _, h := range r.Hyps {
		rec.NBest = append(rec.NBest, NBestRecord{Translation: h.Text, Score: jsonFloat(h.Score), LogProb: jsonFloat(h.LogProb)})
	}
	if len(r.Hyps) > 0 {
		best := r.Hyps[0]
		rec.Translation, rec.Tokens = best.Text, best.Tokens
		rec.Score, rec.LogProb = jsonFloat(best.Score), jsonFloat(best.LogProb)
		if attention {
			rec.SourceTokens, rec.Attention = r.SourceTokens, best.Attention
		}
	}
	return rec
}

// errorMessage returns "line N: ..." for a result with an error.
func errorMessage(r *Result) string {
	return fmt.Sprintf("line %d: %v", r.Line, r.Err)
}

// write writes the output line of r in format f.
func write(w io.Writer, r *Result, f Format, attention bool) error {
	if f == Text {
		_, err := io.WriteString(w, r.Translation()+"\n")
		return err
	}
	enc := json.NewEncoder(w) // writes the record and "\n"
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.record(attention)); err != nil {
		return fmt.Errorf("line %d: %w", r.Line, err)
	}
	return nil
}

// hypothesis renders a search hypothesis of the sentence text, tokenized as enc.
func (t *Translator) hypothesis(text string, enc tokenize.Encoding, h search.Hypothesis) Hypothesis {
	out := Hypothesis{LogProb: h.LogProb, Score: h.Score, Tokens: make([]string, len(h.Tokens)), IDs: h.Tokens}
	for i, id := range h.Tokens {
		out.Tokens[i] = t.tgt.Piece(id)
	}
	if t.opt.Attention {
		out.Attention = h.Attn
	}
	if t.opt.NoUnkReplace || h.Attn == nil {
		out.Text = t.tgt.Decode(h.Tokens)
	} else {
		out.Text = t.replaceUnks(text, enc, h)
	}
	return out
}

// replaceUnks decodes h, putting for each <unk> the source word whose token
// got the most attention at that step. The text between <unk>s is decoded
// piece by piece and joined with single spaces around the words.
func (t *Translator) replaceUnks(text string, enc tokenize.Encoding, h search.Hypothesis) string {
	if !containsUnk(h.Tokens) {
		return t.tgt.Decode(h.Tokens)
	}
	words := strings.Fields(text)
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	lo := 0
	for i, id := range h.Tokens {
		if id != search.UnkID {
			continue
		}
		add(t.tgt.Decode(h.Tokens[lo:i]))
		lo = i + 1
		if w := sourceWord(h.Attn[i], enc.Words, words); w != "" {
			add(w)
		} else {
			add(tokenize.UnkToken)
		}
	}
	add(t.tgt.Decode(h.Tokens[lo:]))
	return strings.Join(parts, " ")
}

// sourceWord returns the word of the real source token (not </s>) with the
// highest weight in attn, or "" if there is none.
func sourceWord(attn []float32, tokWords []int, words []string) string {
	best := -1
	for j := range min(len(attn), len(tokWords)) {
		if best < 0 || attn[j] > attn[best] {
			best = j
		}
	}
	if best < 0 || tokWords[best] < 0 || tokWords[best] >= len(words) {
		return ""
	}
	return words[tokWords[best]]
}

func containsUnk(ids []int) bool {
	for _, id := range ids {
		if id == search.UnkID {
			return true
		}
	}
	return false
}
