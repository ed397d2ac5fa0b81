package serve

import (
	"encoding/json"
	"net/http"

	"github.com/attnmt/nmt/attention/align"
)

// onmtItem is an element of an OpenNMT-py /translator/translate request:
// a sentence and the id of the model to translate it with.
type onmtItem struct {
	Src *string          `json:"src"`
	ID  *json.RawMessage `json:"id"`
}

// onmtResult is an element of its answer.
type onmtResult struct {
	Src       string   `json:"src"`
	Tgt       string   `json:"tgt"`
	NBest     int      `json:"n_best"`
	PredScore float64  `json:"pred_score"`
	Align     []string `json:"align"`
}

// onmtTranslate answers POST /translator/translate: one inner list per
// n-best rank (always 1 here), holding the results in input order; pred_score
// is the length-normalised log-probability and align the hard word
// alignment as Pharaoh links, source-target.
func (s *Server) onmtTranslate(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := s.authorize(headerKey(r)); err != nil {
		return err
	}
	var items []onmtItem
	if err := decodeJSON(body, &items); err != nil {
		return err
	}
	if len(items) == 0 {
		return badRequest("no sentence: send [{\"src\": \"...\", \"id\": N}]")
	}
	if len(items) > s.opt.MaxSentences {
		return badRequest("too many sentences: %d, at most %d a request", len(items), s.opt.MaxSentences)
	}
	byModel := map[*Model][]int{}
	var order []*Model
	for i, it := range items {
		if it.Src == nil {
			return badRequest("item %d: missing src", i)
		}
		id := it.ID
		if id == nil || string(*id) == "null" {
			// OpenNMT-py translates a request with the model of its
			// first item, model 0 if that has no id:
			// TranslationServer.run, inputs[0].get("id", 0).
			id = items[0].ID
		}
		m, err := s.onmtModel(id, i)
		if err != nil {
			return err
		}
		if byModel[m] == nil {
			order = append(order, m)
		}
		byModel[m] = append(byModel[m], i)
	}
	out := make([]onmtResult, len(items))
	for _, m := range order {
		idx := byModel[m]
		req := Request{Source: m.Source, Target: m.Target, NBest: 1, Alignment: true, Sentences: make([]string, len(idx))}
		for k, i := range idx {
			req.Sentences[k] = *items[i].Src
		}
		sents, err := s.Translate(r.Context(), req)
		if err != nil {
			return err
		}
		for k, i := range idx {
			res := onmtResult{Src: req.Sentences[k], Tgt: sents[k].Result.Translation(), NBest: 1, Align: []string{""}}
			if hs := sents[k].Result.Hyps; len(hs) > 0 {
				res.PredScore = hs[0].Score
			}
			wm, ok, err := sents[k].Alignment()
			if err != nil {
				return err
			}
			if ok {
				res.Align[0] = align.FormatPharaoh(align.Argmax(wm))
			}
			out[i] = res
		}
	}
	return writeJSON(w, http.StatusOK, [][]onmtResult{out})
}

// onmtModel returns the model an item names by id; without one, model 0.
func (s *Server) onmtModel(raw *json.RawMessage, item int) (*Model, error) {
	if raw == nil || string(*raw) == "null" {
		return s.models[0], nil
	}
	var id int
	if err := json.Unmarshal(*raw, &id); err != nil {
		return nil, badRequest("item %d: id must be a whole number, got %s", item, *raw)
	}
	return s.modelByID(id)
}

// onmtModels answers GET /translator/models, numbering the models from 0
// in the order given.
func (s *Server) onmtModels(w http.ResponseWriter, _ *http.Request) error {
	type opt struct {
		Src      string `json:"src_lang"`
		Tgt      string `json:"tgt_lang"`
		BeamSize int    `json:"beam_size"`
		NBest    int    `json:"n_best"`
	}
	// ServerModel.to_dict: "models" beside "opt", not in it.
	type model struct {
		ModelID int      `json:"model_id"`
		Opt     opt      `json:"opt"`
		Models  []string `json:"models"`
		Loaded  bool     `json:"loaded"`
		Timeout int      `json:"timeout"`
	}
	out := make([]model, len(s.models))
	for i, m := range s.models {
		members := m.Members
		if members == nil {
			members = []string{m.Name}
		}
		out[i] = model{ModelID: i, Models: members, Loaded: true, Timeout: -1,
			Opt: opt{Src: m.Source, Tgt: m.Target, BeamSize: s.opt.Translate.Search.Beam, NBest: 1}}
	}
	return writeJSON(w, http.StatusOK, out)
}

// onmtHealth answers GET /translator/health.
func (s *Server) onmtHealth(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
