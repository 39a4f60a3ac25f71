package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// The data-parallel tests run real processes of this command, built once.
var cli struct {
	once sync.Once
	bin  string
	err  error
}

func lxmertBin(t testing.TB) string {
	t.Helper()
	cli.once.Do(func() {
		dir, err := os.MkdirTemp("", "lxmert-cli-")
		if err != nil {
			cli.err = err
			return
		}
		cli.bin = filepath.Join(dir, "lxmert")
		out, err := exec.Command("go", "build", "-o", cli.bin, ".").CombinedOutput()
		if err != nil {
			cli.err = fmt.Errorf("%v: %s", err, out)
		}
	})
	require.NoError(t, cli.err)
	return cli.bin
}

// TestMain removes the binary the data-parallel tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if cli.bin != "" {
		os.RemoveAll(filepath.Dir(cli.bin))
	}
	os.Exit(code)
}

// distFixture is 99 generated questions (so that the last batch of 8 splits 2/1 over two
// processes) and a tiny from-scratch model with the given dropout; it returns the common
// flags.
func distFixture(t *testing.T, dropout float64) []string {
	data := t.TempDir()
	_, err := scenes.WriteDataset(data, scenes.DatasetConfig{Seed: 2, Scenes: 20, QuestionsPerScene: 5, FeatDim: 32})
	require.NoError(t, err)
	var exs []json.RawMessage
	raw, err := os.ReadFile(filepath.Join(data, scenes.QuestionsFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &exs))
	raw, err = json.Marshal(exs[:99])
	require.NoError(t, err)
	questions := filepath.Join(data, "q99.json")
	require.NoError(t, os.WriteFile(questions, raw, 0o644))
	model := t.TempDir()
	cfg := `{"architectures": ["LxmertForQuestionAnswering"], "vocab_size": 30522, "hidden_size": 32,
		"num_attention_heads": 4, "intermediate_size": 64, "l_layers": 1, "x_layers": 1, "r_layers": 1,
		"visual_feat_dim": 32, "visual_pos_dim": 4, "num_qa_labels": 28, "num_object_labels": 2,
		"num_attr_labels": 2, "max_position_embeddings": 32, "hidden_dropout_prob": %g, "attention_probs_dropout_prob": %g}`
	require.NoError(t, os.WriteFile(filepath.Join(model, "config.json"), []byte(fmt.Sprintf(cfg, dropout, dropout)), 0o644))
	return []string{"train", "--model", model, "--data", questions, "--eval", questions,
		"--features", filepath.Join(data, scenes.FeaturesFile), "--answers", filepath.Join(data, scenes.Label2AnsFile),
		"--no-shuffle", "--batch-size", "8", "--lr", "1e-3", "--seed", "3", "--timeout", "60s"}
}

// proc is a started command whose output is kept.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func start(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(lxmertBin(t), args...)}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.Env = append(os.Environ(), env...)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// wait returns the exit status.
func (p *proc) wait() int {
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func freeTCPPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// workerEnv is torchrun's environment for one of n local workers.
func workerEnv(rank, n int, port string) []string {
	return []string{fmt.Sprintf("RANK=%d", rank), fmt.Sprintf("WORLD_SIZE=%d", n), fmt.Sprintf("LOCAL_RANK=%d", rank),
		fmt.Sprintf("LOCAL_WORLD_SIZE=%d", n), "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port}
}

// logLines reads train_log.jsonl.
func logLines(t *testing.T, out string) []map[string]float64 {
	raw, err := os.ReadFile(filepath.Join(out, "train_log.jsonl"))
	require.NoError(t, err)
	var lines []map[string]float64
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		m := map[string]float64{}
		var any map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &any))
		for k, v := range any {
			if f, ok := v.(float64); ok {
				m[k] = f
			}
		}
		lines = append(lines, m)
	}
	return lines
}

// close is the parity tolerance 1e-5 + 1e-4·|ref|.
func closeTo(ref, got float64) bool { return math.Abs(got-ref) <= 1e-5+1e-4*math.Abs(ref) }

// requireSameRun checks that out holds the parameters (within the parity tolerance), the
// step losses and the evaluation of the reference run ref.
func requireSameRun(t *testing.T, ref, out string) {
	t.Helper()
	want, _, err := weights.ReadSafetensors(filepath.Join(ref, "model.safetensors"))
	require.NoError(t, err)
	got, _, err := weights.ReadSafetensors(filepath.Join(out, "model.safetensors"))
	require.NoError(t, err)
	require.ElementsMatch(t, want.Names, got.Names)
	for _, n := range want.Names {
		w, _ := want.Get(n)
		g, _ := got.Get(n)
		wv, err := w.Float32()
		require.NoError(t, err)
		gv, err := g.Float32()
		require.NoError(t, err)
		for i := range wv {
			require.True(t, closeTo(float64(wv[i]), float64(gv[i])), "%s[%d]: %g vs %g", n, i, gv[i], wv[i])
		}
	}
	wl, gl := logLines(t, ref), logLines(t, out)
	require.Len(t, gl, len(wl))
	for i := range wl {
		require.Equal(t, wl[i]["step"], gl[i]["step"])
		if loss, ok := wl[i]["loss"]; ok {
			require.True(t, closeTo(loss, gl[i]["loss"]), "step %v loss %v vs %v", wl[i]["step"], gl[i]["loss"], loss)
		}
		if acc, ok := wl[i]["eval_accuracy"]; ok {
			require.InDelta(t, acc, gl[i]["eval_accuracy"], 1e-6)
		}
	}
}

