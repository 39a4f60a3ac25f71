package binding

// #include "lx.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Backward runs loss.backward(): gradients accumulate into every leaf that requires them.
// The loss must come from a grad scope and have one element.
func (s *Scope) Backward(loss Tensor) {
	if !s.ok("Backward", loss) {
		return
	}
	s.Fail(takeErr("Backward", C.lx_backward(ptr(loss))))
	runtime.KeepAlive(loss)
}

// GradOf returns t's accumulated gradient (sharing its memory), or a zero Tensor when t has
// none yet.
func (s *Scope) GradOf(t Tensor) Tensor {
	if !s.ok("GradOf", t) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_grad(ptr(t), &out)
	if e == nil && out == nil {
		runtime.KeepAlive(t)
		return Tensor{}
	}
	return s.done("GradOf", e, out, t)
}

// HasGrad reports whether t has an accumulated gradient.
func HasGrad(t Tensor) (bool, error) {
	if !t.live() {
		return false, &Error{Op: "HasGrad", Msg: "nil or freed tensor"}
	}
	var f C.int
	err := takeErr("HasGrad", C.lx_has_grad(ptr(t), &f))
	runtime.KeepAlive(t)
	return f != 0, err
}

// handles converts tensors to a C array; the caller keeps ts alive during the call.
func handles(op string, ts []Tensor) ([]C.lx_tensor, error) {
	out := make([]C.lx_tensor, len(ts))
	for i, t := range ts {
		if !t.live() {
			return nil, &Error{Op: op, Msg: fmt.Sprintf("tensor %d is nil or freed", i)}
		}
		out[i] = ptr(t)
	}
	return out, nil
}

func first(h []C.lx_tensor) *C.lx_tensor {
	if len(h) == 0 {
		return nil
	}
	return &h[0]
}

// ZeroGrad drops the gradients of ts (torch's zero_grad(set_to_none=True)).
func ZeroGrad(ts ...Tensor) error {
	h, err := handles("ZeroGrad", ts)
	if err != nil {
		return err
	}
	err = takeErr("ZeroGrad", C.lx_zero_grad(first(h), C.int(len(h))))
	runtime.KeepAlive(ts)
	return err
}

// BCEWithLogits is torch's binary_cross_entropy_with_logits (no weights).
func (s *Scope) BCEWithLogits(logits, target Tensor, r Reduction) Tensor {
	if !s.ok("BCEWithLogits", logits, target) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_bce_with_logits(s.cgrad(), ptr(logits), ptr(target), C.int(r), &out)
	return s.done("BCEWithLogits", e, out, logits, target)
}

// RNGState returns the state of LibTorch's default CPU generator (dropout's), for checkpoints.
func RNGState() ([]byte, error) {
	s := NewScope()
	defer s.Close()
	var out C.lx_tensor
	t := s.done("RNGState", C.lx_get_rng_state(&out), out)
	b := s.bytesOf(t)
	return b, s.Err()
}

// SetRNGState restores a state returned by RNGState.
func SetRNGState(state []byte) error {
	s := NewScope()
	defer s.Close()
	t := s.FromBytes(state, Uint8, int64(len(state)))
	if err := s.Err(); err != nil {
		return err
	}
	err := takeErr("SetRNGState", C.lx_set_rng_state(ptr(t)))
	runtime.KeepAlive(t)
	return err
}

// bytesOf copies a uint8 tensor's bytes.
func (s *Scope) bytesOf(t Tensor) []byte {
	n := s.numel("bytesOf", t)
	out := make([]byte, n)
	if n > 0 {
		s.copyTo("bytesOf", t, Uint8, unsafe.Pointer(&out[0]), n)
	}
	return out
}
