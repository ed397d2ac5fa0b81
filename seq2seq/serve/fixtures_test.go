package serve_test

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// vocab is the joint vocabulary of the test models.
var vocab = []string{"ein", "Mann", "fährt", "Fahrrad", ".", "a", "man", "rides", "bike", "<script>alert(1)</script>", "Hund", "dog"}

// testModels returns de-en, which reverses the words of a sentence, and
// en-de, which copies them, both with dec (nil: the copy decoders).
func testModels(dec search.Decoder) []*serve.Model {
	tok := bpeLike{translatetest.New(vocab, false)}
	rev, cp := dec, dec
	if dec == nil {
		rev = &searchtest.Copy{V: tok.VocabSize(), Reverse: true}
		cp = &searchtest.Copy{V: tok.VocabSize()}
	}
	return []*serve.Model{
		{Name: "rev", Source: "de", Target: "en", Decoder: rev, Src: tok, Tgt: tok},
		{Name: "copy", Source: "en", Target: "de", Decoder: cp, Src: tok, Tgt: tok},
	}
}

// bpeLike is the word-level test tokenizer made to decode a lone token
// as byte-level BPE decodes a word-start piece, with a leading space:
// that is how the alignment's output words are found. (A one-word
// translation therefore starts with a space in these tests.)
type bpeLike struct{ *translatetest.Tokenizer }

func (t bpeLike) Decode(ids []int) string {
	if s := t.Tokenizer.Decode(ids); len(ids) != 1 || s == "" {
		return s
	}
	return " " + t.Tokenizer.Decode(ids)
}

// newTestServer serves the models on 127.0.0.1 with default options
// changed by edit.
func newTestServer(t testing.TB, models []*serve.Model, edit func(*serve.Options)) *httptest.Server {
	t.Helper()
	opt := serve.DefaultOptions()
	opt.Workers = 2
	if edit != nil {
		edit(&opt)
	}
	srv, err := serve.New(models, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	return ts
}

// do sends a request and returns the status and body.
func do(t testing.TB, ts *httptest.Server, method, path, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\ngot:\n%s\nwant:\n%s", name, path, got, want)
	}
}

// newRequest builds a request with headers.
func newRequest(t testing.TB, method, url, body string, header map[string]string) (*http.Request, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// readLines reads the lines of a plain or gzip file.
func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := corpus.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}
