package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// content is the file the test server publishes.
var content = bytes.Repeat([]byte("Zwei junge Männer spielen Fußball.\n"), 3000)

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// server serves content at /f with Range support and records requests.
type server struct {
	mu       sync.Mutex
	ranges   []string // Range header of each request
	ignore   bool     // answer 200 with the whole file to Range requests
	cutFirst bool     // cut the first response after half the body
	status   int      // answer this status when set
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	first := len(s.ranges) == 1
	s.mu.Unlock()
	switch {
	case s.status != 0:
		http.Error(w, "no", s.status)
	case s.cutFirst && first:
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.WriteHeader(http.StatusOK)
		w.Write(content[:len(content)/2])
		panic(http.ErrAbortHandler) // drop the connection mid-body
	case s.ignore:
		w.Write(content)
	default:
		http.ServeContent(w, r, "f", time.Time{}, bytes.NewReader(content))
	}
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

func quiet() Options {
	return Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), RetryWait: time.Millisecond}
}

func TestDownload(t *testing.T) {
	half := content[:len(content)/2]
	tests := []struct {
		name       string
		srv        *server
		part       []byte // left by an earlier attempt
		existing   []byte // already at dst
		sha        string
		retries    int
		wantErr    error
		wantResult Result
		wantRanges []string
	}{
		{name: "fresh", wantRanges: []string{""}},
		{name: "resume", part: half, wantRanges: []string{"bytes=" + strconv.Itoa(len(half)) + "-"}},
		{name: "resume ignored by server", part: half, srv: &server{ignore: true}, wantRanges: []string{"bytes=" + strconv.Itoa(len(half)) + "-"}},
		{name: "part already complete", part: content, wantRanges: []string{"bytes=" + strconv.Itoa(len(content)) + "-"}},
		{name: "stale part restarts", part: []byte("something else entirely"),
			wantRanges: []string{"bytes=23-", ""}},
		{name: "up to date", existing: content, wantResult: UpToDate},
		{name: "wrong existing file replaced", existing: []byte("old"), wantRanges: []string{""}},
		{name: "checksum mismatch", sha: digest([]byte("other")), wantErr: ErrChecksum, wantRanges: []string{""}},
		{name: "not found is not retried", srv: &server{status: http.StatusNotFound}, retries: 3, wantErr: errStatus, wantRanges: []string{""}},
		{name: "cut transfer resumes", srv: &server{cutFirst: true}, retries: 1,
			wantRanges: []string{"", "bytes=" + strconv.Itoa(len(half)) + "-"}},
		{name: "cut transfer without retries fails", srv: &server{cutFirst: true}, wantErr: io.ErrUnexpectedEOF, wantRanges: []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv
			if srv == nil {
				srv = &server{}
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			dst := filepath.Join(t.TempDir(), "f.gz")
			if tt.part != nil {
				os.WriteFile(dst+".part", tt.part, 0o644)
			}
			if tt.existing != nil {
				os.WriteFile(dst, tt.existing, 0o644)
			}
			sha := tt.sha
			if sha == "" {
				sha = digest(content)
			}
			opts := quiet()
			opts.Client, opts.Retries = ts.Client(), tt.retries
			res, err := Download(context.Background(), ts.URL+"/f", dst, sha, opts)
			if got := srv.requests(); !slices.Equal(got, tt.wantRanges) {
				t.Errorf("requests with Range %q, want %q", got, tt.wantRanges)
			}
			if tt.wantErr != nil {
				if !matches(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				if b, _ := os.ReadFile(dst); bytes.Equal(b, content) {
					t.Error("dst holds the file after a failed download")
				}
				if errors.Is(tt.wantErr, ErrChecksum) {
					if _, err := os.Stat(dst + ".part"); !os.IsNotExist(err) {
						t.Error("partial file kept after a checksum mismatch")
					}
				}
				return
			}
			if err != nil || res != tt.wantResult {
				t.Fatalf("Download = %v, %v; want %v", res, err, tt.wantResult)
			}
			if b, err := os.ReadFile(dst); err != nil || !bytes.Equal(b, content) {
				t.Errorf("dst does not hold the file (%d bytes, %v)", len(b), err)
			}
			if _, err := os.Stat(dst + ".part"); !os.IsNotExist(err) {
				t.Error("partial file left after success")
			}
		})
	}
}

// errStatus stands for any HTTP status error in the table.
var errStatus = errors.New("http status")

func matches(err, want error) bool {
	if want == errStatus {
		var se *statusError
		return errors.As(err, &se) && strings.Contains(err.Error(), "404")
	}
	return errors.Is(err, want)
}

func TestDownloadCanceled(t *testing.T) {
	ts := httptest.NewServer(&server{})
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts := quiet()
	opts.Client, opts.Retries = ts.Client(), 5
	_, err := Download(ctx, ts.URL+"/f", filepath.Join(t.TempDir(), "f"), digest(content), opts)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.gz")
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out", "dst.gz")
	os.Mkdir(filepath.Dir(dst), 0o755)
	tests := []struct {
		name    string
		src     string
		sha     string
		want    Result
		wantErr error
	}{
		{"copy", src, digest(content), Fetched, nil},
		{"again is up to date", src, digest(content), UpToDate, nil},
		{"missing source", filepath.Join(dir, "missing"), digest([]byte("x")), 0, os.ErrNotExist},
		{"mismatch", src, digest([]byte("x")), 0, ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Copy(context.Background(), tt.src, dst, tt.sha, quiet())
			if !errors.Is(err, tt.wantErr) || (err == nil && res != tt.want) {
				t.Fatalf("Copy = %v, %v; want %v, %v", res, err, tt.want, tt.wantErr)
			}
			if _, err := os.Stat(dst + ".part"); !os.IsNotExist(err) {
				t.Error("partial file left behind")
			}
		})
	}
	if b, _ := os.ReadFile(dst); !bytes.Equal(b, content) {
		t.Error("a failed copy changed the verified file")
	}
}
