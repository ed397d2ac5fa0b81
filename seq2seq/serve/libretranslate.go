package serve

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attnmt/nmt/seq2seq/serve/langid"
)

// libreRequest is a LibreTranslate /translate or /detect request.
type libreRequest struct {
	q            []string
	array        bool // q was an array: so is the answer
	source       string
	target       string
	format       string
	alternatives int
	key          string
}

// libreDetection is LibreTranslate's "detectedLanguage" and an element of
// the answer of /detect.
type libreDetection struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

// parseLibre reads a LibreTranslate request from a JSON or form body, as
// LibreTranslate's clients send them: the key as api_key or apiKey, the
// alternatives as a number or a string.
func (s *Server) parseLibre(r *http.Request) (libreRequest, error) {
	var req libreRequest
	body, err := readBody(r)
	if err != nil {
		return req, err
	}
	if isJSON(r, body) {
		err = parseLibreJSON(body, &req)
	} else {
		err = s.parseLibreForm(r, body, &req)
	}
	if err != nil {
		return req, err
	}
	if req.key == "" {
		req.key = headerKey(r)
	}
	if err := s.authorize(req.key); err != nil {
		return req, err
	}
	if len(req.q) == 0 || (!req.array && req.q[0] == "") {
		return req, badRequest("Invalid request: missing q parameter")
	}
	return req, nil
}

func parseLibreJSON(body []byte, req *libreRequest) error {
	var fields map[string]json.RawMessage
	if err := decodeJSON(body, &fields); err != nil {
		if json.Valid(body) {
			return badRequest("Invalid JSON format") // LibreTranslate's words for a body that is not an object
		}
		return err
	}
	if q, ok := fields["q"]; ok && string(q) != "null" {
		var one string
		if err := json.Unmarshal(q, &one); err == nil {
			req.q = []string{one}
		} else if err := json.Unmarshal(q, &req.q); err == nil {
			req.array = true
		} else {
			return badRequest("Invalid request: q must be a string or an array of strings")
		}
	}
	str := func(name string, dst *string) error {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return badRequest("Invalid request: %s must be a string", name)
		}
		return nil
	}
	for name, dst := range map[string]*string{"source": &req.source, "target": &req.target, "format": &req.format, "api_key": &req.key} {
		if err := str(name, dst); err != nil {
			return err
		}
	}
	if req.key == "" {
		if err := str("apiKey", &req.key); err != nil {
			return err
		}
	}
	if raw, ok := fields["alternatives"]; ok && string(raw) != "null" {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			var text string
			if json.Unmarshal(raw, &text) != nil {
				return badRequest("Invalid request: alternatives parameter is not a number")
			}
			n = json.Number(text)
		}
		v, err := strconv.Atoi(n.String())
		if err != nil {
			return badRequest("Invalid request: alternatives parameter is not a number")
		}
		req.alternatives = v
	}
	return nil
}

func (s *Server) parseLibreForm(r *http.Request, body []byte, req *libreRequest) error {
	form, err := parseForm(r, body, s.opt.MaxBodyBytes)
	if err != nil {
		return err
	}
	req.q = form["q"]
	req.array = len(req.q) > 1
	req.source, req.target, req.format = form.Get("source"), form.Get("target"), form.Get("format")
	req.key = firstValue(form, "api_key", "apiKey")
	if a := form.Get("alternatives"); a != "" {
		if req.alternatives, err = strconv.Atoi(a); err != nil {
			return badRequest("Invalid request: alternatives parameter is not a number")
		}
	}
	return nil
}

// firstValue returns the first non-empty value of the named form fields.
func firstValue(form url.Values, names ...string) string {
	for _, n := range names {
		if v := form.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// libreTranslate answers POST /translate.
func (s *Server) libreTranslate(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseLibre(r)
	if err != nil {
		return err
	}
	switch strings.ToLower(req.format) {
	case "", "text":
	case "html":
		return badRequest("Invalid request: format html is not supported; this server translates plain text (format text)")
	default:
		return badRequest("%s format is not supported", req.format)
	}
	if req.source == "" {
		return badRequest("Invalid request: missing source parameter")
	}
	if req.target == "" {
		return badRequest("Invalid request: missing target parameter")
	}
	most := s.opt.Translate.Search.NBest - 1
	if req.alternatives < 0 || req.alternatives > most {
		return badRequest("Invalid request: alternatives must be between 0 and %d", most)
	}
	target := normCode(req.target)
	if err := s.checkPair(normCode(req.source), target); err != nil {
		return err
	}
	lines, counts := splitLines(req.q)
	sources := make([]string, len(lines))
	var detected []libreDetection
	lo := 0
	for _, n := range counts {
		src := normCode(req.source)
		if src == Auto {
			g := s.detect(strings.Join(lines[lo:lo+n], "\n"), target)
			detected = append(detected, libreDetection{Confidence: g.Confidence, Language: g.Lang})
			src = g.Lang
		}
		for k := range n {
			sources[lo+k] = src
		}
		lo += n
	}
	sents, err := s.Translate(r.Context(), Request{Target: target, Sentences: lines, Sources: sources, NBest: 1 + req.alternatives})
	if err != nil {
		return err
	}
	best := make([]string, len(sents))
	for i := range sents {
		best[i] = sents[i].Result.Translation()
	}
	texts := joinLines(best, counts)
	alts := make([][]string, len(counts))
	for k := 1; k <= req.alternatives; k++ {
		rank := make([]string, len(sents))
		for i, st := range sents {
			rank[i] = st.Result.Translation()
			if k < len(st.Result.Hyps) {
				rank[i] = st.Result.Hyps[k].Text
			}
		}
		for i, t := range joinLines(rank, counts) {
			if !slices.Contains(alts[i], t) && t != texts[i] {
				alts[i] = append(alts[i], t)
			}
		}
	}
	for i := range alts {
		if alts[i] == nil {
			alts[i] = []string{}
		}
	}
	resp := map[string]any{}
	if req.array {
		resp["translatedText"] = texts
		if req.alternatives > 0 {
			resp["alternatives"] = alts
		}
		if detected != nil {
			resp["detectedLanguage"] = detected
		}
	} else {
		resp["translatedText"] = texts[0]
		if req.alternatives > 0 {
			resp["alternatives"] = alts[0]
		}
		if detected != nil {
			resp["detectedLanguage"] = detected[0]
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

// libreDetect answers POST /detect: every language of the models that has
// a profile, most likely first.
func (s *Server) libreDetect(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseLibre(r)
	if err != nil {
		return err
	}
	text := strings.Join(req.q, "\n")
	if n := utf8.RuneCountInString(text); n > s.opt.MaxChars {
		return badRequest("request too long: %d characters, at most %d", n, s.opt.MaxChars)
	}
	out := []libreDetection{}
	for _, g := range s.detector.Detect(text) {
		out = append(out, libreDetection{Confidence: g.Confidence, Language: g.Lang})
	}
	return writeJSON(w, http.StatusOK, out)
}

// libreLanguages answers GET /languages.
func (s *Server) libreLanguages(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, languages(s.models))
}

// guessOf turns a detection into LibreTranslate's form.
func guessOf(g *langid.Guess) *libreDetection {
	if g == nil {
		return nil
	}
	return &libreDetection{Confidence: g.Confidence, Language: g.Lang}
}
