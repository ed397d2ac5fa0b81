package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// serveCommand is "nmt serve": the translation server.
func serveCommand() *cli.Command {
	def := serve.DefaultOptions()
	env := func(name string) []string { return []string{"NMT_" + name} }
	return &cli.Command{
		Name:  "serve",
		Usage: "translation server: LibreTranslate and OpenNMT-py APIs, its own API and a web page",
		Description: `serve loads the models once and answers translation requests over HTTP:

  POST /translate, GET /languages, POST /detect   LibreTranslate's API
  POST /translator/translate, GET /translator/models, GET /translator/health
                                                   OpenNMT-py's REST API
  POST /v1/translate   n-best translations, scores, attention and alignments
  GET /                a web page that translates as you type and shows the attention
  GET /health, GET /metrics (Prometheus)

Each --model is a built-in model (` + strings.Join(pretrained.Names(), ", ") + `), a model file whose
training configuration names its languages, or PAIR=FILE ("de-en=model.safetensors"),
one direction each. Members joined by "+" are an ensemble for one direction, as
"nmt translate -m A -m B" makes: "de-en=a.safetensors+b.safetensors".
Concurrent requests are decoded together in batches. It listens on 127.0.0.1
only, unless --host says otherwise. SIGINT or SIGTERM stops it: requests
being answered finish first, for at most --shutdown-timeout.

Every flag can also be set by the environment variable shown.

Examples:
   nmt serve
   nmt serve -m de-en -m en-de --port 5000
   nmt serve -m de-en=runs/deen/best.safetensors --api-keys keys.txt
   nmt serve -m de-en=runs/a/best.safetensors+runs/b/best.safetensors -m en-de
   curl -s localhost:5000/translate -H 'Content-Type: application/json' \
        -d '{"q": "Ein Hund rennt.", "source": "de", "target": "en"}'`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "model", Aliases: []string{"m"}, Value: cli.NewStringSlice(pretrained.Defaults()...), EnvVars: env("MODELS"), Usage: "model to serve, repeatable, one direction each: a built-in name, FILE or PAIR=FILE; FILE+FILE... is an ensemble"},
			&cli.StringFlag{Name: "host", Value: "127.0.0.1", EnvVars: env("HOST"), Usage: "address to listen on (0.0.0.0 for every interface)"},
			&cli.IntFlag{Name: "port", Value: 5000, EnvVars: env("PORT"), Usage: "port to listen on"},
			&cli.IntFlag{Name: "beam", Value: def.Translate.Search.Beam, EnvVars: env("BEAM"), Usage: "beam size; also the most translations a request may ask for"},
			&cli.IntFlag{Name: "max-tokens", Value: def.Translate.MaxTokens, EnvVars: env("MAX_TOKENS"), Usage: "longest sentence translated, in tokens"},
			&cli.StringFlag{Name: "compute", Value: string(translate.ComputeAuto), EnvVars: env("COMPUTE"), Usage: "decoder arithmetic: auto, int8 or float32"},
			&cli.IntFlag{Name: "batch-size", Value: def.MaxBatch, EnvVars: env("BATCH_SIZE"), Usage: "most sentences decoded together"},
			&cli.DurationFlag{Name: "batch-wait", Value: def.BatchWait, EnvVars: env("BATCH_WAIT"), Usage: "how long a batch waits for more sentences"},
			&cli.IntFlag{Name: "workers", Value: def.Workers, EnvVars: env("WORKERS"), Usage: "batches of one model decoded at once"},
			&cli.Int64Flag{Name: "max-body", Value: def.MaxBodyBytes, EnvVars: env("MAX_BODY"), Usage: "largest request body, in bytes"},
			&cli.IntFlag{Name: "max-sentences", Value: def.MaxSentences, EnvVars: env("MAX_SENTENCES"), Usage: "most sentences (lines) in one request"},
			&cli.IntFlag{Name: "max-chars", Value: def.MaxChars, EnvVars: env("MAX_CHARS"), Usage: "most characters in one request"},
			&cli.DurationFlag{Name: "timeout", Value: def.Timeout, EnvVars: env("TIMEOUT"), Usage: "longest time to answer one request"},
			&cli.IntFlag{Name: "max-concurrent", Value: def.MaxConcurrent, EnvVars: env("MAX_CONCURRENT"), Usage: "most requests answered at once (more get 429)"},
			&cli.StringFlag{Name: "api-keys", EnvVars: env("API_KEYS"), Usage: "`FILE` of API keys, one a line: requests without one of them get 403"},
			&cli.StringSliceFlag{Name: "cors-origin", EnvVars: env("CORS_ORIGINS"), Usage: "origin allowed to call the APIs from a browser, repeatable (* for any; default none)"},
			&cli.DurationFlag{Name: "shutdown-timeout", Value: 10 * time.Second, EnvVars: env("SHUTDOWN_TIMEOUT"), Usage: "how long requests may take to finish after SIGINT or SIGTERM"},
		},
		Action: runServe,
	}
}

