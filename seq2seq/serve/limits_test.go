package serve_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/serve"
)

func TestAPIKeys(t *testing.T) {
	ts := newTestServer(t, testModels(nil), func(o *serve.Options) { o.APIKeys = []string{"k1", "k2"} })
	tests := []struct {
		name, path, contentType, body string
		header                        map[string]string
		want                          int
	}{
		{"none", "/translate", jsonType, `{"q":"ein Mann","source":"de","target":"en"}`, nil, 403},
		{"wrong", "/translate", jsonType, `{"q":"ein Mann","source":"de","target":"en","api_key":"nope"}`, nil, 403},
		{"api_key", "/translate", jsonType, `{"q":"ein Mann","source":"de","target":"en","api_key":"k1"}`, nil, 200},
		{"apiKey", "/translate", jsonType, `{"q":"ein Mann","source":"de","target":"en","apiKey":"k2"}`, nil, 200},
		{"form", "/translate", formType, `q=ein+Mann&source=de&target=en&api_key=k1`, nil, 200},
		{"detect none", "/detect", formType, `q=ein+Mann`, nil, 403},
		{"opennmt none", "/translator/translate", jsonType, `[{"src":"ein Mann","id":0}]`, nil, 403},
		{"opennmt header", "/translator/translate", jsonType, `[{"src":"ein Mann","id":0}]`, map[string]string{"X-API-Key": "k1"}, 200},
		{"v1 bearer", "/v1/translate", jsonType, `{"source":"de","target":"en","sentences":["ein Mann"]}`, map[string]string{"Authorization": "Bearer k2"}, 200},
		{"v1 none", "/v1/translate", jsonType, `{"source":"de","target":"en","sentences":["ein Mann"]}`, nil, 403},
	}
	for _, tt := range tests {
		code, body := do(t, ts, "POST", tt.path, tt.contentType, tt.body, tt.header)
		if code != tt.want {
			t.Errorf("%s: status %d, want %d: %s", tt.name, code, tt.want, body)
		}
		if tt.want == 403 && !strings.Contains(body, `"error":"Invalid API key`) {
			t.Errorf("%s: body %s, want an Invalid API key error", tt.name, body)
		}
	}
	// Reading needs no key.
	if code, _ := do(t, ts, "GET", "/languages", "", "", nil); code != 200 {
		t.Errorf("GET /languages with keys configured: %d", code)
	}
}

func TestCORS(t *testing.T) {
	body := `{"q":"ein Mann","source":"de","target":"en"}`
	origin := map[string]string{"Origin": "https://example.org"}
	off := newTestServer(t, testModels(nil), nil)
	on := newTestServer(t, testModels(nil), func(o *serve.Options) { o.CORSOrigins = []string{"https://example.org"} })
	for _, tt := range []struct {
		name string
		url  string
		hdr  map[string]string
		want string
	}{
		{"off", off.URL, origin, ""},
		{"on", on.URL, origin, "https://example.org"},
		{"other origin", on.URL, map[string]string{"Origin": "https://evil.example"}, ""},
	} {
		for _, method := range []string{"POST", "OPTIONS"} {
			req, _ := newRequest(t, method, tt.url+"/translate", body, tt.hdr)
			resp, err := off.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.want {
				t.Errorf("%s %s: Access-Control-Allow-Origin %q, want %q", tt.name, method, got, tt.want)
			}
		}
	}
}

// gate is a decoder that waits for its channel before each Begin.
type gate struct {
	search.Decoder
	open chan struct{}
}

func (g *gate) Begin(ctx context.Context, src [][]int) (search.State, error) {
	select {
	case <-g.open:
	case <-ctx.Done():
	}
	return g.Decoder.Begin(ctx, src)
}

func TestConcurrencyAndTimeout(t *testing.T) {
	g := &gate{Decoder: &searchtest.Copy{V: len(vocab) + 4}, open: make(chan struct{})}
	ts := newTestServer(t, testModels(g), func(o *serve.Options) {
		o.MaxConcurrent = 1
		o.Timeout = 500 * time.Millisecond
	})
	var once sync.Once
	release := func() { once.Do(func() { close(g.open) }) }
	t.Cleanup(release) // before the server's cleanup: its batch can end
	body := `{"q":"ein Mann","source":"de","target":"en"}`
	var wg sync.WaitGroup
	var first int
	var firstBody string
	wg.Go(func() { first, firstBody = do(t, ts, "POST", "/translate", jsonType, body, nil) })
	time.Sleep(150 * time.Millisecond) // the first request holds the only slot
	code, resp := do(t, ts, "POST", "/translate", jsonType, body, nil)
	if code != 429 || !strings.Contains(resp, "too many requests at once") {
		t.Errorf("second request while one is in flight with at most 1: %d %s, want 429", code, resp)
	}
	wg.Wait()
	if first != 503 || !strings.Contains(firstBody, "timed out") {
		t.Errorf("request past the timeout: %d %s, want 503 timed out", first, firstBody)
	}
	release()
	if code, resp := do(t, ts, "POST", "/translate", jsonType, body, nil); code != 200 {
		t.Errorf("after the timeout: %d %s", code, resp)
	}
}

func TestMetrics(t *testing.T) {
	ts := newTestServer(t, testModels(nil), nil)
	do(t, ts, "POST", "/translate", jsonType, `{"q":["ein Mann","a dog"],"source":"auto","target":"en"}`, nil)
	do(t, ts, "POST", "/translate", jsonType, `{"q":"ein"}`, nil)
	_, body := do(t, ts, "GET", "/metrics", "", "", nil)
	for _, want := range []string{
		`nmt_requests_total{api="libretranslate",code="200"} 1`,
		`nmt_requests_total{api="libretranslate",code="400"} 1`,
		`nmt_sentences_total{pair="de-en"} 2`,
		`nmt_batch_sentences_sum 2`,
		`nmt_queue_sentences 0`,
		`nmt_request_duration_seconds_bucket{api="libretranslate"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
