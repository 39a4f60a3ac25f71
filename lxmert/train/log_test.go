package train

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTrainLog: train_log.jsonl has one line per optimizer step (step, epoch, loss, lr,
// examples_per_s) and one per evaluation (step, eval_accuracy, eval_accuracy_by_type);
// examples_per_s is the step's examples over its duration, so the steps' durations it
// implies add up to no more than the run took, and Result.ExamplesPerSec lies between.
func TestTrainLog(t *testing.T) {
	d := writeScenes(t, 6, 4, 5, "log") // 20 examples: batches of 8, 8 and 4
	out := filepath.Join(t.TempDir(), "out")
	start := time.Now()
	res, err := Run(context.Background(), Options{Model: tinyModel(t, 28, nil), Data: d.Questions, Eval: d.Questions,
		Features: d.Features, Answers: d.Answers, Out: out, Epochs: 2, BatchSize: 8, LR: 1e-3, NoWarmup: true})
	elapsed := time.Since(start).Seconds()
	require.NoError(t, err)
	lines := readLog(t, filepath.Join(out, logFile))
	require.Len(t, lines, 8)
	sched := NewLinearSchedule(1e-3, 0, 6)
	implied := 0.0
	for i, l := range lines {
		keys := make([]string, 0, len(l))
		for k := range l {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if i == 3 || i == 7 { // after each epoch's three steps
			require.Equal(t, []string{"eval_accuracy", "eval_accuracy_by_type", "step"}, keys, "line %d", i+1)
			require.EqualValues(t, 3*(i+1)/4, l["step"])
			require.InDelta(t, 0.5, l["eval_accuracy"], 0.5)
			require.Contains(t, l["eval_accuracy_by_type"], "exist")
			continue
		}
		step := i + 1 - i/4
		require.Equal(t, []string{"epoch", "examples_per_s", "loss", "lr", "step"}, keys, "line %d", i+1)
		require.EqualValues(t, step, l["step"])
		require.EqualValues(t, (step-1)/3, l["epoch"])
		require.Equal(t, sched.LR(step-1), l["lr"])
		require.Greater(t, l["loss"], 0.0)
		rate := l["examples_per_s"].(float64)
		require.False(t, math.IsInf(rate, 0) || math.IsNaN(rate) || rate <= 0, "examples_per_s %v", rate)
		implied += float64([]int{8, 8, 4}[(step-1)%3]) / rate
	}
	require.LessOrEqual(t, implied, elapsed)
	require.Equal(t, lines[6]["loss"], res.Loss)
	// The run's rate counts the training loop's time: more than the steps', less than all.
	require.GreaterOrEqual(t, res.ExamplesPerSec, 40/elapsed)
	require.LessOrEqual(t, res.ExamplesPerSec, 40/implied)
	require.Equal(t, lines[7]["eval_accuracy"], res.Eval.Overall)
}

// TestProgressLines: without a terminal, progress is one plain line for the first step,
// then at most one every 5 s, and one for the last step; a resumed run counts from where it
// resumed.
func TestProgressLines(t *testing.T) {
	line := regexp.MustCompile(`^step (\d+)/10  loss \d+\.\d{4}  \d+\.\d examples/s  eta \d+(ms|s|m\d+s)?$`)
	for _, tc := range []struct {
		name  string
		done  int
		slow  int // before this step, pretend 6 s passed
		steps []string
	}{
		{"fresh", 0, 0, []string{"1", "10"}},
		{"every 5 s", 0, 6, []string{"1", "6", "10"}},
		{"resumed", 4, 0, []string{"5", "10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p := newProgress(&b, false, tc.done, 10)
			for s := tc.done + 1; s <= 10; s++ {
				if s == tc.slow {
					p.last = time.Now().Add(-6 * time.Second)
				}
				p.step(s, 1.5, 12.25)
			}
			p.done()
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				m := line.FindStringSubmatch(l)
				require.NotNil(t, m, "%q", l)
				require.Contains(t, l, "loss 1.5000  12.2 examples/s")
				got = append(got, m[1])
			}
			require.Equal(t, tc.steps, got)
			require.True(t, strings.HasSuffix(b.String(), "eta 0s\n"), "the last line has nothing left: %q", b.String())
		})
	}
}
