package binding

// #include "lx.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// Reshape returns a with the given shape (a view when possible); one size may be -1.
func (s *Scope) Reshape(a Tensor, shape ...int64) Tensor {
	if !s.ok("Reshape", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_reshape(s.cgrad(), ptr(a), (*C.int64_t)(unsafe.SliceData(shape)), C.int(len(shape)), &out)
	runtime.KeepAlive(shape)
	return s.done("Reshape", e, out, a)
}

// Permute returns a view of a with its dimensions reordered.
func (s *Scope) Permute(a Tensor, dims ...int64) Tensor {
	if !s.ok("Permute", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_permute(s.cgrad(), ptr(a), (*C.int64_t)(unsafe.SliceData(dims)), C.int(len(dims)), &out)
	runtime.KeepAlive(dims)
	return s.done("Permute", e, out, a)
}

// Transpose swaps dimensions d0 and d1.
func (s *Scope) Transpose(a Tensor, d0, d1 int) Tensor {
	if !s.ok("Transpose", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_transpose(s.cgrad(), ptr(a), C.int(d0), C.int(d1), &out)
	return s.done("Transpose", e, out, a)
}

// Unsqueeze inserts a dimension of size 1 at dim.
func (s *Scope) Unsqueeze(a Tensor, dim int) Tensor {
	if !s.ok("Unsqueeze", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_unsqueeze(s.cgrad(), ptr(a), C.int(dim), &out)
	return s.done("Unsqueeze", e, out, a)
}

// Contiguous returns a with a row-major layout (a itself when already so).
func (s *Scope) Contiguous(a Tensor) Tensor {
	if !s.ok("Contiguous", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_contiguous(s.cgrad(), ptr(a), &out)
	return s.done("Contiguous", e, out, a)
}

// Cat joins tensors along dim.
func (s *Scope) Cat(dim int, ts ...Tensor) Tensor {
	if !s.ok("Cat", ts...) {
		return Tensor{}
	}
	if len(ts) == 0 {
		s.Fail(&Error{Op: "Cat", Msg: "no tensors to join"})
		return Tensor{}
	}
	// The handles are C pointers, so a C-allocated array is not needed: a Go slice of them
	// holds no Go pointers.
	hs := make([]C.lx_tensor, len(ts))
	for i, t := range ts {
		hs[i] = ptr(t)
	}
	var out C.lx_tensor
	e := C.lx_cat(s.cgrad(), &hs[0], C.int(len(hs)), C.int(dim), &out)
	return s.done("Cat", e, out, ts...)
}

// Narrow returns the slice [start, start+length) of a along dim (a view).
func (s *Scope) Narrow(a Tensor, dim int, start, length int64) Tensor {
	if !s.ok("Narrow", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_narrow(s.cgrad(), ptr(a), C.int(dim), C.int64_t(start), C.int64_t(length), &out)
	return s.done("Narrow", e, out, a)
}

// Select returns a[..., index, ...] along dim, removing that dimension (a view).
func (s *Scope) Select(a Tensor, dim int, index int64) Tensor {
	if !s.ok("Select", a) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_select(s.cgrad(), ptr(a), C.int(dim), C.int64_t(index), &out)
	return s.done("Select", e, out, a)
}

// IndexSelect gathers the entries of a along dim at the int64 indices of index.
func (s *Scope) IndexSelect(a Tensor, dim int, index Tensor) Tensor {
	if !s.ok("IndexSelect", a, index) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_index_select(s.cgrad(), ptr(a), C.int(dim), ptr(index), &out)
	return s.done("IndexSelect", e, out, a, index)
}

// MaskedFill returns a with value wherever mask (broadcast, read as bool) is true.
func (s *Scope) MaskedFill(a, mask Tensor, value float64) Tensor {
	if !s.ok("MaskedFill", a, mask) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_masked_fill(s.cgrad(), ptr(a), ptr(mask), C.double(value), &out)
	return s.done("MaskedFill", e, out, a, mask)
}

// Where returns a where cond (read as bool) is true and b elsewhere.
func (s *Scope) Where(cond, a, b Tensor) Tensor {
	if !s.ok("Where", cond, a, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_where(s.cgrad(), ptr(cond), ptr(a), ptr(b), &out)
	return s.done("Where", e, out, cond, a, b)
}