// runServe is the action of "nmt serve".
func runServe(c *cli.Context) error {
	log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	opt, err := serveOptions(c, log)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	compute, err := translate.ParseCompute(c.String("compute"))
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	var models []*serve.Model
	for _, spec := range c.StringSlice("model") {
		m, err := loadServeModel(spec, compute)
		if err != nil {
			return err
		}
		log.Info("model loaded", "model", m.Name, "pair", m.Source+"-"+m.Target)
		models = append(models, m)
	}
	srv, err := serve.New(models, opt)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", net.JoinHostPort(c.String("host"), strconv.Itoa(c.Int("port"))))
	if err != nil {
		return err
	}
	return serveUntilDone(c.Context, srv, ln, c.Duration("shutdown-timeout"), log)
}

// serveUntilDone serves on ln until ctx is done, then shuts down: requests
// being answered get up to grace to finish.
func serveUntilDone(ctx context.Context, srv *serve.Server, ln net.Listener, grace time.Duration, log *slog.Logger) error {
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/")
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("requests still running after the grace period: closing them")
		err = hs.Close()
	}
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// serveOptions turns the flags into server options.
func serveOptions(c *cli.Context, log *slog.Logger) (serve.Options, error) {
	opt := serve.DefaultOptions()
	opt.Translate.Search.Beam = c.Int("beam")
	opt.Translate.Search.NBest = c.Int("beam")
	opt.Translate.MaxTokens = c.Int("max-tokens")
	opt.MaxBatch, opt.BatchWait, opt.Workers = c.Int("batch-size"), c.Duration("batch-wait"), c.Int("workers")
	opt.MaxBodyBytes, opt.MaxSentences, opt.MaxChars = c.Int64("max-body"), c.Int("max-sentences"), c.Int("max-chars")
	opt.Timeout, opt.MaxConcurrent = c.Duration("timeout"), c.Int("max-concurrent")
	opt.CORSOrigins, opt.Log = c.StringSlice("cors-origin"), log
	if path := c.String("api-keys"); path != "" {
		keys, err := readAPIKeys(path)
		if err != nil {
			return opt, err
		}
		opt.APIKeys = keys
	}
	if err := opt.Translate.Search.Validate(); err != nil {
		return opt, err
	}
	return opt, opt.Validate()
}

// readAPIKeys reads a file of API keys, one a line; blank lines and lines
// starting with # are skipped.
func readAPIKeys(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k := strings.TrimSpace(sc.Text()); k != "" && !strings.HasPrefix(k, "#") {
			keys = append(keys, k)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read api keys %s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("api keys %s: no key in the file", path)
	}
	return keys, nil
}

// loadServeModel loads a --model: [PAIR=]MEMBER[+MEMBER...], each member a
// built-in name or a model file, several making an ensemble (see
// serve.ParseModelSpec).
func loadServeModel(spec string, c translate.Compute) (*serve.Model, error) {
	ms, err := serve.ParseModelSpec(spec, isFile)
	if err != nil {
		return nil, cli.Exit(err.Error(), 2)
	}
	m, err := translate.LoadEnsemble(ms.Members, c)
	if err != nil {
		return nil, err
	}
	pair, first := ms.Pair, ms.Members[0]
	if pair == "" {
		if pretrained.Has(first) {
			pair = pretrained.Pair(first)
		} else if pair = trainedPair(m.File.Metadata); pair == "" {
			return nil, cli.Exit(fmt.Sprintf("model %s does not say its languages: give them as PAIR=%s (de-en=%s)", first, spec, spec), 2)
		}
	}
	src, tgt, err := serve.ParsePair(pair)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("model %s: %v", spec, err), 2)
	}
	out := &serve.Model{Name: ms.Name(), Source: src, Target: tgt, Decoder: m.Decoder, Src: m.Src, Tgt: m.Tgt}
	if len(ms.Members) > 1 {
		out.Members = ms.Members
	}
	return out, nil
}

// isFile reports whether path names an existing file.
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// trainedPair returns "src-tgt" from a model file's training
// configuration, or "" if it does not name both languages.
func trainedPair(meta map[string]string) string {
	src, tgt := translate.RecordedLanguages(meta)
	if src == "" || tgt == "" {
		return ""
	}
	return src + "-" + tgt
}
