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
// processes) and a tiny from-scratch model without dropout; it returns the common flags.
func distFixture(t *testing.T) []string {
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
		"num_attr_labels": 2, "max_position_embeddings": 32, "hidden_dropout_prob": 0, "attention_probs_dropout_prob": 0}`
	require.NoError(t, os.WriteFile(filepath.Join(model, "config.json"), []byte(cfg), 0o644))
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
	base := append(distFixture(t), "--epochs", "1", "--grad-accum", "2")
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
	base := append(distFixture(t), "--epochs", "3") // 39 steps
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

// TestTrainDataParallelFailures: a worker that is killed makes the survivor exit non-zero
// within the timeout with a message naming the dead rank (rank 0 serves the rendezvous store,
// so its death is seen as that); under the launcher, the launcher names it and returns its
// status; a missing peer fails the rendezvous after --timeout; an uneven batch and launcher
// flags given to a worker are usage errors.
func TestTrainDataParallelFailures(t *testing.T) {
	base := append(distFixture(t), "--epochs", "200", "--threads", "1") // far longer than the test
	for _, tc := range []struct {
		kill int
		want string
	}{
		{1, `^lxmert train: rank 0: averaging gradients failed: rank 1 stopped \(it exited, was killed or lost its network\): `},
		{0, `^lxmert train: rank 1: \S[^:]* failed: rank 0 stopped \(the rendezvous store it serves at 127\.0\.0\.1:\d+ no longer answers\): `},
	} {
		t.Run(fmt.Sprintf("rank %d killed", tc.kill), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			port := freeTCPPort(t)
			w := []*proc{start(t, workerEnv(0, 2, port), append(base, "--out", out)...), start(t, workerEnv(1, 2, port), append(base, "--out", out)...)}
			waitForSteps(t, out, 2, w...)
			require.NoError(t, w[tc.kill].cmd.Process.Kill())
			began := time.Now()
			survivor := w[1-tc.kill]
			require.Equal(t, 1, survivor.wait())
			require.Less(t, time.Since(began), 60*time.Second, "within --timeout")
			// Rank 0 also logs progress (its stderr is not a terminal): the error is the last line.
			lines := strings.Split(strings.TrimSpace(survivor.stderr.String()), "\n")
			require.Regexp(t, tc.want, lines[len(lines)-1])
			require.Equal(t, 1, strings.Count(survivor.stderr.String(), "lxmert train:"), "one error line: %s", survivor.stderr.String())
		})
	}
	t.Run("launcher", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		p := start(t, nil, append(base, "--out", out, "--nproc-per-node", "2")...)
		waitForSteps(t, out, 2, p)
		pid := workerPID(t, p.cmd.Process.Pid, "RANK=1")
		require.NoError(t, syscallKill(pid))
		began := time.Now()
		require.Equal(t, 137, p.wait(), p.stderr.String())
		require.Less(t, time.Since(began), 60*time.Second)
		require.Contains(t, p.stderr.String(), fmt.Sprintf("lxmert train: rank 1 (pid %d) was killed by signal 9 (killed); stopping the other workers", pid))
		require.Regexp(t, `lxmert train: rank 0: \S[^:]* failed: rank 1 stopped`, p.stderr.String())
	})
	t.Run("missing peer", func(t *testing.T) {
		port := freeTCPPort(t)
		for rank, want := range []string{"(were all 2 processes started, with the same --master-addr and --master-port?)",
			"(is rank 0 running, and is 127.0.0.1:" + port + " reachable from here?)"} {
			began := time.Now()
			p := start(t, workerEnv(rank, 2, port), append(base, "--out", t.TempDir(), "--timeout", "3s")...)
			require.Equal(t, 1, p.wait())
			require.Less(t, time.Since(began), 30*time.Second)
			require.Contains(t, p.stderr.String(), fmt.Sprintf("lxmert train: rank %d of 2: joining the job within 3s: ", rank))
			require.Contains(t, p.stderr.String(), want)
			require.Equal(t, 1, strings.Count(p.stderr.String(), "\n"), "one line: %s", p.stderr.String())
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, tc := range []struct {
			env  []string
			args []string
			want string
		}{
			{nil, []string{"--nproc-per-node", "2", "--batch-size", "7"}, "--batch-size 7 does not divide evenly over 2 processes (1 nodes × 2): use a multiple of 2"},
			{workerEnv(0, 3, "1234"), nil, "--batch-size 8 does not divide evenly over the job's 3 processes: use a multiple of 3"},
			{workerEnv(0, 2, "1234"), []string{"--nproc-per-node", "2"}, "--nproc-per-node starts workers, but this process is one already (WORLD_SIZE is set, as torchrun does)"},
			{nil, []string{"--nnodes", "2"}, "--nnodes 2 needs --master-addr"},
			{nil, []string{"--nnodes", "2", "--node-rank", "2", "--master-addr", "h"}, "--node-rank 2 is not in [0, 2)"},
		} {
			p := start(t, tc.env, append(append(base, "--out", t.TempDir()), tc.args...)...)
			require.Equal(t, 2, p.wait(), "%v: %s", tc.args, p.stderr.String())
			require.Contains(t, p.stderr.String(), tc.want)
		}
	})
}

// workerPID finds the launcher's child whose environment holds kv.
func workerPID(t *testing.T, parent int, kv string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range entries {
		var pid, ppid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		fmt.Sscan(fields[1], &ppid)
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if ppid == parent && bytes.Contains(append(append([]byte{0}, env...), 0), []byte("\x00"+kv+"\x00")) {
			return pid
		}
	}
	t.Fatalf("no child of %d with %s", parent, kv)
	return 0
}

func syscallKill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

// TestTrainTorchrun: PyTorch's own launcher (torchrun, serving the rendezvous store from
// its agent) starts two Go workers, which reach the single process's parameters.
func TestTrainTorchrun(t *testing.T) {
	py, err := filepath.Abs("../../.venv/bin/python")
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the Python reference is missing: run make setup")
	base := append(distFixture(t), "--epochs", "1")
	ref := filepath.Join(t.TempDir(), "ref")
	one := start(t, nil, append(base, "--out", ref, "--threads", "1")...)
	require.Equal(t, 0, one.wait(), one.stderr.String())

	out := filepath.Join(t.TempDir(), "out")
	// --redirects/--tee 1: torchrun 1.13 fails on Python 3.11 with its default "0" (its Std
	// IntFlag no longer lists NONE when iterated).
	args := append([]string{"-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2", "--master_port", freeTCPPort(t),
		"--redirects", "1", "--tee", "1", "--no_python", lxmertBin(t)}, append(base, "--out", out)...)
	cmd := exec.Command(py, args...)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)
	requireSameRun(t, ref, out)
}
