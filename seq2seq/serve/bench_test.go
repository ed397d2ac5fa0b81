package serve_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
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
// reports sentences/s and the p50 and p99 latency of a request. Its first
// sub-benchmark, file, translates the same lines in the process as "nmt
// translate -i val.de" does (model load excluded), for a ratio measured
// in one sitting. Compare with "nmt translate -i val.de" (docs/server.md):
//
//	go test ./seq2seq/serve -run '^$' -bench ServeClients -benchtime 1x
//
// Every sub-benchmark also reports the CPU time of the process per
// sentence (cpu-ms/sentence) and the share of the Go processors' time
// with nothing to run (idle: time a core could have decoded and did
// not; on a loaded machine it is the share the program left unused, not
// what the machine had free).
func BenchmarkServeClients(b *testing.B) {
	benchClients := []int{1, 8, 32, 128}
	lines := readLines(b, filepath.Join(corpustest.SharedDir(b, "data", "multi30k"), "val.de.gz"))
	m, err := translate.LoadModel("de-en", translate.ComputeAuto)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("file", func(b *testing.B) {
		tr, err := translate.New(m.Decoder, m.Src, m.Tgt, translate.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			u := startUsage()
			if _, err := tr.TranslateLines(b.Context(), lines); err != nil {
				b.Fatal(err)
			}
			u.report(b, len(lines))
		}
	})
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
				u := startUsage()
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
				elapsed := u.report(b, len(lines))
				slices.Sort(lat)
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

// usage measures a run from its start: wall time, the process's CPU time,
// and the Go processors' idle time (runtime/metrics, which the runtime
// brings up to date at a garbage collection).
type usage struct {
	start       time.Time
	cpu         float64
	idle, total float64
}

func startUsage() usage {
	idle, total := processorSeconds()
	return usage{start: time.Now(), cpu: cpuSeconds(), idle: idle, total: total}
}

// report reports sentences/s, cpu-ms/sentence and idle for sentences
// translated since u started, and returns the time elapsed.
func (u usage) report(b *testing.B, sentences int) time.Duration {
	elapsed := time.Since(u.start)
	cpu := cpuSeconds() - u.cpu
	idle, total := processorSeconds()
	b.ReportMetric(float64(sentences)/elapsed.Seconds(), "sentences/s")
	b.ReportMetric(1000*cpu/float64(sentences), "cpu-ms/sentence")
	b.ReportMetric((idle-u.idle)/(total-u.total), "idle")
	return elapsed
}

// processorSeconds returns the Go processors' idle and total time so far,
// after a garbage collection that brings them up to date.
func processorSeconds() (idle, total float64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/cpu/classes/idle:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64(), s[1].Value.Float64()
}
