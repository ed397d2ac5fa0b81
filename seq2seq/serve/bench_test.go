package serve_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// BenchmarkServeClients translates Multi30k's val.de (1,014 sentences)
// with the built-in de-en model through POST /translate, one sentence a
// request, from 1, 8, 32 and 128 concurrent clients on 127.0.0.1, and
// reports sentences/s and the p50 and p99 latency of a request. Compare
// with "nmt translate -i val.de" (docs/server.md):
//
//	go test ./seq2seq/serve -run '^$' -bench ServeClients -benchtime 1x
func BenchmarkServeClients(b *testing.B) {
	benchClients := []int{1, 8, 32, 128}
	lines := readLines(b, filepath.Join(corpustest.SharedDir(b, "data", "multi30k"), "val.de.gz"))
	m, err := translate.LoadModel("de-en", translate.ComputeAuto)
	if err != nil {
		b.Fatal(err)
	}
	models := []*serve.Model{{Name: "de-en", Source: "de", Target: "en", Decoder: m.Decoder, Src: m.Src, Tgt: m.Tgt}}
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			ts := newTestServer(b, models, func(o *serve.Options) {
				o.MaxConcurrent = 256
				o.Workers = serve.DefaultOptions().Workers
			})
			// Keep a connection per client, as real clients do.
			ts.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = clients
			for b.Loop() {
				_, before := do(b, ts, "GET", "/metrics", "", "", nil)
				lat := make([]time.Duration, len(lines))
				start := time.Now()
				var wg sync.WaitGroup
				for c := range clients {
					wg.Go(func() {
						for i := c; i < len(lines); i += clients {
							body, _ := json.Marshal(map[string]string{"q": lines[i], "source": "de", "target": "en"})
							t0 := time.Now()
							if code, resp := do(b, ts, "POST", "/translate", jsonType, string(body), nil); code != 200 {
								b.Errorf("line %d: %d %s", i+1, code, resp)
							}
							lat[i] = time.Since(t0)
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				slices.Sort(lat)
				b.ReportMetric(float64(len(lines))/elapsed.Seconds(), "sentences/s")
				b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
				_, after := do(b, ts, "GET", "/metrics", "", "", nil)
				delta := func(name string) float64 { return metric(b, after, name) - metric(b, before, name) }
				b.ReportMetric(delta("nmt_batch_sentences_sum")/delta("nmt_batch_sentences_count"), "sentences/batch")
				// The share of the decoding slots' time spent decoding.
				b.ReportMetric(delta("nmt_batch_duration_seconds_sum")/elapsed.Seconds()/float64(serve.DefaultOptions().Workers), "busy")
			}
		})
	}
}
