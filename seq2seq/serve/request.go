package serve

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/seq2seq/serve/langid"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// Auto is the source language that asks for detection.
const Auto = "auto"

// Request is what every API asks of the server: its sentences translated
// from Source (a code, or Auto) into Target, with NBest translations each.
type Request struct {
	Source, Target string
	Sentences      []string
	// Sources, if set, gives each sentence its own source (a code or
	// Auto), overriding Source.
	Sources []string
	NBest   int
	// Alignment keeps the attention of the best translations, for
	// Sentence.Alignment. It costs a copy of the attention weights at
	// every step of every hypothesis: only the APIs that return it ask.
	Alignment bool
}

// Sentence is the translation of one sentence of a Request.
type Sentence struct {
	// Detected is the language detected, when the source was Auto.
	Detected *langid.Guess
	Result   translate.Result
	model    *batcher
	aligned  bool // Request.Alignment was set
}

// Alignment returns the word-level attention matrix of the best
// translation, as "nmt align" exports it by default, or false when there
// is none (an empty sentence, or a Request without Alignment).
func (s *Sentence) Alignment() (align.Matrix, bool, error) {
	if len(s.Result.Hyps) == 0 || !s.aligned {
		return align.Matrix{}, false, nil
	}
	m, err := s.model.base.Matrix(&s.Result, 0)
	if err != nil {
		return align.Matrix{}, false, err
	}
	w, err := m.Words(align.WordOptions{})
	return w, err == nil, err
}

// check validates what every API shares: sizes, encoding, n-best size and
// languages. It returns the request with codes lowercased.
func (s *Server) check(req Request) (Request, error) {
	if len(req.Sentences) > s.opt.MaxSentences {
		return req, badRequest("too many sentences: %d, at most %d a request", len(req.Sentences), s.opt.MaxSentences)
	}
	chars := 0
	for i, t := range req.Sentences {
		if !utf8.ValidString(t) {
			return req, badRequest("sentence %d is not valid UTF-8", i+1)
		}
		if strings.ContainsAny(t, "\r\n") {
			return req, badRequest("sentence %d has a line break: send one sentence per element", i+1)
		}
		chars += utf8.RuneCountInString(t)
	}
	if chars > s.opt.MaxChars {
		return req, badRequest("request too long: %d characters, at most %d", chars, s.opt.MaxChars)
	}
	if most := s.opt.Translate.Search.NBest; req.NBest < 1 || req.NBest > most {
		return req, badRequest("n-best must be between 1 and %d, got %d", most, req.NBest)
	}
	if req.Sources != nil && len(req.Sources) != len(req.Sentences) {
		return req, fmt.Errorf("request has %d sentences but %d sources", len(req.Sentences), len(req.Sources))
	}
	req.Target = normCode(req.Target)
	if req.Sources == nil {
		req.Sources = make([]string, len(req.Sentences))
		for i := range req.Sources {
			req.Sources[i] = req.Source
		}
	}
	if len(req.Sentences) == 0 {
		req.Sources = []string{req.Source} // the pair is checked all the same
	}
	for i, src := range req.Sources {
		if err := s.checkPair(normCode(src), req.Target); err != nil {
			return req, err
		}
		req.Sources[i] = normCode(src)
	}
	return req, nil
}

func normCode(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkPair checks that a model translates source (or, for Auto, some
// language) into target.
func (s *Server) checkPair(source, target string) error {
	switch {
	case target == "":
		return badRequest("missing target language")
	case source == "":
		return badRequest("missing source language")
	case source == Auto && len(s.sourcesInto(target)) == 0:
		return badRequest("target language %s is not supported (served: %s)", target, s.pairs())
	case source == Auto:
		return nil
	}
	if _, ok := s.batchers[source+"-"+target]; ok {
		return nil
	}
	for _, lang := range []string{source, target} {
		if !s.serves(lang) {
			// LibreTranslate's words, then what is served.
			return badRequest("%s is not supported (served: %s)", lang, s.pairs())
		}
	}
	return badRequest("language pair %s-%s is not supported (served: %s)", source, target, s.pairs())
}

// serves reports whether a model translates from or into lang.
func (s *Server) serves(lang string) bool {
	for _, m := range s.models {
		if m.Source == lang || m.Target == lang {
			return true
		}
	}
	return false
}

// detect guesses the language of text among those with a model into
// target (which must have one).
func (s *Server) detect(text, target string) langid.Guess {
	cands := s.sourcesInto(target)
	if g := s.detector.Detect(text, cands...); len(g) > 0 {
		return g[0]
	}
	return langid.Guess{Lang: cands[0]} // no profile for any candidate
}

// pairs lists the served pairs, "de-en, en-de".
func (s *Server) pairs() string {
	ps := make([]string, len(s.models))
	for i, m := range s.models {
		ps[i] = m.pair()
	}
	return strings.Join(ps, ", ")
}

// sourcesInto returns the languages with a model into target.
func (s *Server) sourcesInto(target string) []string {
	var out []string
	for _, m := range s.models {
		if m.Target == target {
			out = append(out, m.Source)
		}
	}
	return out
}

// Translate checks and translates req, its sentences grouped by model and
// queued for batches. Sentences that cannot be translated (too many
// tokens) make a 400 error.
func (s *Server) Translate(ctx context.Context, req Request) ([]Sentence, error) {
	req, err := s.check(req)
	if err != nil {
		return nil, err
	}
	out := make([]Sentence, len(req.Sentences))
	groups := map[*batcher][]int{} // sentence indices by model
	for i, text := range req.Sentences {
		src := req.Sources[i]
		if src == Auto {
			g := s.detect(text, req.Target)
			out[i].Detected = &g
			src = g.Lang
		}
		b := s.batchers[src+"-"+req.Target]
		out[i].model, out[i].aligned = b, req.Alignment
		groups[b] = append(groups[b], i)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for b, idx := range groups {
		wg.Go(func() {
			lines := make([]string, len(idx))
			for k, i := range idx {
				lines[k] = req.Sentences[i]
			}
			rs, err := b.translate(ctx, lines, req.NBest, req.Alignment)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = err
				return
			}
			for k, i := range idx {
				out[i].Result = rs[k]
			}
			s.metrics.sentences.WithLabelValues(b.model.pair()).Add(float64(len(lines)))
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for i := range out {
		if err := out[i].Result.Err; err != nil {
			return nil, badRequest("sentence %d: %v", i+1, err)
		}
	}
	return out, nil
}

// splitLines turns texts that may hold several lines into one sentence a
// line, and returns how many lines each text had.
func splitLines(texts []string) (lines []string, counts []int) {
	for _, t := range texts {
		ls := strings.Split(strings.ReplaceAll(t, "\r\n", "\n"), "\n")
		lines = append(lines, ls...)
		counts = append(counts, len(ls))
	}
	return lines, counts
}

// joinLines undoes splitLines on the translations of the lines.
func joinLines(lines []string, counts []int) []string {
	out := make([]string, 0, len(counts))
	for _, n := range counts {
		out = append(out, strings.Join(lines[:n], "\n"))
		lines = lines[n:]
	}
	return out
}

// modelByID returns the model numbered id (0-based, in the order given).
func (s *Server) modelByID(id int) (*Model, error) {
	if id < 0 || id >= len(s.models) {
		ids := make([]string, len(s.models))
		for i, m := range s.models {
			ids[i] = fmt.Sprintf("%d (%s)", i, m.pair())
		}
		return nil, badRequest("no model with id %d (models: %s)", id, strings.Join(ids, ", "))
	}
	return s.models[id], nil
}
