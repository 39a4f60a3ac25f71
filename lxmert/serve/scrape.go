package serve

import (
	"context"
	"fmt"
	"net/http"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads a server's /metrics into metric families.
func scrape(ctx context.Context, client *http.Client, baseURL string) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("serve: scraping %s/metrics: %w", baseURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("serve: scraping %s/metrics: status %s", baseURL, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("serve: parsing %s/metrics: %w", baseURL, err)
	}
	return fams, nil
}

// batchTotals are lxmert_batch_size's sum (requests answered) and count (forwards).
func batchTotals(fams map[string]*dto.MetricFamily) (sum float64, count uint64, err error) {
	f, ok := fams["lxmert_batch_size"]
	if !ok || len(f.GetMetric()) != 1 || f.GetMetric()[0].GetHistogram() == nil {
		return 0, 0, fmt.Errorf("serve: the metrics have no lxmert_batch_size histogram")
	}
	h := f.GetMetric()[0].GetHistogram()
	return h.GetSampleSum(), h.GetSampleCount(), nil
}
