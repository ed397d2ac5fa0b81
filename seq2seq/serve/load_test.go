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
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate"
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

// TestLoadBuiltinModel sends 192 requests from 32 goroutines to a server
// with the built-in de-en model, half through LibreTranslate's API and
// half through /v1/translate (which keeps the attention, so batches mix
// both), and checks every answer against the sentence translated alone by
// translate.Translator.
func TestLoadBuiltinModel(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const requests, clients = 192, 32
	m, err := translate.LoadModel("de-en", translate.ComputeAuto)
	if err != nil {
		t.Fatal(err)
	}
	sentences := []string{
		"Ein Hund läuft über die Wiese.", "Zwei Kinder spielen im Sand.", "Eine Frau liest ein Buch.",
		"Ein Mann mit Hut sitzt auf einer Bank.", "Drei Männer stehen vor einem Haus.", "Ein Mädchen springt.",
		"Eine Gruppe von Menschen wartet auf den Bus an einer belebten Straße in der Stadt.", "Der Junge isst.",
		"Ein schwarzer Hund schwimmt im See.", "Zwei Frauen gehen am Strand entlang.", "Ein Koch kocht.",
		"Ein älterer Mann in einer blauen Jacke fährt mit seinem Fahrrad durch den Park.",
	}
	tr, err := translate.New(m.Decoder, m.Src, m.Tgt, translate.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	alone := make([]string, len(sentences))
	for i, s := range sentences {
		res, err := tr.TranslateLines(t.Context(), []string{s})
		if err != nil {
			t.Fatal(err)
		}
		alone[i] = res[0].Translation()
	}
	ts := newTestServer(t, []*serve.Model{{Name: "de-en", Source: "de", Target: "en", Decoder: m.Decoder, Src: m.Src, Tgt: m.Tgt}}, nil)
	ask := func(r int, q string) (string, error) {
		if r%2 == 0 {
			body, _ := json.Marshal(map[string]string{"q": q, "source": "de", "target": "en"})
			code, resp := do(t, ts, "POST", "/translate", jsonType, string(body), nil)
			var out struct{ TranslatedText string }
			if err := json.Unmarshal([]byte(resp), &out); code != 200 || err != nil {
				return "", fmt.Errorf("/translate: %d %s", code, resp)
			}
			return out.TranslatedText, nil
		}
		body, _ := json.Marshal(map[string]any{"source": "de", "target": "en", "sentences": []string{q}})
		code, resp := do(t, ts, "POST", "/v1/translate", jsonType, string(body), nil)
		var out struct {
			Sentences []struct{ Translation string }
		}
		if err := json.Unmarshal([]byte(resp), &out); code != 200 || err != nil || len(out.Sentences) != 1 {
			return "", fmt.Errorf("/v1/translate: %d %s", code, resp)
		}
		return out.Sentences[0].Translation, nil
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for c := range clients {
		wg.Go(func() {
			for r := c; r < requests; r += clients {
				i := (r * 5) % len(sentences)
				got, err := ask(r, sentences[i])
				mu.Lock()
				if err != nil || got != alone[i] {
					if bad++; bad <= 3 {
						t.Errorf("request %d, %q: %q (%v) under load, %q alone", r, sentences[i], got, err, alone[i])
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if bad > 0 {
		t.Errorf("%d of %d requests failed or differ from the translation alone", bad, requests)
	}
	_, page := do(t, ts, "GET", "/metrics", "", "", nil)
	if n, batches := metric(t, page, "nmt_batch_sentences_sum"), metric(t, page, "nmt_batch_sentences_count"); batches >= n {
		t.Errorf("%v sentences in %v batches: none decoded together", n, batches)
	} else {
		t.Logf("%v sentences in %v batches", n, batches)
	}
}
