package binding

// #include "lx.h"
import "C"

import "runtime"

func (s *Scope) binary(op string, code int, a, b Tensor) Tensor {
	if !s.ok(op, a, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_binary(s.cgrad(), C.int(code), ptr(a), ptr(b), &out)
	return s.done(op, e, out, a, b)
}

// Add returns a + b (broadcasting).
func (s *Scope) Add(a, b Tensor) Tensor { return s.binary("Add", 0, a, b) }

// Sub returns a - b (broadcasting).
func (s *Scope) Sub(a, b Tensor) Tensor { return s.binary("Sub", 1, a, b) }

// Mul returns a * b elementwise (broadcasting).
func (s *Scope) Mul(a, b Tensor) Tensor { return s.binary("Mul", 2, a, b) }

// Div returns a / b elementwise (broadcasting).
func (s *Scope) Div(a, b Tensor) Tensor { return s.binary("Div", 3, a, b) }

func (s *Scope) scalar(op string, code int, a Tensor, v float64) Tensor {
	if !s.ok(op, a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_scalar(s.cgrad(), C.int(code), ptr(a), C.double(v), &out)
	return s.done(op, e, out, a)
}

// AddScalar returns a + v.
func (s *Scope) AddScalar(a Tensor, v float64) Tensor { return s.scalar("AddScalar", 0, a, v) }

// MulScalar returns a * v.
func (s *Scope) MulScalar(a Tensor, v float64) Tensor { return s.scalar("MulScalar", 2, a, v) }

// DivScalar returns a / v, the same ATen call as Python's tensor / float.
func (s *Scope) DivScalar(a Tensor, v float64) Tensor { return s.scalar("DivScalar", 3, a, v) }

func (s *Scope) unary(op string, code int, a Tensor) Tensor {
	if !s.ok(op, a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_unary(s.cgrad(), C.int(code), ptr(a), &out)
	return s.done(op, e, out, a)
}

// Tanh returns tanh(a).
func (s *Scope) Tanh(a Tensor) Tensor { return s.unary("Tanh", 0, a) }

// GELU returns the exact (erf) GELU of a, HF's "gelu".
func (s *Scope) GELU(a Tensor) Tensor { return s.unary("GELU", 1, a) }

// ReLU returns max(a, 0).
func (s *Scope) ReLU(a Tensor) Tensor { return s.unary("ReLU", 2, a) }

// Sigmoid returns 1 / (1 + exp(-a)).
func (s *Scope) Sigmoid(a Tensor) Tensor { return s.unary("Sigmoid", 3, a) }

// Neg returns -a.
func (s *Scope) Neg(a Tensor) Tensor { return s.unary("Neg", 4, a) }

// Exp returns exp(a).
func (s *Scope) Exp(a Tensor) Tensor { return s.unary("Exp", 5, a) }

func (s *Scope) reduce(op string, code int, a Tensor, dim int, all, keep bool) Tensor {
	if !s.ok(op, a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_reduce(s.cgrad(), C.int(code), ptr(a), C.int(dim), cbool(all), cbool(keep), &out)
	return s.done(op, e, out, a)
}

// Mean returns the mean of all elements of a (a 0-dim tensor).
func (s *Scope) Mean(a Tensor) Tensor { return s.reduce("Mean", 0, a, 0, true, false) }

// MeanDim returns the mean over dim, keeping it as size 1 when keep is set.
func (s *Scope) MeanDim(a Tensor, dim int, keep bool) Tensor {
	return s.reduce("MeanDim", 0, a, dim, false, keep)
}

// Sum returns the sum of all elements of a.
func (s *Scope) Sum(a Tensor) Tensor { return s.reduce("Sum", 1, a, 0, true, false) }

// SumDim returns the sum over dim.
func (s *Scope) SumDim(a Tensor, dim int, keep bool) Tensor {
	return s.reduce("SumDim", 1, a, dim, false, keep)
}

// Softmax returns softmax(a) over dim.
func (s *Scope) Softmax(a Tensor, dim int) Tensor {
	if !s.ok("Softmax", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_softmax(s.cgrad(), ptr(a), C.int(dim), 0, &out)
	return s.done("Softmax", e, out, a)
}

// LogSoftmax returns log(softmax(a)) over dim.
func (s *Scope) LogSoftmax(a Tensor, dim int) Tensor {
	if !s.ok("LogSoftmax", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_softmax(s.cgrad(), ptr(a), C.int(dim), 1, &out)
	return s.done("LogSoftmax", e, out, a)
}

// TopK returns the k largest values along dim and their int64 indices.
func (s *Scope) TopK(a Tensor, k int64, dim int) (values, indices Tensor) {
	if !s.ok("TopK", a) {
		return Tensor{}, Tensor{}
	}
	var v, i C.lx_tensor
	e := C.lx_topk(ptr(a), C.int64_t(k), C.int(dim), &v, &i)
	values = s.done("TopK", e, v, a)
	if values.IsNil() {
		return Tensor{}, Tensor{}
	}
	return values, s.done("TopK", nil, i)
}

// Argmax returns the int64 index of the largest value along dim.
func (s *Scope) Argmax(a Tensor, dim int) Tensor {
	if !s.ok("Argmax", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_argmax(ptr(a), C.int(dim), &out)
	return s.done("Argmax", e, out, a)
}

// MaxAbsDiff returns max |a - b| computed in float64 (0 for empty tensors).
func (s *Scope) MaxAbsDiff(a, b Tensor) float64 {
	if !s.ok("MaxAbsDiff", a, b) {
		return 0
	}
	var r C.double
	s.Fail(takeErr("MaxAbsDiff", C.lx_max_abs_diff(ptr(a), ptr(b), &r)))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	return float64(r)
}
