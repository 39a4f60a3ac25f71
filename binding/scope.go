package binding

// #include "lx.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// Tensor is a handle to a LibTorch tensor: T points at a cell holding the at::Tensor*, the
// same representation as gotorch's Tensor (see binding/gotorchx to convert). A zero Tensor
// (T == nil) is "no tensor" where an argument is optional. The type is ours, not an alias
// of gotorch's, so that importing this package does not run gotorch's init (which aborts
// the process on a 1-CPU machine and pins the main goroutine to its OS thread).
type Tensor struct {
	T *unsafe.Pointer
}

// ErrClosed is reported by operations on a closed scope.
var ErrClosed = errors.New("binding: scope is closed")

// Scope owns the tensors its operations create and remembers its first error. A scope is
// used by one goroutine at a time; make one per forward pass or training step.
type Scope struct {
	owned  []*unsafe.Pointer
	err    error
	grad   bool
	closed bool
}

// NewScope returns a scope whose operations record no autograd graph (inference).
func NewScope() *Scope { return &Scope{} }

// NewGradScope returns a scope whose operations record the autograd graph (training).
func NewGradScope() *Scope { return &Scope{grad: true} }

// Grad reports whether the scope records autograd graphs.
func (s *Scope) Grad() bool { return s.grad }

// Err returns the first error of the scope, or nil.
func (s *Scope) Err() error { return s.err }

// Fail records err as the scope's error unless one is already recorded; Go code that
// validates inputs mid-forward uses it so that one error path serves both kinds of failure.
func (s *Scope) Fail(err error) {
	if s.err == nil && err != nil {
		s.err = err
	}
}

// Live is the number of tensors the scope currently owns.
func (s *Scope) Live() int { return len(s.owned) }

// Close frees every tensor the scope still owns. It is safe to call twice.
func (s *Scope) Close() {
	for _, p := range s.owned {
		freeCell(p)
	}
	s.owned = nil
	s.closed = true
}

// Keep hands tensors out of the scope: Close will not free them; the caller frees them with
// Free. A finalizer frees them if the caller forgets, but relying on it grows memory.
func (s *Scope) Keep(ts ...Tensor) {
	for _, t := range ts {
		if s.disown(t) {
			runtime.SetFinalizer(t.T, freeCell)
		}
	}
}

// disown removes t from the tensors the scope owns and reports whether it was one of them.
// Recent tensors are the likely ones, so the search runs from the end.
func (s *Scope) disown(t Tensor) bool {
	if t.T == nil {
		return false
	}
	for i := len(s.owned) - 1; i >= 0; i-- {
		if s.owned[i] == t.T {
			s.owned = append(s.owned[:i], s.owned[i+1:]...)
			return true
		}
	}
	return false
}

// Free releases tensors the scope owns now, before Close (a replaced parameter, a buffer
// not needed any more). Tensors it does not own are left alone.
func (s *Scope) Free(ts ...Tensor) {
	for _, t := range ts {
		if s.disown(t) {
			freeCell(t.T)
		}
	}
}

// Adopt makes the scope own kept tensors again, so that Close frees them.
func (s *Scope) Adopt(ts ...Tensor) {
	for _, t := range ts {
		if t.T != nil && *t.T != nil {
			runtime.SetFinalizer(t.T, nil)
			s.owned = append(s.owned, t.T)
		}
	}
}

// Free releases a kept tensor now. Freeing a nil or already freed tensor does nothing.
func Free(ts ...Tensor) {
	for _, t := range ts {
		if t.T != nil {
			runtime.SetFinalizer(t.T, nil)
			freeCell(t.T)
		}
	}
}

func freeCell(p *unsafe.Pointer) {
	if *p != nil {
		C.lx_free(C.lx_tensor(*p))
		*p = nil
	}
}

// ok reports whether an operation may run: no earlier error, scope open, every required
// argument a live tensor.
func (s *Scope) ok(op string, args ...Tensor) bool {
	if s.err != nil {
		return false
	}
	if s.closed {
		s.err = fmt.Errorf("%s: %w", op, ErrClosed)
		return false
	}
	for i, t := range args {
		if t.T == nil || *t.T == nil {
			s.err = &Error{Op: op, Msg: fmt.Sprintf("argument %d is a nil or freed tensor", i)}
			return false
		}
	}
	return true
}

// done records a C call's outcome and wraps its result as a tensor the scope owns. The
// call's arguments are passed as alive so that no finalizer of a kept tensor can run while
// C++ still reads it (gotorch's own wrappers lack this).
func (s *Scope) done(op string, e C.lx_err, out C.lx_tensor, alive ...Tensor) Tensor {
	runtime.KeepAlive(alive)
	if err := takeErr(op, e); err != nil {
		s.Fail(err)
		return Tensor{}
	}
	p := new(unsafe.Pointer)
	*p = unsafe.Pointer(out)
	s.owned = append(s.owned, p)
	return Tensor{T: p}
}

// ptr is the C handle of t (NULL for a zero Tensor, for optional arguments).
func ptr(t Tensor) C.lx_tensor {
	if t.T == nil {
		return nil
	}
	return C.lx_tensor(*t.T)
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (s *Scope) cgrad() C.int { return cbool(s.grad) }
