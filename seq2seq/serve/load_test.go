package serve_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search/searchtest"
)

// TestLoad sends 2,000 requests from 32 goroutines to a server on
// 127.0.0.1 and checks that every answer equals the translation of the
// same sentence asked alone, and that sentences were batched together.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const requests, clients = 2000, 32
	dec := searchtest.NewRandom(len(vocab)+4, 64, 3, 7)
	ts := newTestServer(t, testModels(dec), nil)
	rng := rand.New(rand.NewPCG(1, 2))
	sentences := make([]string, 100)
	for i := range sentences {
		words := make([]string, 1+rng.IntN(12))
		for k := range words {
			words[k] = vocab[rng.IntN(len(vocab))]
		}
		sentences[i] = strings.Join(words, " ")
	}
	translate := func(q string) (int, string) {
		body, _ := json.Marshal(map[string]string{"q": q, "source": "de", "target": "en"})
		code, resp := do(t, ts, "POST", "/translate", jsonType, string(body), nil)
		var out struct{ TranslatedText string }
		if code == 200 {
			if err := json.Unmarshal([]byte(resp), &out); err != nil {
				t.Errorf("answer %s: %v", resp, err)
			}
			return code, out.TranslatedText
		}
		return code, resp
	}
	alone := make([]string, len(sentences))
	for i, s := range sentences {
		code, tr := translate(s)
		if code != 200 {
			t.Fatalf("%q alone: %d %s", s, code, tr)
		}
		alone[i] = tr
	}
	_, before := do(t, ts, "GET", "/metrics", "", "", nil)

	var wg sync.WaitGroup
	var mu sync.Mutex
	errs, wrong := 0, 0
	for c := range clients {
		wg.Go(func() {
			for r := c; r < requests; r += clients {
				i := (r * 37) % len(sentences)
				code, tr := translate(sentences[i])
				mu.Lock()
				switch {
				case code != 200:
					if errs++; errs <= 3 {
						t.Errorf("request %d: %d %s", r, code, tr)
					}
				case tr != alone[i]:
					if wrong++; wrong <= 3 {
						t.Errorf("request %d: %q translated %q under load, %q alone", r, sentences[i], tr, alone[i])
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if errs > 0 || wrong > 0 {
		t.Errorf("%d errors, %d wrong translations in %d requests", errs, wrong, requests)
	}
	_, after := do(t, ts, "GET", "/metrics", "", "", nil)
	batches := metric(t, after, "nmt_batch_sentences_count") - metric(t, before, "nmt_batch_sentences_count")
	sents := metric(t, after, "nmt_batch_sentences_sum") - metric(t, before, "nmt_batch_sentences_sum")
	t.Logf("%v sentences in %v batches: %.1f a batch", sents, batches, sents/batches)
	if sents != requests || batches >= requests {
		t.Errorf("%v sentences in %v batches: want %d sentences in fewer batches", sents, batches, requests)
	}
}

// metric returns the value of an unlabelled metric in a /metrics page.
func metric(t testing.TB, page, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no metric %s", name)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(fmt.Errorf("metric %s: %w", name, err))
	}
	return v
}
