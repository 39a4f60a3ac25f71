package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// codes are the statuses /v1/answer gives; they are exported at 0 from the start, so a
// rate() over them works before the first error.
var codes = []int{200, 400, 404, 405, 413, 422, 499, 500, 503, 504}

// metrics are the server's Prometheus collectors, on a registry of its own (several
// servers in one process, as in tests, do not collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  prometheus.Histogram
	batch    prometheus.Histogram
	forward  prometheus.Histogram
}

// newMetrics registers the collectors; depth reads the queue depth when scraped.
func newMetrics(maxBatch int, depth func() int64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lxmert_requests_total",
			Help: "Requests to /v1/answer by HTTP status (499: the client went away).",
		}, []string{"code"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lxmert_request_seconds",
			Help:    "Time from a /v1/answer request's arrival to its response.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15), // 1ms .. 16s
		}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lxmert_batch_size",
			Help:    "Requests answered by one forward.",
			Buckets: batchBuckets(maxBatch),
		}),
		forward: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lxmert_forward_seconds",
			Help:    "Time of one batched forward, tokenization and ranking included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 15), // 0.5ms .. 8s
		}),
	}
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lxmert_queue_depth",
		Help: "Requests waiting for a forward.",
	}, func() float64 { return float64(depth()) })
	m.reg.MustRegister(m.requests, m.latency, m.batch, m.forward, queue,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range codes {
		m.requests.WithLabelValues(strconv.Itoa(c))
	}
	return m
}

// batchBuckets are the powers of two below maxBatch, and maxBatch.
func batchBuckets(maxBatch int) []float64 {
	var b []float64
	for v := 1; v < maxBatch; v *= 2 {
		b = append(b, float64(v))
	}
	return append(b, float64(maxBatch))
}

// observeBatch records one forward.
func (m *metrics) observeBatch(size int, took time.Duration) {
	m.batch.Observe(float64(size))
	m.forward.Observe(took.Seconds())
}

// observeRequest records one /v1/answer request.
func (m *metrics) observeRequest(code int, took time.Duration) {
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	m.latency.Observe(took.Seconds())
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
