package binding

// #include "lx.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// maxDims bounds the rank read back from C; LXMERT's tensors have at most 4.
const maxDims = 16

// FromFloat32 copies data into a new float32 tensor of the given shape.
func (s *Scope) FromFloat32(data []float32, shape ...int64) Tensor {
	return s.fromHost("FromFloat32", unsafe.Pointer(unsafe.SliceData(data)), len(data), Float32, shape)
}

// FromFloat64 copies data into a new float64 tensor of the given shape.
func (s *Scope) FromFloat64(data []float64, shape ...int64) Tensor {
	return s.fromHost("FromFloat64", unsafe.Pointer(unsafe.SliceData(data)), len(data), Float64, shape)
}

// FromInt64 copies data into a new int64 tensor of the given shape.
func (s *Scope) FromInt64(data []int64, shape ...int64) Tensor {
	return s.fromHost("FromInt64", unsafe.Pointer(unsafe.SliceData(data)), len(data), Int64, shape)
}

// FromBytes copies little-endian raw elements of dtype into a new tensor of the given shape.
func (s *Scope) FromBytes(data []byte, dtype DType, shape ...int64) Tensor {
	if dtype.Size() == 0 {
		s.Fail(&Error{Op: "FromBytes", Msg: fmt.Sprintf("unsupported dtype %v", dtype)})
		return Tensor{}
	}
	if len(data)%dtype.Size() != 0 {
		s.Fail(&Error{Op: "FromBytes", Msg: fmt.Sprintf("%d bytes is not a whole number of %v elements", len(data), dtype)})
		return Tensor{}
	}
	return s.fromHost("FromBytes", unsafe.Pointer(unsafe.SliceData(data)), len(data)/dtype.Size(), dtype, shape)
}

func (s *Scope) fromHost(op string, data unsafe.Pointer, n int, dtype DType, shape []int64) Tensor {
	if !s.ok(op) {
		return Tensor{}
	}
	numel, ok := s.checkShape(op, shape, dtype)
	if !ok {
		return Tensor{}
	}
	if numel != int64(n) {
		s.Fail(&Error{Op: op, Msg: fmt.Sprintf("shape %v holds %d elements, data has %d", shape, numel, n)})
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_from_blob(data, C.int(dtype), (*C.int64_t)(unsafe.SliceData(shape)), C.int(len(shape)), &out)
	runtime.KeepAlive(shape)
	return s.done(op, e, out)
}

// Float32s copies t (converted to float32, made contiguous) into a new slice.
func (s *Scope) Float32s(t Tensor) []float32 {
	n := s.numel("Float32s", t)
	out := make([]float32, n)
	s.copyTo("Float32s", t, Float32, unsafe.Pointer(unsafe.SliceData(out)), n*4)
	return out
}

// Float64s copies t (converted to float64) into a new slice.
func (s *Scope) Float64s(t Tensor) []float64 {
	n := s.numel("Float64s", t)
	out := make([]float64, n)
	s.copyTo("Float64s", t, Float64, unsafe.Pointer(unsafe.SliceData(out)), n*8)
	return out
}

// Int64s copies t (converted to int64) into a new slice.
func (s *Scope) Int64s(t Tensor) []int64 {
	n := s.numel("Int64s", t)
	out := make([]int64, n)
	s.copyTo("Int64s", t, Int64, unsafe.Pointer(unsafe.SliceData(out)), n*8)
	return out
}

func (s *Scope) numel(op string, t Tensor) int {
	if !s.ok(op, t) {
		return 0
	}
	var n C.int64_t
	if err := takeErr(op, C.lx_numel(ptr(t), &n)); err != nil {
		s.Fail(err)
	}
	runtime.KeepAlive(t)
	return int(n)
}

func (s *Scope) copyTo(op string, t Tensor, dtype DType, dst unsafe.Pointer, nbytes int) {
	if !s.ok(op, t) {
		return
	}
	s.Fail(takeErr(op, C.lx_copy_to(ptr(t), C.int(dtype), dst, C.int64_t(nbytes))))
	runtime.KeepAlive(t)
}

// Shape returns the sizes of t, or an error for a nil or freed tensor.
func Shape(t Tensor) ([]int64, error) {
	if !t.live() {
		return nil, &Error{Op: "Shape", Msg: "nil or freed tensor"}
	}
	var dims [maxDims]C.int64_t
	var nd C.int
	if err := takeErr("Shape", C.lx_shape(ptr(t), &dims[0], maxDims, &nd)); err != nil {
		return nil, err
	}
	runtime.KeepAlive(t)
	out := make([]int64, int(nd))
	for i := range out {
		out[i] = int64(dims[i])
	}
	return out, nil
}

// TypeOf returns the scalar type of t.
func TypeOf(t Tensor) (DType, error) {
	if !t.live() {
		return 0, &Error{Op: "TypeOf", Msg: "nil or freed tensor"}
	}
	var d C.int
	err := takeErr("TypeOf", C.lx_dtype(ptr(t), &d))
	runtime.KeepAlive(t)
	return DType(d), err
}

// RequiresGrad reports whether t takes part in an autograd graph (a leaf that requires
// gradients or a result computed from one in a grad scope).
func RequiresGrad(t Tensor) (bool, error) {
	if !t.live() {
		return false, &Error{Op: "RequiresGrad", Msg: "nil or freed tensor"}
	}
	var f C.int
	err := takeErr("RequiresGrad", C.lx_get_requires_grad(ptr(t), &f))
	runtime.KeepAlive(t)
	return f != 0, err
}

// Shape returns the sizes of t; on failure it records the error and returns nil.
func (s *Scope) Shape(t Tensor) []int64 {
	if !s.ok("Shape", t) {
		return nil
	}
	d, err := Shape(t)
	s.Fail(err)
	return d
}
