package binding

// #include "lx.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// Full returns a tensor of the given dtype and shape filled with value.
func (s *Scope) Full(dtype DType, value float64, shape ...int64) Tensor {
	if !s.ok("Full") {
		return Tensor{}
	}
	if _, ok := s.checkShape("Full", shape, dtype); !ok {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_full((*C.int64_t)(unsafe.SliceData(shape)), C.int(len(shape)), C.int(dtype), C.double(value), &out)
	runtime.KeepAlive(shape)
	return s.done("Full", e, out)
}

// Empty returns an uninitialised tensor of the given dtype and shape (its memory is not even
// touched until written, so placeholders that will be replaced cost nothing).
func (s *Scope) Empty(dtype DType, shape ...int64) Tensor {
	if !s.ok("Empty") {
		return Tensor{}
	}
	if _, ok := s.checkShape("Empty", shape, dtype); !ok {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_empty((*C.int64_t)(unsafe.SliceData(shape)), C.int(len(shape)), C.int(dtype), &out)
	runtime.KeepAlive(shape)
	return s.done("Empty", e, out)
}

// Zeros returns a zero tensor of the given dtype and shape.
func (s *Scope) Zeros(dtype DType, shape ...int64) Tensor { return s.Full(dtype, 0, shape...) }

// Ones returns a tensor of ones of the given dtype and shape.
func (s *Scope) Ones(dtype DType, shape ...int64) Tensor { return s.Full(dtype, 1, shape...) }

// Arange returns 0, 1, …, n-1 as a tensor of dtype.
func (s *Scope) Arange(n int64, dtype DType) Tensor {
	if !s.ok("Arange") {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_arange(C.int64_t(n), C.int(dtype), &out)
	return s.done("Arange", e, out)
}

// ToDType converts a to dtype (a itself when it already has it).
func (s *Scope) ToDType(a Tensor, dtype DType) Tensor {
	if !s.ok("ToDType", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_to_dtype(s.cgrad(), ptr(a), C.int(dtype), &out)
	return s.done("ToDType", e, out, a)
}

// Clone returns a copy of a with its own storage.
func (s *Scope) Clone(a Tensor) Tensor {
	if !s.ok("Clone", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_clone(s.cgrad(), ptr(a), &out)
	return s.done("Clone", e, out, a)
}

// Detach returns a tensor sharing a's storage but cut from the autograd graph.
func (s *Scope) Detach(a Tensor) Tensor {
	if !s.ok("Detach", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_detach(ptr(a), &out)
	return s.done("Detach", e, out, a)
}

// inPlace runs an in-place C call on live tensors and records its error.
func (s *Scope) inPlace(op string, call func() C.lx_err, ts ...Tensor) {
	if !s.ok(op, ts...) {
		return
	}
	s.Fail(takeErr(op, call()))
	runtime.KeepAlive(ts)
}

// SetRequiresGrad marks t as a leaf whose gradient autograd computes.
func (s *Scope) SetRequiresGrad(t Tensor, flag bool) {
	s.inPlace("SetRequiresGrad", func() C.lx_err { return C.lx_requires_grad(ptr(t), cbool(flag)) }, t)
}

// CopyInto copies src into dst in place without recording autograd (shapes must be equal;
// dtypes are converted). Weight loading uses it.
func (s *Scope) CopyInto(dst, src Tensor) {
	s.inPlace("CopyInto", func() C.lx_err { return C.lx_copy_(ptr(dst), ptr(src)) }, dst, src)
}

// NormalInit fills t in place with samples of N(mean, std²), without autograd.
func (s *Scope) NormalInit(t Tensor, mean, std float64) {
	s.inPlace("NormalInit", func() C.lx_err { return C.lx_normal_(ptr(t), C.double(mean), C.double(std)) }, t)
}

// FillInit fills t in place with value, without autograd.
func (s *Scope) FillInit(t Tensor, value float64) {
	s.inPlace("FillInit", func() C.lx_err { return C.lx_fill_(ptr(t), C.double(value)) }, t)
}
