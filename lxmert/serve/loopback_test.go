package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// dataset writes synthetic scenes and returns the features and the questions.
func dataset(t *testing.T, nScenes, perScene int) (features.Source, []scenesQuestion) {
	dir := t.TempDir()
	_, err := scenes.WriteDataset(dir, scenes.DatasetConfig{Seed: 5, Scenes: nScenes, QuestionsPerScene: perScene})
	require.NoError(t, err)
	src, err := features.Open(filepath.Join(dir, scenes.FeaturesFile))
	require.NoError(t, err)
	t.Cleanup(func() { src.Close() })
	raw, err := os.ReadFile(filepath.Join(dir, scenes.QuestionsFile))
	require.NoError(t, err)
	var qs []scenesQuestion
	require.NoError(t, json.Unmarshal(raw, &qs))
	require.Len(t, qs, nScenes*perScene)
	return src, qs
}

// scenesQuestion is an entry of the scenes' questions.json.
type scenesQuestion struct {
	ImgID string `json:"img_id"`
	Sent  string `json:"sent"`
}

// sameAnswers checks got against ref (every label's probability, from a lone Ask) within
// the parity tolerance: each probability, and the ranking (ties within tolerance may swap).
func sameAnswers(got []answer.Answer, ref []answer.Answer) error {
	tol := func(x float64) float64 { return 1e-5 + 1e-4*math.Abs(x) }
	byName := map[string]float64{}
	for _, a := range ref {
		byName[a.Answer] = a.Prob
	}
	for r, a := range got {
		p, ok := byName[a.Answer]
		switch {
		case !ok:
			return fmt.Errorf("rank %d: unknown answer %q", r, a.Answer)
		case math.Abs(a.Prob-p) > tol(p):
			return fmt.Errorf("rank %d: %q has probability %g, alone %g", r, a.Answer, a.Prob, p)
		case math.Abs(a.Prob-ref[r].Prob) > tol(ref[r].Prob):
			return fmt.Errorf("rank %d: %q (%g), alone rank %d is %q (%g)", r, a.Answer, a.Prob, r, ref[r].Answer, ref[r].Prob)
		}
	}
	return nil
}

// The default model behind a loopback listener, 32 concurrent clients: requests are
// batched (mean batch > 1) and every answer equals the one the answerer gives alone.
func TestLoopbackParity(t *testing.T) {
	a, err := demo.Answerer(answer.Options{})
	require.NoError(t, err)
	defer a.Close()
	src, qs := dataset(t, 24, 4)
	refs := make([]*answer.Result, len(qs))
	for i, q := range qs {
		img, err := src.Image(q.ImgID)
		require.NoError(t, err)
		refs[i], err = a.WithTopK(a.NumLabels()).Ask(context.Background(), img, q.Sent)
		require.NoError(t, err)
	}
	_, url, stop := startServer(t, Config{MaxBatch: 16}, a, src)

	const clients = 32
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < len(qs); i += clients {
				body, _ := json.Marshal(map[string]any{"image_id": qs[i].ImgID, "question": qs[i].Sent, "top_k": 3 + i%3})
				code, resp, err := tryPost(context.Background(), url, string(body))
				if !assert.NoError(t, err) || !assert.Equal(t, http.StatusOK, code, resp) {
					return
				}
				var got answer.Result
				raw, _ := json.Marshal(resp)
				assert.NoError(t, json.Unmarshal(raw, &got))
				assert.Equal(t, qs[i].ImgID, got.ImageID)
				assert.Equal(t, qs[i].Sent, got.Question)
				assert.Len(t, got.Answers, 3+i%3)
				assert.NoError(t, sameAnswers(got.Answers, refs[i].Answers), "question %d %q", i, qs[i].Sent)
			}
		}()
	}
	wg.Wait()
	fams, err := scrape(context.Background(), http.DefaultClient, url)
	require.NoError(t, err)
	sum, count, err := batchTotals(fams)
	require.NoError(t, err)
	require.Equal(t, float64(len(qs)), sum, "every question answered once")
	t.Logf("%d questions in %d forwards: mean batch %.2f", len(qs), count, sum/float64(count))
	require.Greater(t, sum/float64(count), 1.0, "requests were batched")

	// The same image sent inline (normalised boxes) gets the same answers as by id.
	img, err := src.Image(qs[0].ImgID)
	require.NoError(t, err)
	feats, boxes := make([][]float32, img.NumBoxes), make([][]float32, img.NumBoxes)
	for j := range feats {
		feats[j] = img.Features[j*img.FeatDim : (j+1)*img.FeatDim]
		boxes[j] = img.Boxes[4*j : 4*j+4]
	}
	body, err := json.Marshal(map[string]any{"question": qs[0].Sent, "top_k": 28, "features": feats, "boxes": boxes})
	require.NoError(t, err)
	code, resp, err := tryPost(context.Background(), url, string(body))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, resp)
	var got answer.Result
	raw, _ := json.Marshal(resp)
	require.NoError(t, json.Unmarshal(raw, &got))
	require.NoError(t, sameAnswers(got.Answers, refs[0].Answers))
	require.NoError(t, stop())
}
