package serve

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/attnmt/nmt/seq2seq/serve/langid"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// Options configure a Server. Start from DefaultOptions.
type Options struct {
	// Translate holds the search settings (beam, length normalisation,
	// longest sentence in tokens); its NBest is the most a request may
	// ask for, and its Workers, Format and Attention are set by the server.
	Translate translate.Options
	// MaxBatch is the most sentences decoded together.
	MaxBatch int
	// BatchWait is how long a batch waits for more sentences after the first.
	BatchWait time.Duration
	// Workers is the number of batches of one model decoded at once.
	Workers int
	// MaxBodyBytes is the largest request body read.
	MaxBodyBytes int64
	// MaxSentences and MaxChars bound one request's sentences and their
	// characters (runes), all sentences together.
	MaxSentences, MaxChars int
	// Timeout bounds the time to answer one request.
	Timeout time.Duration
	// MaxConcurrent is the most requests answered at once; more get 429.
	MaxConcurrent int
	// APIKeys, when not empty, are the keys a translation or detection
	// request must carry; others get 403.
	APIKeys []string
	// CORSOrigins are the origins allowed to call the APIs from a browser
	// ("*" for any); none when empty.
	CORSOrigins []string
	// Log receives a line per failed request and the batchers' errors.
	Log *slog.Logger
}

// DefaultOptions returns the translation defaults (beam 5) and limits safe
// for a server on a small machine: batches of up to 64 sentences waiting
// at most 2 ms, one batch per CPU, bodies of 1 MiB, 128 sentences and
// 20,000 characters a request, 30 s a request, 64 requests at once.
func DefaultOptions() Options {
	opt := translate.DefaultOptions()
	opt.Search.NBest = opt.Search.Beam
	return Options{
		Translate: opt, MaxBatch: 64, BatchWait: 2 * time.Millisecond, Workers: runtime.GOMAXPROCS(0),
		MaxBodyBytes: 1 << 20, MaxSentences: 128, MaxChars: 20000, Timeout: 30 * time.Second, MaxConcurrent: 64,
	}
}

// Validate reports every invalid setting of o.
func (o Options) Validate() error {
	var errs []error
	positive := func(name string, v int64) {
		if v < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, got %d", name, v))
		}
	}
	positive("max batch", int64(o.MaxBatch))
	positive("workers", int64(o.Workers))
	positive("max body bytes", o.MaxBodyBytes)
	positive("max sentences", int64(o.MaxSentences))
	positive("max characters", int64(o.MaxChars))
	positive("max concurrent requests", int64(o.MaxConcurrent))
	if o.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout must be positive, got %v", o.Timeout))
	}
	if o.BatchWait < 0 {
		errs = append(errs, fmt.Errorf("batch wait must not be negative, got %v", o.BatchWait))
	}
	if len(errs) > 0 {
		return fmt.Errorf("server options: %w", errors.Join(errs...))
	}
	return nil
}

// Server answers translation requests with its models.
type Server struct {
	opt      Options
	models   []*Model
	batchers map[string]*batcher // by pair
	detector *langid.Detector
	keys     map[string]bool
	metrics  *metrics
	slots    chan struct{} // one per request being answered
	log      *slog.Logger
}

// New starts the batchers of the models, at most one per language pair.
// Close stops them.
func New(models []*Model, opt Options) (*Server, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if len(models) == 0 {
		return nil, errors.New("serve: no model")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opt: opt, models: models, batchers: map[string]*batcher{}, metrics: newMetrics(),
		slots: make(chan struct{}, opt.MaxConcurrent), log: opt.Log, keys: map[string]bool{}}
	for _, k := range opt.APIKeys {
		s.keys[k] = true
	}
	var langs []string
	for _, m := range models {
		if _, dup := s.batchers[m.pair()]; dup {
			s.Close()
			return nil, fmt.Errorf("serve: two models for %s (%s)", m.pair(), m.Name)
		}
		b, err := newBatcher(m, opt, s.metrics)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("serve %s: %w", m.Name, err)
		}
		s.batchers[m.pair()] = b
		langs = append(langs, m.Source, m.Target)
	}
	d, missing, err := langid.New(langs)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(missing) > 0 {
		opt.Log.Warn("no language profile: these languages are never detected", "languages", missing)
	}
	s.detector = d
	return s, nil
}

// Close stops the batchers after the batches being decoded; requests
// still waiting get an error. Stop the HTTP server first.
func (s *Server) Close() {
	for _, b := range s.batchers {
		b.close()
	}
}

// Handler returns the routes of every API, the page, /health and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	api := func(name string, h func(http.ResponseWriter, *http.Request) error, write errorWriter) http.Handler {
		return s.instrument(name, s.limit(write, s.cors(h, write)))
	}
	mux.Handle("POST /translate", api("libretranslate", s.libreTranslate, writeLibreError))
	mux.Handle("POST /detect", api("detect", s.libreDetect, writeLibreError))
	mux.Handle("GET /languages", s.instrument("languages", s.cors(s.libreLanguages, writeLibreError)))
	mux.Handle("POST /translator/translate", api("opennmt", s.onmtTranslate, writeONMTError))
	mux.Handle("GET /translator/models", s.instrument("opennmt_models", s.cors(s.onmtModels, writeONMTError)))
	mux.Handle("GET /translator/health", s.instrument("opennmt_health", s.cors(s.onmtHealth, writeONMTError)))
	mux.Handle("POST /v1/translate", api("v1", s.v1Translate, writeLibreError))
	for _, p := range []string{"/translate", "/detect", "/languages", "/translator/translate", "/translator/models", "/translator/health", "/v1/translate"} {
		mux.Handle("OPTIONS "+p, s.preflight())
	}
	for _, p := range []string{"/translate", "/detect", "/translator/translate", "/v1/translate"} {
		mux.Handle("GET "+p, s.cors(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Allow", "POST, OPTIONS")
			return &apiError{status: http.StatusMethodNotAllowed, msg: r.URL.Path + " takes POST requests"}
		}, writeLibreError))
	}
	mux.Handle("GET /health", s.instrument("health", s.cors(s.health, writeLibreError)))
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /", s.page())
	return mux
}

// health answers GET /health.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) error {
	pairs := make([]string, len(s.models))
	for i, m := range s.models {
		pairs[i] = m.pair()
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "models": pairs})
}
