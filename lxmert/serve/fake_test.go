package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
)

// fakeModel answers "a0", "a1", ... with falling probabilities, records every forward,
// and, when gated, holds each forward until the test sends on gate.
type fakeModel struct {
	gate    chan struct{}
	entered chan int // receives each forward's size as it starts (when not nil)
	mu      sync.Mutex
	batches [][]string // questions of each forward
}

const fakeLabels = 10

func (f *fakeModel) AskItems(_ context.Context, items []answer.Item) ([]*answer.Result, error) {
	if f.entered != nil {
		f.entered <- len(items)
	}
	if f.gate != nil {
		<-f.gate
	}
	qs := make([]string, len(items))
	for i, it := range items {
		qs[i] = it.Question
	}
	f.mu.Lock()
	f.batches = append(f.batches, qs)
	f.mu.Unlock()
	out := make([]*answer.Result, len(items))
	for i, it := range items {
		switch it.Question {
		case "fail":
			return nil, errors.New("the model cannot answer \"fail\"")
		case "panic":
			panic("a forward panicked")
		}
		r := &answer.Result{ImageID: it.Image.ID, Question: it.Question}
		for k := 0; k < it.TopK; k++ {
			r.Answers = append(r.Answers, answer.Answer{Answer: fmt.Sprintf("a%d", k), Prob: 1 / float64(k+2)})
		}
		out[i] = r
	}
	return out, nil
}

func (f *fakeModel) Check(img *features.Image) error {
	if img.FeatDim != 4 {
		return fmt.Errorf("image %q has %d features per region; the model wants 4", img.ID, img.FeatDim)
	}
	return nil
}

func (f *fakeModel) NumLabels() int { return fakeLabels }

// forwards returns the questions of every forward so far.
func (f *fakeModel) forwards() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.batches...)
}

// fakeSource holds images "img1" .. "img3" of 2 regions × 4 features, and "bad" of 3.
type fakeSource struct{}

func (fakeSource) Image(id string) (*features.Image, error) {
	dim := 4
	switch id {
	case "img1", "img2", "img3", "42":
	case "bad":
		dim = 3
	default:
		return nil, fmt.Errorf("features: %w %q in fake", features.ErrUnknownImage, id)
	}
	return &features.Image{ID: id, NumBoxes: 2, FeatDim: dim, Features: make([]float32, 2*dim), Boxes: []float32{0, 0, 1, 1, 0, 0, .5, .5}}, nil
}
func (fakeSource) IDs() []string { return []string{"img1", "img2", "img3", "42", "bad"} }
func (fakeSource) Len() int      { return 5 }
func (fakeSource) Path() string  { return "fake" }
func (fakeSource) Close() error  { return nil }

// quietLogger discards logs unless the test runs with -v.
func quietLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// startServer runs a server with m and src on a loopback listener until the test ends (or
// stop is called) and returns its base URL.
func startServer(t *testing.T, cfg Config, m Model, src features.Source) (s *Server, url string, stop func() error) {
	if cfg.Logger == nil {
		cfg.Logger = quietLogger(t)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	if m != nil {
		require.NoError(t, s.Start(m, src))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-done:
			case <-time.After(time.Minute):
				serveErr = errors.New("Serve did not return within a minute")
			}
		})
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	return s, "http://" + ln.Addr().String(), stop
}

// post sends body to /v1/answer and returns the status, the decoded JSON body and headers.
func post(t *testing.T, url, body string) (int, map[string]any, http.Header) {
	resp, err := http.Post(url+"/v1/answer", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	return decode(t, resp)
}

// tryPost is post for other goroutines than the test's (which may not call require).
func tryPost(ctx context.Context, url, body string) (int, map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/answer", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	return resp.StatusCode, v, nil
}

func decode(t *testing.T, resp *http.Response) (int, map[string]any, http.Header) {
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%s", raw)
	var v map[string]any
	require.NoError(t, json.Unmarshal(raw, &v), "%s", raw)
	return resp.StatusCode, v, resp.Header
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
	}
}
