// Package fetch downloads or copies data files with SHA-256 verification.
//
// A file is written to DST.part and renamed to DST only once its digest
// matches, so DST is either absent, an older file, or complete and
// verified. An interrupted download leaves DST.part behind and the next
// Download resumes it with an HTTP Range request. A DST that already has the
// expected digest is left alone, so fetching twice costs a hash per file.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/attnmt/nmt/corpus"
)

// ErrChecksum reports a file whose SHA-256 digest is not the expected one.
var ErrChecksum = errors.New("checksum mismatch")

// Options configures Download and Copy. The zero value is ready to use.
type Options struct {
	// Client makes the HTTP requests; nil means http.DefaultClient.
	Client *http.Client
	// Logger receives progress lines; nil means slog.Default().
	Logger *slog.Logger
	// Retries is how many times a failed transfer is resumed before giving up.
	Retries int
	// RetryWait is the pause before the first retry, doubled for each
	// next one; 0 means one second.
	RetryWait time.Duration
	// ProgressEvery is the interval between progress lines during a
	// transfer; 0 means 2 seconds.
	ProgressEvery time.Duration
}

// statusError is an HTTP response that retrying will not change.
type statusError struct {
	url    string
	status string
}

func (e *statusError) Error() string { return "GET " + e.url + ": " + e.status }

func (o *Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

func (o *Options) client() *http.Client {
	if o.Client == nil {
		return http.DefaultClient
	}
	return o.Client
}

// Result says what Download or Copy did.
type Result int

// The results of a successful Download or Copy.
const (
	Fetched  Result = iota // the file was transferred and verified
	UpToDate               // the destination already had the expected digest
)

// Verify reports whether the file at path has the SHA-256 digest want (hex).
func Verify(path, want string) (bool, error) {
	got, err := Digest(path)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(got, want), nil
}

// Digest returns the hex SHA-256 digest of the file at path.
func Digest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// upToDate reports whether dst exists with the expected digest, logging a
// warning when it exists with another.
func upToDate(dst, want string, log *slog.Logger) (bool, error) {
	ok, err := Verify(dst, want)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !ok:
		log.Warn("existing file has a different checksum; replacing it", "file", dst)
	}
	return ok, nil
}

// Download fetches url into dst and checks its SHA-256 digest (hex). It
// resumes from dst.part when a previous attempt left one.
func Download(ctx context.Context, url, dst, sha string, opts Options) (Result, error) {
	log := opts.logger()
	if ok, err := upToDate(dst, sha, log); ok || err != nil {
		return UpToDate, err
	}
	part := dst + ".part"
	restarted := false
	for attempt := 0; ; attempt++ {
		off, err := partSize(part)
		if err != nil {
			return 0, err
		}
		err = get(ctx, url, part, off, opts)
		var se *statusError
		if err != nil {
			if ctx.Err() != nil || attempt >= opts.Retries || errors.As(err, &se) {
				return 0, fmt.Errorf("download %s: %w", url, err)
			}
			wait := opts.RetryWait
			if wait <= 0 {
				wait = time.Second
			}
			wait <<= attempt
			log.Warn("transfer failed; retrying", "url", url, "err", err, "wait", wait)
			select {
			case <-ctx.Done():
				return 0, fmt.Errorf("download %s: %w", url, ctx.Err())
			case <-time.After(wait):
			}
			continue
		}
		err = finish(part, dst, sha)
		if errors.Is(err, ErrChecksum) && off > 0 && !restarted {
			// The partial file may come from another version: start over once.
			log.Warn("resumed download failed verification; starting over", "file", dst)
			restarted = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("download %s: %w", url, err)
		}
		return Fetched, nil
	}
}

// partSize returns the size of the partial file, 0 when there is none.
func partSize(part string) (int64, error) {
	fi, err := os.Stat(part)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// get transfers url into part, asking for the bytes from off on.
func get(ctx context.Context, url, part string, off int64, opts Options) error {
	log := opts.logger()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if off > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
	}
	resp, err := opts.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && off > 0:
		if !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(off, 10)+"-") {
			return fmt.Errorf("unexpected Content-Range %q for offset %d", resp.Header.Get("Content-Range"), off)
		}
		flags |= os.O_APPEND
		log.Info("resuming download", "url", url, "offset", off)
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC
		off = 0
		log.Info("downloading", "url", url)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && off > 0:
		return nil // the partial file is already complete: verify it
	default:
		return &statusError{url: url, status: resp.Status}
	}
	total := int64(-1)
	if resp.ContentLength >= 0 {
		total = off + resp.ContentLength
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, &progress{r: resp.Body, done: off, total: total, name: part, log: log, every: opts.ProgressEvery})
	return errors.Join(err, f.Close())
}

// Copy copies the local file src to dst and checks its SHA-256 digest.
func Copy(ctx context.Context, src, dst, sha string, opts Options) (Result, error) {
	log := opts.logger()
	if ok, err := upToDate(dst, sha, log); ok || err != nil {
		return UpToDate, err
	}
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	total := int64(-1)
	if fi, err := in.Stat(); err == nil {
		total = fi.Size()
	}
	part := dst + ".part"
	out, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	log.Info("copying", "from", src)
	_, err = io.Copy(out, &progress{r: corpus.NewContextReader(ctx, in), total: total, name: part, log: log, every: opts.ProgressEvery})
	if err = errors.Join(err, out.Close()); err != nil {
		os.Remove(part)
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	if err := finish(part, dst, sha); err != nil {
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	return Fetched, nil
}

// finish verifies part and renames it to dst; a part with the wrong digest
// is removed.
func finish(part, dst, want string) error {
	got, err := Digest(part)
	if err != nil {
		return err
	}
	if !strings.EqualFold(got, want) {
		os.Remove(part)
		return fmt.Errorf("%s: %w: got sha256 %s, want %s", dst, ErrChecksum, got, want)
	}
	f, err := os.Open(part)
	if err != nil {
		return err
	}
	err = errors.Join(f.Sync(), f.Close())
	if err != nil {
		return err
	}
	return os.Rename(part, dst)
}

// progress logs the bytes read so far at most once per interval.
type progress struct {
	r           io.Reader
	done, total int64
	name        string
	log         *slog.Logger
	every       time.Duration
	last        time.Time
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	now := time.Now()
	if p.last.IsZero() {
		p.last = now
	}
	every := p.every
	if every <= 0 {
		every = 2 * time.Second
	}
	if err == nil && now.Sub(p.last) >= every {
		p.last = now
		p.log.Info("progress", "file", p.name, "bytes", p.done, "total", p.total)
	}
	return n, err
}
