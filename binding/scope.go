package binding

// #include "lx.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// ErrClosed is reported by operations on a closed scope.
var ErrClosed = errors.New("binding: scope is closed")

// Scope owns the tensors its operations create and remembers its first error. A scope is
// used by one goroutine at a time; make one per forward pass or training step, and Close it.
//
// A scope that is never closed is not leaked forever: once neither it nor any tensor it
// made is reachable, the garbage collector frees what it still owns. That is a backstop,
// not a way of working: the collector does not see native memory, so it may run far too
// late, and memory grows meanwhile.
type Scope struct {
	st      *scopeState
	err     error
	grad    bool
	closed  bool
	cleanup runtime.Cleanup
}

// scopeState is what the collector's backstop frees; it holds no pointer back to the Scope.
type scopeState struct {
	owned  []*cell
	sealed bool
}

// NewScope returns a scope whose operations record no autograd graph (inference).
func NewScope() *Scope { return newScope(false) }

// NewGradScope returns a scope whose operations record the autograd graph (training).
func NewGradScope() *Scope { return newScope(true) }

func newScope(grad bool) *Scope {
	s := &Scope{st: &scopeState{}, grad: grad}
	s.cleanup = runtime.AddCleanup(s, (*scopeState).freeAll, s.st)
	return s
}

// Grad reports whether the scope records autograd graphs.
func (s *Scope) Grad() bool { return s != nil && s.grad }

// Err returns the first error of the scope, or nil.
func (s *Scope) Err() error {
	if s == nil {
		return errNilScope
	}
	return s.err
}

var errNilScope = errors.New("binding: nil scope (use NewScope)")

// state returns the scope's ownership record, made on first use for a zero-value Scope
// (which then has no collector backstop).
func (s *Scope) state() *scopeState {
	if s.st == nil {
		s.st = &scopeState{}
	}
	return s.st
}

// Fail records err as the scope's error unless one is already recorded; Go code that
// validates inputs mid-forward uses it so that one error path serves both kinds of failure.
func (s *Scope) Fail(err error) {
	if s != nil && s.err == nil && err != nil {
		s.err = err
	}
}

// Seal makes the scope the only one that frees its tensors: binding.Free and an output's
// Close leave them alone, so a model's parameters, kept in a sealed scope, cannot be freed
// from outside the model.
func (s *Scope) Seal() { s.state().sealed = true }

// Live is the number of tensors the scope currently owns.
func (s *Scope) Live() int {
	if s == nil || s.st == nil {
		return 0
	}
	return len(s.st.owned)
}

// Close frees every tensor the scope still owns. It is safe to call twice.
func (s *Scope) Close() {
	if s == nil || s.closed {
		return
	}
	s.cleanup.Stop()
	s.state().freeAll()
	s.closed = true
}

func (st *scopeState) freeAll() {
	for _, c := range st.owned {
		c.owner = nil
		c.free()
	}
	st.owned = nil
}

// Keep hands tensors out of the scope: Close will not free them; the caller frees them with
// Free. A finalizer frees them if the caller forgets, but relying on it grows memory.
// Tensors the scope does not own are left alone.
func (s *Scope) Keep(ts ...Tensor) {
	if s == nil || s.st == nil {
		return
	}
	for _, t := range ts {
		if t.c != nil && t.c.owner == s.st && s.st.disown(t.c) {
			t.c.kept = true
			runtime.SetFinalizer(t.c, (*cell).free)
		}
	}
}

// disown removes c from the cells the scope owns and reports whether it was one of them.
// Recent tensors are the likely ones, so the search runs from the end.
func (st *scopeState) disown(c *cell) bool {
	for i := len(st.owned) - 1; i >= 0; i-- {
		if st.owned[i] == c {
			st.owned = append(st.owned[:i], st.owned[i+1:]...)
			c.owner = nil
			return true
		}
	}
	return false
}

// Free releases tensors the scope owns now, before Close (a replaced parameter, a buffer
// not needed any more). Tensors it does not own are left alone.
func (s *Scope) Free(ts ...Tensor) {
	if s == nil || s.st == nil {
		return
	}
	for _, t := range ts {
		if t.c != nil && t.c.owner == s.st && s.st.disown(t.c) {
			t.c.free()
		}
	}
}

// Adopt makes the scope own kept tensors again, so that Close frees them. Adopting a
// tensor that is not kept (owned by a scope, borrowed, freed) is an error of the scope.
func (s *Scope) Adopt(ts ...Tensor) {
	if s == nil {
		return
	}
	if s.closed {
		s.Fail(fmt.Errorf("Adopt: %w", ErrClosed))
		return
	}
	for i, t := range ts {
		if t.c == nil || !t.c.kept || !t.live() {
			s.Fail(&Error{Op: "Adopt", Msg: fmt.Sprintf("tensor %d is not a live kept tensor", i)})
			return
		}
	}
	for _, t := range ts {
		runtime.SetFinalizer(t.c, nil)
		t.c.kept, t.c.owner = false, s.state()
		s.st.owned = append(s.st.owned, t.c)
	}
}

// ok reports whether an operation may run: no earlier error, scope open, every required
// argument a live tensor.
func (s *Scope) ok(op string, args ...Tensor) bool {
	if s == nil || s.err != nil {
		return false
	}
	if s.closed {
		s.err = fmt.Errorf("%s: %w", op, ErrClosed)
		return false
	}
	for i, t := range args {
		if !t.live() {
			s.err = &Error{Op: op, Msg: fmt.Sprintf("argument %d is a nil or freed tensor", i)}
			return false
		}
	}
	return true
}

// optOK is ok for optional arguments: a zero Tensor is fine, a freed one is not (it would
// otherwise silently count as absent).
func (s *Scope) optOK(op string, args ...Tensor) bool {
	for i, t := range args {
		if t.c != nil && !t.live() {
			s.Fail(&Error{Op: op, Msg: fmt.Sprintf("optional argument %d is a freed tensor", i)})
			return false
		}
	}
	return s != nil && s.err == nil
}

// done records a C call's outcome and wraps its result as a tensor the scope owns. The
// call's arguments are passed as alive so that no finalizer can free them while C++ still
// reads them.
func (s *Scope) done(op string, e C.lx_err, out C.lx_tensor, alive ...Tensor) Tensor {
	runtime.KeepAlive(alive)
	if err := takeErr(op, e); err != nil {
		s.Fail(err)
		return Tensor{}
	}
	st := s.state()
	live.Add(1)
	c := &cell{p: unsafe.Pointer(out), owner: st}
	st.owned = append(st.owned, c)
	return Tensor{c: c, scope: s}
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (s *Scope) cgrad() C.int { return cbool(s.grad) }
