package dist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// shared lets several workers write to w: a file is written by each directly (whole lines
// of each, as their own writes), another writer through a lock.
func shared(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok || w == nil {
		return w
	}
	return &lockedWriter{w: w}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// workerEnv is env without the job's variables, then this worker's.
func workerEnv(env []string, rank, world, local int, o LaunchOptions) []string {
	set := map[string]string{"RANK": strconv.Itoa(rank), "WORLD_SIZE": strconv.Itoa(world),
		"LOCAL_RANK": strconv.Itoa(local), "LOCAL_WORLD_SIZE": strconv.Itoa(o.NProcPerNode),
		"GROUP_RANK": strconv.Itoa(o.NodeRank), "MASTER_ADDR": o.MasterAddr, "MASTER_PORT": strconv.Itoa(o.MasterPort)}
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ours := set[k]; !ours && k != "TORCHELASTIC_USE_AGENT_STORE" {
			out = append(out, kv)
		}
	}
	for _, k := range []string{"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR", "MASTER_PORT"} {
		out = append(out, k+"="+set[k])
	}
	return out
}

func signalAll(cmds []*exec.Cmd, sig syscall.Signal) {
	for _, c := range cmds {
		if c != nil && c.Process != nil {
			c.Process.Signal(sig)
		}
	}
}

// exitCode is a shell's status for a finished worker: its exit code, or 128+N when killed by
// signal N.
func exitCode(err error) int {
	var ee *exec.ExitError
	if err == nil {
		return 0
	}
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return 1
}

func describe(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("(pid %d) was killed by signal %d (%v)", ee.Pid(), int(ws.Signal()), ws.Signal())
		}
		return fmt.Sprintf("(pid %d) exited with status %d", ee.Pid(), ee.ExitCode())
	}
	return "failed: " + err.Error()
}
