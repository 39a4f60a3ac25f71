package serve

import (
	"context"
	"math"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
)

// counter reads lxmert_requests_total{code} from the server's /metrics.
func counter(t *testing.T, url, code string) float64 {
	fams, err := scrape(context.Background(), http.DefaultClient, url)
	require.NoError(t, err)
	for _, m := range fams["lxmert_requests_total"].GetMetric() {
		if label(m, "code") == code {
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no lxmert_requests_total{code=%q}", code)
	return 0
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// /metrics is the Prometheus text format with the four metrics the issue names (and Go's
// and the process's): requests by code, latency and batch-size histograms, queue depth.
func TestMetrics(t *testing.T) {
	_, url, _ := startServer(t, Config{MaxBatch: 8}, &fakeModel{}, fakeSource{})
	for range 3 {
		code, _, _ := post(t, url, q("x"))
		require.Equal(t, http.StatusOK, code)
	}
	code, _, _ := post(t, url, `{"image_id": "nope", "question": "q"}`)
	require.Equal(t, http.StatusNotFound, code)
	resp, err := http.Get(url + "/healthz") // probes are not counted as answer requests
	require.NoError(t, err)
	resp.Body.Close()

	resp, err = http.Get(url + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/plain")

	fams, err := scrape(context.Background(), http.DefaultClient, url)
	require.NoError(t, err)
	require.Equal(t, dto.MetricType_COUNTER, fams["lxmert_requests_total"].GetType())
	byCode := map[string]float64{}
	for _, m := range fams["lxmert_requests_total"].GetMetric() {
		byCode[label(m, "code")] = m.GetCounter().GetValue()
	}
	require.Equal(t, map[string]float64{"200": 3, "404": 1, "400": 0, "405": 0, "413": 0, "422": 0, "499": 0, "500": 0, "503": 0, "504": 0}, byCode)

	lat := fams["lxmert_request_seconds"]
	require.Equal(t, dto.MetricType_HISTOGRAM, lat.GetType())
	require.Equal(t, uint64(4), lat.GetMetric()[0].GetHistogram().GetSampleCount())

	bs := fams["lxmert_batch_size"]
	require.Equal(t, dto.MetricType_HISTOGRAM, bs.GetType())
	sum, count, err := batchTotals(fams)
	require.NoError(t, err)
	require.Equal(t, 3.0, sum, "three questions answered")
	require.Equal(t, uint64(3), count, "one at a time (sequential requests)")
	var bounds []float64
	for _, b := range bs.GetMetric()[0].GetHistogram().GetBucket() {
		bounds = append(bounds, b.GetUpperBound())
	}
	require.Equal(t, []float64{1, 2, 4, 8, math.Inf(1)}, bounds)

	require.Equal(t, dto.MetricType_GAUGE, fams["lxmert_queue_depth"].GetType())
	require.Equal(t, 0.0, fams["lxmert_queue_depth"].GetMetric()[0].GetGauge().GetValue())
	require.Contains(t, fams, "lxmert_forward_seconds")
	require.Contains(t, fams, "go_goroutines")
	require.Contains(t, fams, "process_resident_memory_bytes")
}

func TestBatchBuckets(t *testing.T) {
	require.Equal(t, []float64{1}, batchBuckets(1))
	require.Equal(t, []float64{1, 2, 4, 8, 16}, batchBuckets(16))
	require.Equal(t, []float64{1, 2, 4, 8, 16, 20}, batchBuckets(20))
}
