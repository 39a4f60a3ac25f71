package main

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// buildCLI builds this command into a temporary folder.
func buildCLI(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "lxmert")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// serveDataset writes a few synthetic scenes for the default model.
func serveDataset(t *testing.T, featDim int) (feats string, qs []struct{ ImgID, Sent string }) {
	dir := t.TempDir()
	_, err := scenes.WriteDataset(dir, scenes.DatasetConfig{Seed: 3, Scenes: 6, QuestionsPerScene: 3, FeatDim: featDim})
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(dir, scenes.QuestionsFile))
	require.NoError(t, err)
	var list []struct {
		ImgID string `json:"img_id"`
		Sent  string `json:"sent"`
	}
	require.NoError(t, json.Unmarshal(raw, &list))
	for _, q := range list {
		qs = append(qs, struct{ ImgID, Sent string }{q.ImgID, q.Sent})
	}
	return filepath.Join(dir, scenes.FeaturesFile), qs
}

// postAnswer asks the service; safe in any goroutine.
func postAnswer(url, imageID, question string, topK int) (int, *answer.Result, error) {
	body, _ := json.Marshal(map[string]any{"image_id": imageID, "question": question, "top_k": topK})
	resp, err := http.Post(url+"/v1/answer", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var res answer.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, &res, nil
}

// The service as a process, built once: `lxmert serve` answers as `lxmert answer` does
// (within the parity tolerance), logs one JSON line per request with its latency and batch
// size, and on SIGTERM or SIGINT drains the requests in flight and exits 0; `lxmert
// loadtest` drives it and ends with one JSON line.
func TestServeProcess(t *testing.T) {
	bin := buildCLI(t)
	feats, qs := serveDataset(t, 0)
	refs := make([]answer.Result, len(qs))
	for i, q := range qs {
		var stdout, stderr bytes.Buffer
		args := []string{"answer", "--features", feats, "--image-id", q.ImgID, "--question", q.Sent, "--top-k", "28", "--json"}
		require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &refs[i]))
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) { testServeSignal(t, bin, feats, qs, refs, sig) })
	}
	t.Run("loadtest", func(t *testing.T) { testLoadtestSmall(t, bin) })
}

// testServeSignal runs one server: CLI parity, then a burst of requests cut by sig.
func testServeSignal(t *testing.T, bin, feats string, qs []struct{ ImgID, Sent string }, refs []answer.Result, sig syscall.Signal) {
	child, err := startServeChild(bin, []string{"--features", feats, "--max-wait", "2ms"}, 2*time.Minute)
	require.NoError(t, err)
	defer child.kill()
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, got, err := postAnswer(child.url, q.ImgID, q.Sent, 28)
			if !assert.NoError(t, err) || !assert.Equal(t, http.StatusOK, code) {
				return
			}
			want := refs[i]
			assert.Len(t, got.Answers, 28)
			for r := range want.Answers {
				w, g := want.Answers[r], got.Answers[r]
				assert.InDelta(t, w.Prob, g.Prob, 1e-5+1e-4*math.Abs(w.Prob), "question %d rank %d", i, r)
				if r == 0 {
					assert.Equal(t, w.Answer, g.Answer, "question %d", i)
				}
			}
		}()
	}
	wg.Wait()

	// A burst in flight when the signal comes: the server answers every request it
	// took with a 200 (its log lines count them); a request it never took fails at
	// the client (connection refused, or an idle keep-alive connection closed).
	stopBurst := make(chan struct{})
	var mu sync.Mutex
	ok, unsent := 0, 0
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stopBurst:
					return
				default:
				}
				q := qs[(c+n)%len(qs)]
				code, _, err := postAnswer(child.url, q.ImgID, q.Sent, 5)
				mu.Lock()
				if err != nil {
					unsent++
				} else if assert.Equal(t, http.StatusOK, code, "during the drain") {
					ok++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, child.stop(sig, time.Minute), "exit 0 after %v", sig)
	close(stopBurst)
	wg.Wait()
	t.Logf("%d answered during the burst, %d not taken", ok, unsent)
	require.Positive(t, ok)
	require.Equal(t, len(qs)+ok, child.answerRequests(), "every request the server took was answered")
	logs := child.logTail()
	require.Contains(t, logs, `"msg":"drained"`)
	require.Regexp(t, `"msg":"request".*"status":200,"latency_ms":[0-9.]+.*"batch":[1-9]`, logs)
}

// Usage errors exit 2 with one line; a bad feature file, one that does not suit the
// model, or a busy address exit 1 with one line.
func TestServeErrors(t *testing.T) {
	smallFeats, _ := serveDataset(t, 32)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, 2, "missing --features"},
		{[]string{"serve", "--features", "f.tsv", "--max-batch", "0"}, 2, "--max-batch, --queue"},
		{[]string{"serve", "--features", "f.tsv", "--timeout", "0s"}, 2, "--timeout and --drain-timeout must be positive"},
		{[]string{"serve", "--features", "f.tsv", "--max-wait", "-1ms"}, 2, "must not be negative"},
		{[]string{"serve", "--features", "f.tsv", "--log-format", "xml"}, 2, `--log-format "xml" is not json or text`},
		{[]string{"serve", "--features", "f.tsv", "--addr", busy.Addr().String()}, 1, "address already in use"},
		{[]string{"serve", "--features", "/nonexistent/f.tsv", "--addr", "127.0.0.1:0"}, 1, "/nonexistent/f.tsv: no such file or directory"},
		{[]string{"serve", "--features", smallFeats, "--addr", "127.0.0.1:0"}, 1, "does not suit the model: answer: image \"synth_000000\" has 32 features per region; the model wants 2048"},
		{[]string{"loadtest", "--clients", "8,1"}, 2, "want increasing counts"},
		{[]string{"loadtest", "--serve-flags", "--max-batch 4 --addr=0.0.0.0:80"}, 2, "--serve-flags may not set --addr"},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, tc.code, run(tc.args, &stdout, &stderr), "%v: %s", tc.args, stderr.String())
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		last := lines[len(lines)-1]
		require.Contains(t, last, tc.want, "%v", tc.args)
		require.True(t, strings.HasPrefix(last, "lxmert "+tc.args[0]+": "), "%q", last)
	}
}

// testLoadtestSmall runs a small bounded load against a child `lxmert serve`.
func testLoadtestSmall(t *testing.T, bin string) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"loadtest", "--bin", bin, "--clients", "1,4", "--requests", "40", "--duration", "20s",
		"--warmup", "5", "--scenes", "4", "--min-speedup", "0"}, &stdout, &stderr)
	require.Equal(t, 0, code, "%s\n%s", stdout.String(), stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var rep loadReport
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &rep), lines[len(lines)-1])
	require.Len(t, rep.Levels, 2)
	for _, l := range rep.Levels {
		require.Equal(t, 40, l.Requests)
		require.Zero(t, l.Errors)
		require.Positive(t, l.RPS)
		require.GreaterOrEqual(t, l.MeanBatch, 1.0)
		require.LessOrEqual(t, l.P50Ms, l.P99Ms)
	}
	require.True(t, rep.Pass)
	require.Contains(t, stdout.String(), "clients  requests  errors")
}
