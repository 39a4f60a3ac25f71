package dist

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The launcher's tests start this test binary as workers: fakeWorker acts out the role
// LXMERT_FAKE_WORKER names and never returns.
func TestMain(m *testing.M) {
	if role := os.Getenv("LXMERT_FAKE_WORKER"); role != "" {
		fakeWorker(role)
	}
	os.Exit(m.Run())
}

func fakeWorker(role string) {
	rank := os.Getenv("RANK")
	switch role {
	case "env":
		for _, k := range []string{"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_USE_AGENT_STORE"} {
			fmt.Printf("%s=%s ", k, os.Getenv(k))
		}
		fmt.Println()
		os.Exit(0)
	case "rank1-fails": // rank 1 fails at once; the others wait for SIGTERM
		if rank == "1" {
			os.Exit(3)
		}
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM)
		select {
		case <-sigs:
			os.Exit(143)
		case <-time.After(time.Minute):
			os.Exit(0)
		}
	case "deaf": // rank 1 fails; the others ignore SIGTERM
		if rank == "1" {
			os.Exit(4)
		}
		signal.Ignore(syscall.SIGTERM)
		time.Sleep(time.Minute)
		os.Exit(0)
	case "ctrl-c": // exit 130 on the first SIGINT, rank 1 after a delay (a checkpoint)
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt)
		fmt.Println("ready")
		<-sigs
		if rank == "0" {
			time.Sleep(500 * time.Millisecond)
		}
		os.Exit(130)
	}
	os.Exit(99)
}

func launch(t *testing.T, role string, o LaunchOptions) (int, string, string, time.Duration) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	o.Command, o.Args = os.Args[0], []string{"-test.run=^$"}
	o.Env = append(os.Environ(), "LXMERT_FAKE_WORKER="+role, "RANK=77", "TORCHELASTIC_USE_AGENT_STORE=True")
	o.Stderr, o.Name = &stderr, "launch"
	if o.Stdout == nil {
		o.Stdout = &stdout
	}
	if o.MasterAddr == "" {
		o.MasterAddr, o.MasterPort = "127.0.0.1", 29999
	}
	start := time.Now()
	status, err := Launch(o)
	require.NoError(t, err)
	return status, stdout.String(), stderr.String(), time.Since(start)
}

// TestLaunchEnvironment: each worker gets torchrun's variables for its place in the job
// (the launcher's own RANK and agent-store setting do not leak through).
func TestLaunchEnvironment(t *testing.T) {
	status, stdout, _, _ := launch(t, "env", LaunchOptions{NProcPerNode: 2, NNodes: 3, NodeRank: 1, MasterAddr: "node0", MasterPort: 1234})
	require.Equal(t, 0, status)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	require.ElementsMatch(t, []string{
		"RANK=2 WORLD_SIZE=6 LOCAL_RANK=0 LOCAL_WORLD_SIZE=2 GROUP_RANK=1 MASTER_ADDR=node0 MASTER_PORT=1234 TORCHELASTIC_USE_AGENT_STORE=",
		"RANK=3 WORLD_SIZE=6 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2 GROUP_RANK=1 MASTER_ADDR=node0 MASTER_PORT=1234 TORCHELASTIC_USE_AGENT_STORE=",
	}, lines)
}

// TestLaunchWorkerFails: when a worker fails, the others are stopped (SIGTERM, then SIGKILL
// after the grace period for one that ignores it) and the launcher returns the failed
// worker's status, naming it.
func TestLaunchWorkerFails(t *testing.T) {
	status, _, stderr, took := launch(t, "rank1-fails", LaunchOptions{NProcPerNode: 3})
	require.Equal(t, 3, status)
	require.Regexp(t, `^launch: rank 1 \(pid \d+\) exited with status 3; stopping the other workers\n$`, stderr)
	require.Less(t, took, 30*time.Second)

	status, _, stderr, took = launch(t, "deaf", LaunchOptions{NProcPerNode: 2, Grace: time.Second})
	require.Equal(t, 4, status)
	require.Contains(t, stderr, "rank 1 (pid")
	require.Less(t, took, 30*time.Second, "the deaf worker was killed after the grace period")
}

// TestLaunchForwardsSignals: Ctrl-C reaches every worker once; the launcher waits for all of
// them (rank 0 still saving) and returns 130.
func TestLaunchForwardsSignals(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	ready := &readyWriter{n: 2, sigs: sigs} // both workers have installed their handlers
	status, _, stderr, _ := launch(t, "ctrl-c", LaunchOptions{NProcPerNode: 2, Signals: sigs, Stdout: ready})
	require.Equal(t, 130, status)
	require.Equal(t, "ready\nready\n", ready.buf.String())
	require.Empty(t, stderr, "an agreed stop is not a failure")
}

// readyWriter sends Ctrl-C once n "ready" lines were written to it.
type readyWriter struct {
	buf  bytes.Buffer
	n    int
	sigs chan os.Signal
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if strings.Count(w.buf.String(), "ready") == w.n && w.sigs != nil {
		w.sigs <- os.Interrupt
		w.sigs = nil
	}
	return len(p), nil
}
