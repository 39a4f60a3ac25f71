package binding

// #include <stdlib.h>
// #include "dist.h"
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// ProcessGroup is a joined torch.distributed process group: c10d's ProcessGroupGloo over a
// TCPStore rendezvous, with the store layout of Python's init_process_group(backend="gloo",
// init_method="env://"), so Go and Python ranks can be members of one group. Collectives
// block until every rank has called them, or fail after the group's timeout. Methods may be
// called from several goroutines; Close must come after every other call has returned.
type ProcessGroup struct {
	mu         sync.RWMutex // Close waits for calls in progress
	h          C.lx_pg
	rank, size int
}

// ProcessGroupOptions say how to join a group. The zero value of each optional field is
// what torch does.
type ProcessGroupOptions struct {
	MasterAddr      string // the TCPStore's host (MASTER_ADDR)
	MasterPort      int    // the TCPStore's port (MASTER_PORT)
	Rank, WorldSize int
	// HostStore makes this process serve the TCPStore: rank 0, unless torchrun's agent
	// serves it (TORCHELASTIC_USE_AGENT_STORE).
	HostStore bool
	// StorePrefix is torchrun's per-attempt key prefix ("/worker/attempt_N") on its agent's
	// store, or "".
	StorePrefix string
	// Interfaces is GLOO_SOCKET_IFNAME (the first of a comma-separated list is used); when
	// empty, Gloo binds to Address, or (when that is empty too) to the address this host's
	// name resolves to, as torch does.
	Interfaces string
	Address    string
	Timeout    time.Duration // rendezvous and every collective; must be positive
}

// NewProcessGroup joins a group: it returns once every rank has arrived, or fails after
// o.Timeout with a message saying what was missing.
func NewProcessGroup(o ProcessGroupOptions) (*ProcessGroup, error) {
	if o.Timeout < time.Millisecond {
		return nil, &Error{Op: "NewProcessGroup", Msg: fmt.Sprintf("timeout %v is too short", o.Timeout)}
	}
	addr, prefix, ifs, host := C.CString(o.MasterAddr), C.CString(o.StorePrefix), C.CString(o.Interfaces), C.CString(o.Address)
	defer C.free(unsafe.Pointer(addr))
	defer C.free(unsafe.Pointer(prefix))
	defer C.free(unsafe.Pointer(ifs))
	defer C.free(unsafe.Pointer(host))
	co := C.lx_pg_options{master_addr: addr, port: C.int(o.MasterPort), rank: C.int(o.Rank),
		world_size: C.int(o.WorldSize), is_server: cbool(o.HostStore), store_prefix: prefix,
		ifnames: ifs, hostname: host, timeout_ms: C.int64_t(o.Timeout.Milliseconds())}
	var h C.lx_pg
	if err := takeErr("NewProcessGroup", C.lx_pg_new(&co, &h)); err != nil {
		return nil, err
	}
	return &ProcessGroup{h: h, rank: o.Rank, size: o.WorldSize}, nil
}

// Rank is this process's rank in the group.
func (g *ProcessGroup) Rank() int { return g.rank }

// Size is the number of ranks.
func (g *ProcessGroup) Size() int { return g.size }

// Close leaves the group (rank 0's store stops serving). It is safe to call twice.
func (g *ProcessGroup) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h != nil {
		C.lx_pg_free(g.h)
		g.h = nil
	}
}

// call runs f with the group's handle, or fails when the group is closed.
func (g *ProcessGroup) call(op string, f func(h C.lx_pg) C.lx_err) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.h == nil {
		return &Error{Op: op, Msg: "the process group is closed"}
	}
	return takeErr(op, f(g.h))
}

// Broadcast copies root's tensors into every rank's, in place (coalesced into few
// collectives, as DDP does at its start). Every rank passes tensors of the same shapes.
func (g *ProcessGroup) Broadcast(root int, ts ...Tensor) error {
	h, err := handles("Broadcast", ts)
	if err != nil {
		return err
	}
	err = g.call("Broadcast", func(pg C.lx_pg) C.lx_err { return C.lx_pg_broadcast(pg, first(h), C.int(len(h)), C.int(root)) })
	runtime.KeepAlive(ts)
	return err
}

// ReduceOp is the reduction of AllReduce.
type ReduceOp int

// Reductions.
const (
	ReduceOpSum ReduceOp = iota
	ReduceOpMin
	ReduceOpMax
)

// AllReduce replaces each tensor by its reduction over the ranks, in place.
func (g *ProcessGroup) AllReduce(op ReduceOp, ts ...Tensor) error {
	h, err := handles("AllReduce", ts)
	if err != nil {
		return err
	}
	err = g.call("AllReduce", func(pg C.lx_pg) C.lx_err { return C.lx_pg_allreduce(pg, first(h), C.int(len(h)), C.int(op)) })
	runtime.KeepAlive(ts)
	return err
}

// AllGather copies rank i's in into outs[i] on every rank (len(outs) == Size()).
func (g *ProcessGroup) AllGather(in Tensor, outs []Tensor) error {
	h, err := handles("AllGather", append([]Tensor{in}, outs...))
	if err != nil {
		return err
	}
	err = g.call("AllGather", func(pg C.lx_pg) C.lx_err { return C.lx_pg_allgather(pg, h[0], first(h[1:]), C.int(len(h)-1)) })
	runtime.KeepAlive(in)
	runtime.KeepAlive(outs)
	return err
}

// Barrier returns once every rank has called it.
func (g *ProcessGroup) Barrier() error {
	return g.call("Barrier", func(pg C.lx_pg) C.lx_err { return C.lx_pg_barrier(pg) })
}

// StoreAdd adds delta to a counter of the rendezvous store (in this package's own key
// space) and returns its new value; delta 0 reads it.
func (g *ProcessGroup) StoreAdd(key string, delta int64) (int64, error) {
	k := C.CString(key)
	defer C.free(unsafe.Pointer(k))
	var v C.int64_t
	err := g.call("StoreAdd", func(pg C.lx_pg) C.lx_err { return C.lx_pg_store_add(pg, k, C.int64_t(delta), &v) })
	return int64(v), err
}

// Bytes copies a uint8 tensor's bytes (what collectives carry as raw data).
func (s *Scope) Bytes(t Tensor) []byte { return s.bytesOf(t) }
