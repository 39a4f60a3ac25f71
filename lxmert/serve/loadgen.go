package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadConfig is one level of a load test against a running server.
type LoadConfig struct {
	URL      string        // the server's base URL, e.g. http://127.0.0.1:8080
	Clients  int           // concurrent clients, each with one request outstanding
	Requests int           // stop after this many requests...
	Duration time.Duration // ...or after this long, whichever comes first
	Bodies   [][]byte      // POST /v1/answer bodies, sent in turn
}

// LoadResult is what one level measured.
type LoadResult struct {
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"` // transport errors and statuses other than 200
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`    // requests answered with 200 per second
	P50Ms     float64 `json:"p50_ms"` // latency percentiles of the 200s
	P99Ms     float64 `json:"p99_ms"`
	MeanBatch float64 `json:"mean_batch"` // requests per forward, from the server's /metrics
}

// RunLoad sends cfg.Clients concurrent request loops at the server until cfg.Requests were
// sent or cfg.Duration passed, and reads the mean batch size from /metrics before and after.
func RunLoad(ctx context.Context, cfg LoadConfig) (*LoadResult, error) {
	if cfg.Clients < 1 || cfg.Requests < 1 || cfg.Duration <= 0 || len(cfg.Bodies) == 0 {
		return nil, fmt.Errorf("serve: load test needs clients, requests, a duration and bodies (got %d, %d, %s, %d)", cfg.Clients, cfg.Requests, cfg.Duration, len(cfg.Bodies))
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConnsPerHost: cfg.Clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	before, err := scrape(ctx, client, cfg.URL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var sent, errs atomic.Int64
	lat := make([][]time.Duration, cfg.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := sent.Add(1)
				if n > int64(cfg.Requests) {
					sent.Add(-1)
					return
				}
				t0 := time.Now()
				if err := send(ctx, client, cfg.URL, cfg.Bodies[int(n-1)%len(cfg.Bodies)]); err != nil {
					if ctx.Err() != nil { // cut by the duration: not the server's error
						sent.Add(-1)
						return
					}
					errs.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, err := scrape(context.Background(), client, cfg.URL)
	if err != nil {
		return nil, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := &LoadResult{Clients: cfg.Clients, Requests: int(sent.Load()), Errors: int(errs.Load()),
		Seconds: elapsed.Seconds(), RPS: float64(len(all)) / elapsed.Seconds(),
		P50Ms: percentile(all, 0.50), P99Ms: percentile(all, 0.99)}
	s0, c0, err0 := batchTotals(before)
	s1, c1, err1 := batchTotals(after)
	if err0 != nil || err1 != nil {
		return nil, fmt.Errorf("serve: %v %v", err0, err1)
	}
	if c1 > c0 {
		r.MeanBatch = (s1 - s0) / float64(c1-c0)
	}
	return r, nil
}

// send posts one body and wants a 200.
func send(ctx context.Context, client *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/answer", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// percentile is the nearest-rank percentile of sorted durations, in milliseconds.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(max(int(math.Ceil(p*float64(len(sorted))))-1, 0), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}
