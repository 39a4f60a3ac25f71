package dist

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// LaunchOptions describe this machine's share of a job: NProcPerNode workers, global ranks
// NodeRank·NProcPerNode … +NProcPerNode-1 of NNodes·NProcPerNode.
type LaunchOptions struct {
	NProcPerNode     int
	NNodes, NodeRank int // default 1 and 0
	MasterAddr       string
	MasterPort       int
	Command          string   // the worker executable
	Args             []string // its arguments
	Env              []string // the workers' environment before the job's variables (nil: os.Environ())
	Stdout, Stderr   io.Writer
	// Signals are forwarded to every worker (Ctrl-C: they stop together and rank 0 saves a
	// checkpoint). After one, a worker's failure no longer stops the others.
	Signals <-chan os.Signal
	// Grace is how long the other workers get to exit after one failed, before they are
	// killed (0: 15 s).
	Grace time.Duration
	Name  string // prefix of the launcher's own messages on Stderr (default "dist")
}

// Launch starts the workers with torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT) and waits for all of them. When
// one fails, the others are sent SIGTERM, then killed after Grace. It returns the exit status
// of the first worker that failed (128+N for a worker killed by signal N), or 0. Workers
// get SIGTERM if the launcher itself dies.
func Launch(o LaunchOptions) (int, error) {
	if o.NNodes == 0 {
		o.NNodes = 1
	}
	world := o.NNodes * o.NProcPerNode
	cfg := Config{Rank: o.NodeRank * o.NProcPerNode, WorldSize: world, LocalWorldSize: o.NProcPerNode, MasterAddr: o.MasterAddr, MasterPort: o.MasterPort}
	if o.NProcPerNode < 1 || o.NodeRank < 0 || o.NodeRank >= o.NNodes {
		return 0, fmt.Errorf("dist: launch: need at least 1 process per node and a node rank in [0, %d), got %d and %d", o.NNodes, o.NProcPerNode, o.NodeRank)
	}
	if err := cfg.Check(); err != nil {
		return 0, err
	}
	if o.Env == nil {
		o.Env = os.Environ()
	}
	if o.Grace == 0 {
		o.Grace = 15 * time.Second
	}
	if o.Name == "" {
		o.Name = "dist"
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	o.Stdout, o.Stderr = shared(o.Stdout), shared(o.Stderr)
	// Pdeathsig fires when the thread that started the child exits: keep this one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	type exit struct {
		local int
		err   error
	}
	done := make(chan exit, o.NProcPerNode)
	cmds := make([]*exec.Cmd, o.NProcPerNode)
	for l := range cmds {
		c := exec.Command(o.Command, o.Args...)
		c.Env = workerEnv(o.Env, cfg.Rank+l, world, l, o)
		c.Stdout, c.Stderr = o.Stdout, o.Stderr
		// Its own process group: a terminal's Ctrl-C reaches the launcher only, which
		// forwards it once to each worker.
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		if err := c.Start(); err != nil {
			for _, started := range cmds[:l] {
				started.Process.Kill()
				started.Wait()
			}
			return 0, fmt.Errorf("dist: launch: starting rank %d: %w", cfg.Rank+l, err)
		}
		cmds[l] = c
		go func(l int) { done <- exit{l, c.Wait()} }(l)
	}
	status, running, signalled := 0, o.NProcPerNode, false
	var kill <-chan time.Time
	for running > 0 {
		select {
		case e := <-done:
			running--
			cmds[e.local] = nil
			code := exitCode(e.err)
			if code == 0 || status != 0 {
				continue
			}
			status = code
			if signalled {
				continue // every worker was told to stop: let them finish saving
			}
			fmt.Fprintf(o.Stderr, "%s: rank %d %s; stopping the other workers\n", o.Name, cfg.Rank+e.local, describe(e.err))
			signalAll(cmds, syscall.SIGTERM)
			kill = time.After(o.Grace)
		case sig := <-o.Signals:
			signalled = true
			if s, ok := sig.(syscall.Signal); ok {
				signalAll(cmds, s)
			}
		case <-kill:
			signalAll(cmds, syscall.SIGKILL)
		}
	}
	return status, nil
}
