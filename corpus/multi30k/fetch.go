package multi30k

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/attnmt/nmt/corpus/fetch"
)

// DefaultBaseURL is where the task 1 files are published: the raw files
// are under raw/ (File.Upstream gives each path).
const DefaultBaseURL = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/"

// FetchOptions configures Fetch.
type FetchOptions struct {
	// Dir is the data directory to fill; it is created if needed.
	Dir string
	// From, when set, is a local directory holding the files under their
	// names in a data directory: they are copied instead of downloaded,
	// including the tokenized copies when present.
	From string
	// BaseURL replaces DefaultBaseURL (a mirror, or a test server).
	BaseURL string
	// Langs limits the languages; empty means all four.
	Langs []string
	// Client makes the HTTP requests; nil means http.DefaultClient.
	Client *http.Client
	// Logger receives progress lines; nil means slog.Default().
	Logger *slog.Logger
	// Retries is how many times an interrupted download is resumed.
	Retries int
	// RetryWait is the pause before the first retry; 0 means one second.
	RetryWait time.Duration
}

// FetchReport counts what Fetch did.
type FetchReport struct {
	Fetched  int // files transferred and verified
	UpToDate int // files already present with the right digest
	Skipped  int // tokenized copies not available from the source
}

// String reports the counts on one line.
func (r FetchReport) String() string {
	return fmt.Sprintf("%d fetched, %d already up to date, %d not available from the source", r.Fetched, r.UpToDate, r.Skipped)
}

// Fetch fills opts.Dir with the task 1 files of the chosen languages,
// downloading them (resuming partial downloads) or copying them from
// opts.From, and checking each against its SHA-256 digest. Tokenized
// copies are only copied from opts.From, and skipped when absent there.
func Fetch(ctx context.Context, opts FetchOptions) (FetchReport, error) {
	var rep FetchReport
	langs := opts.Langs
	if len(langs) == 0 {
		langs = Languages()
	}
	for _, l := range langs {
		if !slices.Contains(Languages(), l) {
			return rep, fmt.Errorf("multi30k: unknown language %q (want de, en, fr or cs)", l)
		}
	}
	if opts.Dir == "" {
		return rep, errors.New("multi30k: no data directory given")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return rep, err
	}
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	fo := fetch.Options{Client: opts.Client, Logger: log, Retries: opts.Retries, RetryWait: opts.RetryWait}
	for _, f := range Manifest() {
		if !slices.Contains(langs, f.Lang) {
			continue
		}
		dst := filepath.Join(opts.Dir, f.Name())
		var res fetch.Result
		var err error
		switch {
		case opts.From != "":
			src := filepath.Join(opts.From, f.Name())
			if _, serr := os.Stat(src); f.Tokenized && errors.Is(serr, os.ErrNotExist) {
				log.Info("not in source directory; skipped", "file", f.Name())
				rep.Skipped++
				continue
			}
			res, err = fetch.Copy(ctx, src, dst, f.SHA256, fo)
		case f.Upstream() == "":
			rep.Skipped++
			continue
		default:
			res, err = fetch.Download(ctx, base+f.Upstream(), dst, f.SHA256, fo)
		}
		if err != nil {
			return rep, err
		}
		if res == fetch.UpToDate {
			rep.UpToDate++
			log.Info("up to date", "file", dst)
		} else {
			rep.Fetched++
			log.Info("fetched", "file", dst)
		}
	}
	return rep, nil
}
