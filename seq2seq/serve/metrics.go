package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec   // by api and code
	latency        *prometheus.HistogramVec // by api
	sentences      *prometheus.CounterVec   // by pair
	batchSentences prometheus.Histogram
	batchSeconds   prometheus.Histogram
	batchWait      prometheus.Histogram
	queue          prometheus.Gauge
	inFlight       prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nmt_requests_total", Help: "HTTP requests by API and status code.",
		}, []string{"api", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nmt_request_duration_seconds", Help: "Time to answer a request, by API.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"api"}),
		sentences: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nmt_sentences_total", Help: "Sentences translated, by language pair.",
		}, []string{"pair"}),
		batchSentences: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nmt_batch_sentences", Help: "Sentences decoded together in one batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		batchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nmt_batch_duration_seconds", Help: "Time to decode one batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
		batchWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nmt_batch_wait_seconds", Help: "Time from a batch's first request to the start of its decoding.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nmt_queue_sentences", Help: "Sentences waiting for a batch.",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nmt_requests_in_flight", Help: "Requests being answered.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.sentences, m.batchSentences, m.batchSeconds, m.batchWait, m.queue, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
