package serve

import (
	"encoding/json"
	"net/http"

	"github.com/attnmt/nmt/attention/align"
)

// v1Request is the body of POST /v1/translate.
type v1Request struct {
	Source    string   `json:"source"`
	Target    string   `json:"target"`
	Sentences []string `json:"sentences"`
	NBest     int      `json:"n_best"`
	APIKey    string   `json:"api_key"`
}

// v1Sentence is the translation of one sentence.
type v1Sentence struct {
	Source      string          `json:"source"`
	Detected    *libreDetection `json:"detected_language,omitempty"`
	Translation string          `json:"translation"`
	Tokens      []string        `json:"tokens"`
	Score       *float64        `json:"score"`
	LogProb     *float64        `json:"logprob"`
	NBest       []v1Hypothesis  `json:"n_best"`
	// Alignment is the word-level attention matrix of the best
	// translation, the object of "nmt align -f json"; null for an empty
	// sentence.
	Alignment json.RawMessage `json:"alignment"`
	// Links are its hard alignment, Pharaoh "source-target" pairs.
	Links string `json:"links"`
}

// v1Hypothesis is one of the n-best translations.
type v1Hypothesis struct {
	Translation string  `json:"translation"`
	Score       float64 `json:"score"`
	LogProb     float64 `json:"logprob"`
}

// v1Translate answers POST /v1/translate.
func (s *Server) v1Translate(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var req v1Request
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	key := req.APIKey
	if key == "" {
		key = headerKey(r)
	}
	if err := s.authorize(key); err != nil {
		return err
	}
	if req.Sentences == nil {
		return badRequest("missing sentences: send {\"source\": \"de\", \"target\": \"en\", \"sentences\": [\"...\"]}")
	}
	if req.NBest == 0 {
		req.NBest = 1
	}
	sents, err := s.Translate(r.Context(), Request{Source: req.Source, Target: req.Target, Sentences: req.Sentences, NBest: req.NBest, Alignment: true})
	if err != nil {
		return err
	}
	out := make([]v1Sentence, len(sents))
	for i := range sents {
		res := &sents[i].Result
		o := v1Sentence{Source: req.Sentences[i], Detected: guessOf(sents[i].Detected), Translation: res.Translation(),
			Tokens: []string{}, NBest: []v1Hypothesis{}, Alignment: json.RawMessage("null")}
		for _, h := range res.Hyps {
			o.NBest = append(o.NBest, v1Hypothesis{Translation: h.Text, Score: h.Score, LogProb: h.LogProb})
		}
		if len(res.Hyps) > 0 {
			o.Tokens, o.Score, o.LogProb = res.Hyps[0].Tokens, &res.Hyps[0].Score, &res.Hyps[0].LogProb
		}
		m, ok, err := sents[i].Alignment()
		if err != nil {
			return err
		}
		if ok {
			if o.Alignment, err = align.MarshalSentence(i, m); err != nil {
				return err
			}
			o.Links = align.FormatPharaoh(align.Argmax(m))
		}
		out[i] = o
	}
	return writeJSON(w, http.StatusOK, map[string]any{"source": normCode(req.Source), "target": normCode(req.Target), "sentences": out})
}
