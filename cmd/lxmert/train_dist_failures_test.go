package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTrainDataParallelFailures: a worker that is killed makes the survivor exit non-zero
// within the timeout with a message naming the dead rank (rank 0 serves the rendezvous store,
// so its death is seen as that; which collective notices first depends on timing); under the launcher, the launcher names it and returns its
// status; a missing peer fails the rendezvous after --timeout; ranks started with other
// options fail at once naming the difference; an uneven batch and launcher
// flags given to a worker are usage errors.
func TestTrainDataParallelFailures(t *testing.T) {
	base := append(distFixture(t, 0), "--epochs", "200", "--threads", "1") // far longer than the test
	for _, tc := range []struct {
		kill int
		want string
	}{
		{1, `^lxmert train: rank 0: \S[^:]* failed: rank 1 stopped \(it exited, was killed or lost its network\): `},
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
	t.Run("ranks disagree", func(t *testing.T) {
		port, out := freeTCPPort(t), filepath.Join(t.TempDir(), "out")
		other := append([]string(nil), base...)
		for i, a := range other {
			if a == "--seed" {
				other[i+1] = "4"
			}
		}
		w := []*proc{start(t, workerEnv(0, 2, port), append(base, "--out", out)...), start(t, workerEnv(1, 2, port), append(other, "--out", out)...)}
		for _, p := range w {
			require.Equal(t, 1, p.wait())
			require.Equal(t, "lxmert train: rank 1 differs from rank 0 in Seed (4, rank 0 has 3): every rank must run with the same model, data and options\n", p.stderr.String())
		}
		require.NoDirExists(t, out)
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
	base := append(distFixture(t, 0), "--epochs", "1")
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
