package align

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// jsonMatrix is the JSON form of a Matrix: one object per sentence.
type jsonMatrix struct {
	Sentence     int         `json:"sentence"`
	Source       string      `json:"source"`
	Target       string      `json:"target"`
	SourceTokens []string    `json:"source_tokens"`
	TargetTokens []string    `json:"target_tokens"`
	SourceWords  []int       `json:"source_words"`
	TargetWords  []int       `json:"target_words"`
	Weights      [][]float32 `json:"weights"`
	// Windows (local attention) and Dists (hard attention, sampled).
	Windows  []Window    `json:"windows,omitempty"`
	Dists    [][]float32 `json:"distributions,omitempty"`
	Map      string      `json:"map,omitempty"`
	Salience [][]float32 `json:"salience,omitempty"`
}

func toJSON(i int, m Matrix) jsonMatrix {
	return jsonMatrix{
		Sentence: i, Source: m.Source, Target: m.Target,
		SourceTokens: nonNil(m.SourceTokens), TargetTokens: nonNil(m.TargetTokens),
		SourceWords: nonNil(m.SourceWords), TargetWords: nonNil(m.TargetWords),
		Weights: nonNil(m.Weights), Windows: m.Windows, Dists: m.Dists, Map: m.Map, Salience: m.Salience,
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// marshal encodes sentence i without HTML escaping and without a newline.
func marshal(i int, m Matrix) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(toJSON(i, m)); err != nil {
		return nil, fmt.Errorf("sentence %d: %w", i, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// WriteJSONL writes one JSON object per line for each matrix, with the
// keys sentence (0-based position in ms), source, target, source_tokens,
// target_tokens, source_words, target_words and weights (rows = target
// tokens), for local attention windows (one {"centre", "width"} per row,
// in source columns) or for sampled hard attention distributions, and,
// when set, map (what weights holds: "salience" when it is not attention)
// and salience (a second matrix of the same shape).
func WriteJSONL(w io.Writer, ms []Matrix) error {
	if err := validateAll(ms); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i, m := range ms {
		b, err := marshal(i, m)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteJSON writes the matrices as one JSON array of the objects that
// WriteJSONL writes, one element a line.
func WriteJSON(w io.Writer, ms []Matrix) error {
	if err := validateAll(ms); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, m := range ms {
		b, err := marshal(i, m)
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		bw.Write(b)
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// ReadJSON reads matrices written by WriteJSON or WriteJSONL: a JSON array
// of sentence objects or one object a line (blank lines are skipped). Each
// matrix is validated. Errors name the input by the given name and the
// 1-based line (JSONL) or the 0-based array element (JSON).
func ReadJSON(r io.Reader, name string) ([]Matrix, error) {
	br := bufio.NewReader(r)
	first, err := firstNonSpace(br)
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if first == '[' {
		return readJSONArray(br, name)
	}
	return readJSONLines(br, name)
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return b, br.UnreadByte()
		}
	}
}

func readJSONArray(r io.Reader, name string) ([]Matrix, error) {
	var raw []json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := make([]Matrix, 0, len(raw))
	for i, b := range raw {
		m, err := decodeMatrix(b)
		if err != nil {
			return nil, fmt.Errorf("%s: element %d: %w", name, i, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func readJSONLines(r io.Reader, name string) ([]Matrix, error) {
	var out []Matrix
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<26)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		m, err := decodeMatrix(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

func decodeMatrix(b []byte) (Matrix, error) {
	var j jsonMatrix
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return Matrix{}, err
	}
	if dec.More() {
		return Matrix{}, fmt.Errorf("trailing data after sentence object")
	}
	m := Matrix{
		Source: j.Source, Target: j.Target,
		SourceTokens: j.SourceTokens, TargetTokens: j.TargetTokens,
		SourceWords: j.SourceWords, TargetWords: j.TargetWords,
		Weights: j.Weights, Windows: j.Windows, Dists: j.Dists, Map: j.Map, Salience: j.Salience,
	}
	return m, m.Validate()
}

// MarshalSentence returns the JSON object that WriteJSON writes for m as
// sentence i, after validating m.
func MarshalSentence(i int, m Matrix) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("sentence %d: %w", i, err)
	}
	return marshal(i, m)
}
