package binding

// #include "lx.h"
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/lxmert-go/golxmert/binding/internal/handle"
)

// Tensor is a handle to a LibTorch tensor. Its fields are private: a handle cannot be
// forged, and who frees it is decided by the scope that made it (see Scope, Keep, Free).
// The zero Tensor means "no tensor" where an argument is optional. Copies of a Tensor are
// the same handle.
type Tensor struct {
	c *cell
	// scope keeps the scope that made the tensor reachable while the handle is, so that the
	// scope's garbage-collection backstop never frees a tensor someone still holds.
	scope *Scope
}

// IsNil reports whether t is the zero Tensor (no tensor at all, as opposed to a freed one).
func (t Tensor) IsNil() bool { return t.c == nil }

// cell holds one at::Tensor* and who may free it.
type cell struct {
	p     unsafe.Pointer  // the at::Tensor*, nil once freed
	ext   *unsafe.Pointer // a cell owned by another library (gotorch): read through, never freed
	owner *scopeState     // the scope that frees it; nil when kept or borrowed
	kept  bool            // handed out of its scope: binding.Free (or the finalizer) frees it
}

// handle is the at::Tensor* of c (NULL when freed).
func (c *cell) handle() unsafe.Pointer {
	if c.ext != nil {
		return *c.ext
	}
	return atomic.LoadPointer(&c.p)
}

// free releases the at::Tensor once, even if two goroutines race to free the same cell.
func (c *cell) free() {
	if c.ext != nil {
		return
	}
	if p := atomic.SwapPointer(&c.p, nil); p != nil {
		C.lx_free(C.lx_tensor(p))
		live.Add(-1)
	}
}

// live counts the tensors binding holds (owned by scopes or kept), for leak checks.
var live atomic.Int64

// LiveTensors is the number of native tensors binding currently holds, in every scope and
// kept: a test or a long-running service can watch it for leaks.
func LiveTensors() int64 { return live.Load() }

// live reports whether t refers to a tensor that has not been freed.
func (t Tensor) live() bool { return t.c != nil && t.c.handle() != nil }

// ptr is the C handle of t (NULL for a zero Tensor, for optional arguments).
func ptr(t Tensor) C.lx_tensor {
	if t.c == nil {
		return nil
	}
	return C.lx_tensor(t.c.handle())
}

// Free releases tensors now: kept tensors (see Scope.Keep), and tensors owned by a scope
// that is not sealed (the scope forgets them). Zero, freed and borrowed tensors, and those
// of a sealed scope (a model's parameters), are left alone. A tensor must not be freed
// while another goroutine uses it.
func Free(ts ...Tensor) {
	for _, t := range ts {
		c := t.c
		switch {
		case c == nil || c.ext != nil:
		case c.kept:
			runtime.SetFinalizer(c, nil)
			c.free()
		case c.owner != nil && !c.owner.sealed:
			if c.owner.disown(c) {
				c.free()
			}
		}
	}
}

func init() {
	handle.Cell = func(t any) *unsafe.Pointer {
		c := t.(Tensor).c
		switch {
		case c == nil:
			return nil
		case c.ext != nil:
			return c.ext
		}
		return &c.p
	}
	handle.Borrow = func(p *unsafe.Pointer) any {
		if p == nil {
			return Tensor{}
		}
		return Tensor{c: &cell{ext: p}}
	}
}
