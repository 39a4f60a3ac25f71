package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// trainFixture writes a generated dataset (feature dim 32) and a from-scratch tiny model
// folder, and returns the flags naming them.
func trainFixture(t *testing.T, nScenes, questions int) []string {
	data := t.TempDir()
	_, err := scenes.WriteDataset(data, scenes.DatasetConfig{Seed: 1, Scenes: nScenes, QuestionsPerScene: questions, FeatDim: 32})
	require.NoError(t, err)
	model := t.TempDir()
	cfg := `{"architectures": ["LxmertForQuestionAnswering"], "vocab_size": 30522, "hidden_size": 32,
		"num_attention_heads": 4, "intermediate_size": 64, "l_layers": 1, "x_layers": 1, "r_layers": 1,
		"visual_feat_dim": 32, "visual_pos_dim": 4, "num_qa_labels": 28, "num_object_labels": 2,
		"num_attr_labels": 2, "max_position_embeddings": 32}`
	require.NoError(t, os.WriteFile(filepath.Join(model, "config.json"), []byte(cfg), 0o644))
	return []string{"--model", model, "--data", filepath.Join(data, scenes.QuestionsFile),
		"--features", filepath.Join(data, scenes.FeaturesFile), "--answers", filepath.Join(data, scenes.Label2AnsFile)}
}

// TestTrainCtrlC: Ctrl-C during `lxmert train` saves a checkpoint and exits 130 with one
// line saying where it is; `--resume` then finishes the run.
func TestTrainCtrlC(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "lxmert")
	build, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", build)
	out := filepath.Join(t.TempDir(), "out")
	args := append([]string{"train", "--out", out, "--epochs", "2", "--batch-size", "8", "--lr", "1e-3", "--threads", "1"},
		trainFixture(t, 100, 10)...) // 250 steps: several seconds

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	log := filepath.Join(out, "train_log.jsonl")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st, err := os.Stat(log); err == nil && st.Size() > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "training did not start: %s", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "exit status: %v; stderr: %s", err, stderr.String())
	require.Equal(t, 130, exit.ExitCode(), stderr.String())

	// stderr: progress lines, then the one line about the interruption.
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^lxmert train: interrupted at step (\d+) of 250; checkpoint saved in (\S+) \(continue with --resume\)$`).FindStringSubmatch(last)
	require.NotNil(t, m, "last line: %q", last)
	require.Equal(t, filepath.Join(out, "checkpoint-"+m[1]), m[2])
	require.NotEqual(t, "250", m[1], "interrupted before the end")
	for _, l := range lines[:len(lines)-1] {
		require.Regexp(t, `^step \d+/250  `, l, "only progress lines before it")
	}
	require.DirExists(t, m[2])
	require.FileExists(t, filepath.Join(m[2], "model.safetensors"))
	require.FileExists(t, filepath.Join(m[2], "optimizer.safetensors"))
	require.NoFileExists(t, filepath.Join(out, "model.safetensors"))
	require.Empty(t, stdout.String())

	stdout.Reset()
	stderr.Reset()
	code := run(append(args, "--resume"), &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	require.Contains(t, stderr.String(), "resuming from "+m[2]+" (step "+m[1]+" of 250)")
	require.Contains(t, stdout.String(), "trained 250 steps on 1000 examples")
	require.FileExists(t, filepath.Join(out, "model.safetensors"))
	raw, err := os.ReadFile(log)
	require.NoError(t, err)
	require.Equal(t, 250, bytes.Count(raw, []byte(`"loss"`)), "each step logged once")
}

// TestTrainUsageErrors: bad flags fail in one line on stderr pointing to --help, exit 2; bad
// data fails in one line, exit 1.
func TestTrainUsageErrors(t *testing.T) {
	fixture := trainFixture(t, 2, 2)
	out := filepath.Join(t.TempDir(), "out")
	const help = " (run 'lxmert train --help')\n"
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "lxmert train: missing --model, --data, --features, --out" + help},
		{[]string{"--out", out, "--lr", "0"}, 2, "lxmert train: --lr must not be 0" + help},
		{[]string{"--out", out, "--max-grad-norm", "0"}, 2, "lxmert train: --max-grad-norm must not be 0 (a negative value turns clipping off)" + help},
		{[]string{"--out", out, "--features", "/nonexistent/f.tsv"}, 1, "/nonexistent/f.tsv: no such file or directory\n"},
		{[]string{"--out", out, "extra"}, 2, `lxmert train: unexpected argument "extra"` + help},
		{[]string{"--out", out, "--bogus"}, 2, "lxmert train: flag provided but not defined: -bogus" + help},
	} {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"train"}, fixture...), tc.args...)
		if tc.args == nil {
			args = []string{"train"}
		}
		require.Equal(t, tc.code, run(args, &stdout, &stderr), "%v", tc.args)
		require.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		require.True(t, strings.HasSuffix(stderr.String(), tc.want), "%q does not end with %q", stderr.String(), tc.want)
		require.NoDirExists(t, out)
	}
}
