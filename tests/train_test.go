package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/train"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// generateTrain runs gen_train.py into tests/generated/train-<key> (see generateWith).
func generateTrain(t *testing.T) string { return generateWith(t, "gen_train.py", "train") }

type trainExpected struct {
	Batch, Accum, Epochs, Steps, Examples, Skipped int
	LR, WarmupRatio, WeightDecay, Eps, MaxGradNorm float64
	MaxLength                                      int       `json:"max_length"`
	Losses, LRs                                    []float64 `json:"-"`
}

// TestTrainingParity: `lxmert train --no-shuffle` (through train.Run) reproduces HF +
// torch.optim.AdamW + get_linear_schedule_with_warmup: the same per-step losses (1e-4
// relative), learning rates and final parameters (1e-5 + 1e-4·|ref|), with and without
// gradient accumulation.
func TestTrainingParity(t *testing.T) {
	root := generateTrain(t)
	for _, run := range []string{"b4", "b2x2"} {
		t.Run(run, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(root, run, "expected.json"))
			require.NoError(t, err)
			var want trainExpected
			require.NoError(t, json.Unmarshal(raw, &want))
			var lists struct{ Losses, LRs []float64 }
			require.NoError(t, json.Unmarshal(raw, &lists))
			out := filepath.Join(t.TempDir(), "out")
			res, err := train.Run(context.Background(), train.Options{
				Model: filepath.Join(root, "model"), Data: filepath.Join(root, "train.json"),
				Features: filepath.Join(root, "features.tsv"), Out: out, NoShuffle: true,
				Epochs: want.Epochs, BatchSize: want.Batch, GradAccum: want.Accum, LR: want.LR,
				WarmupRatio: want.WarmupRatio, WeightDecay: want.WeightDecay, AdamEps: want.Eps,
				MaxGradNorm: want.MaxGradNorm, MaxLength: want.MaxLength,
			})
			require.NoError(t, err)
			require.Equal(t, want.Steps, res.Steps)
			require.Equal(t, want.Examples, res.Examples)
			require.Equal(t, want.Skipped, res.Skipped)

			steps := readTrainLog(t, filepath.Join(out, "train_log.jsonl"))
			require.Len(t, steps, want.Steps)
			for i, s := range steps {
				require.InDelta(t, lists.Losses[i], s.Loss, 1e-4*math.Abs(lists.Losses[i]), "loss of step %d", i+1)
				require.InDelta(t, lists.LRs[i], s.LR, 1e-12, "learning rate of step %d", i+1)
			}
			wantParams, _, err := weights.ReadSafetensors(filepath.Join(root, run, "final.safetensors"))
			require.NoError(t, err)
			gotParams, _, err := weights.ReadSafetensors(filepath.Join(out, "model.safetensors"))
			require.NoError(t, err)
			v, worst := diffOutputs(wantParams, gotParams)
			require.Empty(t, v)
			t.Logf("%s: %d steps, %d parameters, worst |Δ| %.3g", run, res.Steps, wantParams.Len(), worst)
		})
	}
}

type logStep struct {
	Step int
	Loss float64
	LR   float64
}

// readTrainLog returns the optimizer-step lines of a train_log.jsonl.
func readTrainLog(t *testing.T, path string) []logStep {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var steps []logStep
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(line, &m))
		if _, ok := m["loss"]; !ok {
			continue
		}
		steps = append(steps, logStep{int(m["step"].(float64)), m["loss"].(float64), m["lr"].(float64)})
	}
	return steps
}