// TestTrainDataParallel: two processes (started by --nproc-per-node 2, and as two "nodes"
// each started with --nnodes 2) reach the parameters, losses and evaluation of one
// process: 7 steps with gradient accumulation 2 over 99 examples, so the last micro-batch
// (3 examples) splits unevenly. Only rank 0 writes and reports.
func TestTrainDataParallel(t *testing.T) {
	base := append(distFixture(t, 0), "--epochs", "1", "--grad-accum", "2")
	ref := filepath.Join(t.TempDir(), "ref")
	one := start(t, nil, append(base, "--out", ref, "--threads", "1")...)
	require.Equal(t, 0, one.wait(), one.stderr.String())

	t.Run("nproc-per-node 2", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		p := start(t, nil, append(base, "--out", out, "--nproc-per-node", "2")...)
		require.Equal(t, 0, p.wait(), p.stderr.String())
		requireSameRun(t, ref, out)
		require.Equal(t, 1, strings.Count(p.stdout.String(), "trained 7 steps on 99 examples"), p.stdout.String())
		require.Equal(t, 1, strings.Count(p.stdout.String(), "eval accuracy"), "rank 0 reports")
		entries, err := os.ReadDir(out)
		require.NoError(t, err)
		for _, e := range entries {
			require.False(t, strings.HasPrefix(e.Name(), ".tmp"), "left %s", e.Name())
		}
	})
	t.Run("nnodes 2", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		port := freeTCPPort(t)
		var nodes []*proc
		for r := 0; r < 2; r++ {
			nodes = append(nodes, start(t, nil, append(base, "--out", out, "--nnodes", "2", "--node-rank", fmt.Sprint(r),
				"--master-addr", "127.0.0.1", "--master-port", port)...))
		}
		for r, p := range nodes {
			require.Equal(t, 0, p.wait(), "node %d: %s", r, p.stderr.String())
		}
		requireSameRun(t, ref, out)
		require.Empty(t, nodes[1].stdout.String(), "node 1 hosts rank 1, which does not report")
	})
}

// waitForSteps waits until out's log has n optimizer steps, or fails after a minute.
func waitForSteps(t *testing.T, out string, n int, procs ...*proc) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		raw, _ := os.ReadFile(filepath.Join(out, "train_log.jsonl"))
		if bytes.Count(raw, []byte(`"loss"`)) >= n {
			return
		}
		if time.Now().After(deadline) {
			var msgs []string
			for _, p := range procs {
				msgs = append(msgs, p.stderr.String())
			}
			t.Fatalf("no %d steps in %s after a minute: %s", n, out, strings.Join(msgs, " | "))
		}
	}
}

// TestTrainDataParallelCtrlCResume: Ctrl-C to the launcher stops both workers after the
// same step; rank 0 alone says where its checkpoint is (exit 130); the run then resumes in
// a single process (another world size) and ends as an uninterrupted single process does.
func TestTrainDataParallelCtrlCResume(t *testing.T) {
	base := append(distFixture(t, 0), "--epochs", "3") // 39 steps
	ref := filepath.Join(t.TempDir(), "ref")
	one := start(t, nil, append(base, "--out", ref, "--threads", "1")...)
	require.Equal(t, 0, one.wait(), one.stderr.String())

	out := filepath.Join(t.TempDir(), "out")
	p := start(t, nil, append(base, "--out", out, "--nproc-per-node", "2")...)
	waitForSteps(t, out, 3, p)
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.Equal(t, 130, p.wait(), p.stderr.String())
	lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
	last := lines[len(lines)-1]
	require.Regexp(t, `^lxmert train: interrupted at step \d+ of 39; checkpoint saved in \S+ \(continue with --resume\)$`, last)
	require.Equal(t, 1, strings.Count(p.stderr.String(), "interrupted"), "one line, from rank 0: %s", p.stderr.String())
	require.NoFileExists(t, filepath.Join(out, "model.safetensors"))

	res := start(t, nil, append(base, "--out", out, "--threads", "1", "--resume")...)
	require.Equal(t, 0, res.wait(), res.stderr.String())
	require.Contains(t, res.stderr.String(), "resuming from "+filepath.Join(out, "checkpoint-"))
	requireSameRun(t, ref, out)
}

// TestTrainDataParallelResumeDropout: with dropout, two processes stopped by Ctrl-C and
// resumed as two processes end where an uninterrupted two-process run does: each rank's
// dropout generator is saved in the checkpoint and restored.
func TestTrainDataParallelResumeDropout(t *testing.T) {
	base := append(distFixture(t, 0.1), "--epochs", "2", "--nproc-per-node", "2")
	ref := filepath.Join(t.TempDir(), "ref")
	whole := start(t, nil, append(base, "--out", ref)...)
	require.Equal(t, 0, whole.wait(), whole.stderr.String())

	out := filepath.Join(t.TempDir(), "out")
	p := start(t, nil, append(base, "--out", out)...)
	waitForSteps(t, out, 3, p)
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.Equal(t, 130, p.wait(), p.stderr.String())
	res := start(t, nil, append(base, "--out", out, "--resume")...)
	require.Equal(t, 0, res.wait(), res.stderr.String())
	requireSameRun(t, ref, out)
}
