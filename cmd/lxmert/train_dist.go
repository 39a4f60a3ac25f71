package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/train/dist"
)

// distFlags start a data-parallel job (torchrun's flags): this process launches
// NProcPerNode workers (re-running itself with torchrun's environment) and waits for them.
type distFlags struct {
	nproc, nnodes, nodeRank, port *int
	addr                          *string
	timeout                       *time.Duration
}

// launcherFlags are the flags the launcher keeps to itself.
var launcherFlags = map[string]bool{"nproc-per-node": true, "nnodes": true, "node-rank": true, "master-addr": true, "master-port": true}

func addDistFlags(fs *flag.FlagSet) distFlags {
	return distFlags{
		nproc:    fs.Int("nproc-per-node", 1, "data parallel: worker processes to start on this machine"),
		nnodes:   fs.Int("nnodes", 1, "data parallel: machines in the job, each started with the same flags and its own --node-rank"),
		nodeRank: fs.Int("node-rank", 0, "data parallel: this machine's index in [0, --nnodes)"),
		addr:     fs.String("master-addr", "", "data parallel: host of node 0, which serves the rendezvous (default 127.0.0.1 with one node)"),
		port:     fs.Int("master-port", 0, fmt.Sprintf("data parallel: rendezvous port on --master-addr (default: a free port with one node, %d with several)", dist.DefaultPort)),
		timeout:  fs.Duration("timeout", dist.DefaultTimeout, "data parallel: how long to wait for a missing or silent peer before failing"),
	}
}

// launching reports whether the flags ask for a job of more than one process.
func (d distFlags) launching() bool { return *d.nproc*max(1, *d.nnodes) > 1 }

// given reports whether any launcher flag was set on the command line.
func (d distFlags) given(fs *flag.FlagSet) (name string) {
	fs.Visit(func(f *flag.Flag) {
		if launcherFlags[f.Name] && name == "" {
			name = f.Name
		}
	})
	return name
}

// exitStatus makes run exit with a worker's status without printing (the worker did).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// launch runs the job's workers on this machine and returns their outcome.
func (d distFlags) launch(fs *flag.FlagSet, batch int, stdout, stderr io.Writer) error {
	nproc, nnodes := *d.nproc, *d.nnodes
	switch {
	case nproc < 1 || nnodes < 1:
		return usagef("--nproc-per-node and --nnodes must be at least 1")
	case *d.nodeRank < 0 || *d.nodeRank >= nnodes:
		return usagef("--node-rank %d is not in [0, %d)", *d.nodeRank, nnodes)
	case *d.timeout <= 0:
		return usagef("--timeout must be positive")
	case batch%(nproc*nnodes) != 0:
		return usagef("--batch-size %d does not divide evenly over %d processes (%d nodes × %d): use a multiple of %d",
			batch, nproc*nnodes, nnodes, nproc, nproc*nnodes)
	}
	addr, port := *d.addr, *d.port
	if nnodes > 1 {
		if addr == "" {
			return usagef("--nnodes %d needs --master-addr: the address of node 0, the same on every node", nnodes)
		}
		if port == 0 {
			port = dist.DefaultPort
		}
	} else {
		if addr == "" {
			addr = "127.0.0.1"
		}
		if port == 0 {
			p, err := freePort(addr)
			if err != nil {
				return err
			}
			port = p
		}
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program to start the workers: %w", err)
	}
	args := []string{"train"}
	fs.Visit(func(f *flag.Flag) {
		if !launcherFlags[f.Name] {
			args = append(args, "--"+f.Name+"="+f.Value.String())
		}
	})
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	status, err := dist.Launch(dist.LaunchOptions{NProcPerNode: nproc, NNodes: nnodes, NodeRank: *d.nodeRank,
		MasterAddr: addr, MasterPort: port, Command: self, Args: args, Stdout: stdout, Stderr: stderr,
		Signals: sigs, Name: "lxmert train"})
	switch {
	case err != nil:
		return err
	case status == 130:
		return errInterrupted
	case status != 0:
		return exitStatus(status)
	}
	return nil
}

// freePort asks the system for a port of addr that is free now.
func freePort(addr string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return 0, fmt.Errorf("finding a free port on %s for the rendezvous: %w", addr, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// workerError is a worker's one line: with its rank, once.
func workerError(rank int, err error) error {
	msg := err.Error()
	for _, p := range []string{"train: ", "dist: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if !strings.HasPrefix(msg, "rank ") && !errors.Is(err, dist.ErrPeerLost) {
		msg = fmt.Sprintf("rank %d: %s", rank, msg)
	}
	return errors.New(msg)
}
