package train

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rss is the resident set size of this process in bytes, from /proc/self/statm.
func rss() (int64, error) {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(raw), &size, &resident); err != nil {
		return 0, fmt.Errorf("/proc/self/statm: %v", err)
	}
	return resident * int64(os.Getpagesize()), nil
}

// TestMemoryFlat: 1,000 optimizer steps of a tiny model (4 epochs of 250, each ending with an
// evaluation and a checkpoint) keep the resident set flat: it grows by less than 5% between
// step 100 and step 1,000, so nothing a step allocates (tensors, graphs, batches) outlives
// it. RSS is sampled while training runs, when the log reaches those steps. On the machine
// that wrote this test it takes about 20 s.
func TestMemoryFlat(t *testing.T) {
	d := writeScenes(t, 5, 100, 10, "mem")
	o := Options{Model: tinyModel(t, 28, nil), Data: d.Questions, Eval: writeFile(t, "eval.json", firstRecords(t, d.Questions, 40)),
		Features: d.Features, Answers: d.Answers, Out: filepath.Join(t.TempDir(), "out"), MaxSteps: 1000, BatchSize: 4, LR: 1e-3}
	log := filepath.Join(o.Out, logFile)
	samples := map[int]int64{}
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for _, at := range []int{100, 1000} {
			for {
				raw, _ := os.ReadFile(log)
				if bytes.Count(raw, []byte(`"loss"`)) >= at {
					break
				}
				if ctx.Err() != nil {
					done <- fmt.Errorf("the run ended before step %d", at)
					return
				}
				time.Sleep(time.Millisecond)
			}
			r, err := rss()
			if err != nil {
				done <- err
				return
			}
			samples[at] = r
		}
		done <- nil
	}()
	start := time.Now()
	res, err := Run(ctx, o)
	cancel()
	require.NoError(t, err)
	require.NoError(t, <-done)
	require.Equal(t, 1000, res.Steps)
	growth := float64(samples[1000]-samples[100]) / float64(samples[100])
	t.Logf("%d steps in %v; RSS %.1f MB at step 100, %.1f MB at step 1000 (%+.2f%%)", res.Steps,
		time.Since(start).Round(time.Millisecond), float64(samples[100])/1e6, float64(samples[1000])/1e6, 100*growth)
	require.Less(t, growth, 0.05)
}

// firstRecords returns the first n examples of a JSON list file as JSON lines.
func firstRecords(t *testing.T, path string, n int) string {
	exs, err := ReadExamples(path)
	require.NoError(t, err)
	var b bytes.Buffer
	for _, ex := range exs[:n] {
		fmt.Fprintf(&b, "{\"question_id\": %q, \"img_id\": %q, \"sent\": %q, \"label\": {%q: 1}}\n", ex.QuestionID, ex.ImageID, ex.Sent, answerOf(ex))
	}
	return b.String()
}

func answerOf(ex Example) string {
	for a := range ex.Scores {
		return a
	}
	return ex.Answer
}
