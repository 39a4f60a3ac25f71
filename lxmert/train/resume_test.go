package train

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// resumeSetup is a 2-epoch run of 25 steps per epoch with dropout 0.1 (the config's
// default), shuffling and an evaluation (of the training questions) at each epoch end.
func resumeSetup(t *testing.T) Options {
	d := writeScenes(t, 1, 40, 5, "tr")
	return Options{Model: tinyModel(t, 28, nil), Data: d.Questions, Features: d.Features, Answers: d.Answers,
		Eval: d.Questions, Epochs: 2, BatchSize: 8, LR: 1e-3, Seed: 7}
}

// cancelAfter cancels once path has at least n optimizer-step lines.
func cancelAfter(t *testing.T, path string, n int) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			if raw, err := os.ReadFile(path); err == nil && bytes.Count(raw, []byte(`"loss"`)) >= n {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return ctx
}

// TestResumeMatchesUninterrupted: a run stopped (Ctrl-C, or a crash after a --save-steps
// checkpoint) and resumed ends with the parameters of an uninterrupted run, which needs the
// model, AdamW state, schedule position, the dropout generator and the epoch's shuffle all
// restored; the log holds each step once.
func TestResumeMatchesUninterrupted(t *testing.T) {
	o := resumeSetup(t)
	ref := o
	ref.Out = filepath.Join(t.TempDir(), "ref")
	res, err := Run(context.Background(), ref)
	require.NoError(t, err)
	require.Equal(t, 50, res.Steps)

	for _, tc := range []struct {
		name  string
		crash bool // drop the interrupt's checkpoint: resume from the --save-steps one
	}{{"ctrl-c", false}, {"crash after save-steps checkpoint", true}} {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			o.Out = filepath.Join(t.TempDir(), "out")
			o.SaveSteps = 4
			ctx := cancelAfter(t, filepath.Join(o.Out, logFile), 10)
			_, runErr := Run(ctx, o)
			require.ErrorIs(t, runErr, ErrInterrupted)
			steps, err := checkpoints(o.Out)
			require.NoError(t, err)
			require.NotEmpty(t, steps)
			last := steps[len(steps)-1]
			require.EqualError(t, runErr, fmt.Sprintf("train: interrupted at step %d of 50; checkpoint saved in %s (continue with --resume)", last, filepath.Join(o.Out, checkpointPrefix+strconv.Itoa(last))))
			require.GreaterOrEqual(t, last, 10, "the interrupt checkpoints the last finished step")
			require.Less(t, last, 50)
			require.NoFileExists(t, filepath.Join(o.Out, "model.safetensors"))
			if tc.crash {
				require.NoError(t, os.RemoveAll(filepath.Join(o.Out, checkpointPrefix+strconv.Itoa(last))))
				steps, _ = checkpoints(o.Out)
				require.Equal(t, (last-1)/4*4, steps[len(steps)-1], "checkpoints every 4 steps, the newest two kept")
			}

			o.Resume = true
			res, err := Run(context.Background(), o)
			require.NoError(t, err)
			require.Equal(t, 50, res.Steps)
			requireSameParams(t, filepath.Join(ref.Out, "model.safetensors"), filepath.Join(o.Out, "model.safetensors"))
			all := readLog(t, filepath.Join(o.Out, logFile))
			lines := stepLines(all)
			require.Len(t, lines, 50)
			for i, l := range lines {
				require.EqualValues(t, i+1, l["step"])
			}
			require.Len(t, all, 52, "and one evaluation at each epoch end")
		})
	}
}

// TestResumeRefusals: a fresh run does not overwrite checkpoints, and --resume refuses a
// run with other settings or nothing to resume, each with a message saying why.
func TestResumeRefusals(t *testing.T) {
	o := resumeSetup(t)
	o.Eval, o.Epochs, o.MaxSteps = "", 0, 3
	o.Out = filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), o)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"fresh run over checkpoints", func(o *Options) {}, "already holds checkpoints: continue with --resume or choose another --out"},
		{"other seed", func(o *Options) { o.Resume, o.Seed = true, 8 }, "was made with 3 total steps and seed 7; this run has 3 and 8"},
		{"other step count", func(o *Options) { o.Resume, o.MaxSteps = true, 5 }, "was made with 3 total steps and seed 7; this run has 5 and 7"},
		{"other batch size", func(o *Options) { o.Resume, o.BatchSize = true, 4 }, "was made with batch size 8, gradient accumulation 1 and 200 training examples; this run has 4, 1 and 200"},
		{"other answer order", func(o *Options) { o.Resume, o.Answers = true, reversed(t, o.Answers) }, "was trained on another answer set (28 answers) than this run's (28 answers)"},
		{"nothing to resume", func(o *Options) { o.Resume, o.Out = true, filepath.Join(t.TempDir(), "empty") }, "--resume: no checkpoint in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			tc.edit(&o)
			_, err := Run(context.Background(), o)
			require.ErrorContains(t, err, tc.want)
			require.DirExists(t, filepath.Dir(o.Out))
			if tc.name == "nothing to resume" {
				require.NoDirExists(t, o.Out)
			}
		})
	}
	steps, err := checkpoints(o.Out)
	require.NoError(t, err)
	require.Equal(t, []int{3}, steps, "refused runs leave the folder as it was")
	require.Len(t, stepLines(readLog(t, filepath.Join(o.Out, logFile))), 3)

	o.Out = filepath.Join(t.TempDir(), "crashed") // a run that died before its first checkpoint
	require.NoError(t, os.MkdirAll(o.Out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(o.Out, logFile), []byte(`{"step": 1, "loss": 3}`+"\n"), 0o644))
	_, err = Run(context.Background(), o)
	require.ErrorContains(t, err, "already holds a run (train_log.jsonl) without a checkpoint to resume: remove it or choose another --out")
}

// reversed writes the label2ans list at path in reverse order.
func reversed(t *testing.T, path string) string {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var names []string
	require.NoError(t, json.Unmarshal(raw, &names))
	slices.Reverse(names)
	return writeFile(t, "answers.json", labelsJSON(names...))
}

// TestInterruptBeforeFirstStep: Ctrl-C before the first step still leaves a checkpoint to
// resume from; Ctrl-C right after resuming keeps the checkpoint it resumed from as it is
// (for a base model, rewriting it costs gigabytes); a folder whose log is empty holds
// nothing to protect, so a fresh run may use it.
func TestInterruptBeforeFirstStep(t *testing.T) {
	o := resumeSetup(t)
	o.Eval, o.Epochs, o.MaxSteps = "", 0, 3
	o.Out = filepath.Join(t.TempDir(), "out")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(cancelled, o)
	require.ErrorIs(t, err, ErrInterrupted)
	ck := filepath.Join(o.Out, checkpointPrefix+"0")
	before, err := os.Stat(ck)
	require.NoError(t, err)

	o.Resume = true
	_, err = Run(cancelled, o)
	require.ErrorIs(t, err, ErrInterrupted)
	require.ErrorContains(t, err, "interrupted at step 0 of 3; checkpoint saved in "+ck)
	after, err := os.Stat(ck)
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after), "the checkpoint was rewritten")
	res, err := Run(context.Background(), o)
	require.NoError(t, err)
	require.Equal(t, 3, res.Steps)

	o.Resume, o.Out = false, filepath.Join(t.TempDir(), "empty-log")
	require.NoError(t, os.MkdirAll(o.Out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(o.Out, logFile), nil, 0o644))
	_, err = Run(context.Background(), o)
	require.NoError(t, err)
}
