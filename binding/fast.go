package binding

// #include <stdlib.h>
// #include "lx.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Precision selects the arithmetic of the fast path's linear layers.
type Precision int

// Precisions: float32 throughout, bfloat16 inputs and weights for the linear layers (float32
// accumulation), or int8 dynamic quantization of the linear layers (s8 weights per output
// column, u8 activations per row, int32 accumulation); attention, softmax and LayerNorm stay
// float32. Linear layers with fewer than 16 input features stay float32 in both.
const (
	PrecisionF32  Precision = 0
	PrecisionBF16 Precision = 1
	PrecisionInt8 Precision = 2
)

// Activation is the epilogue of a fast linear layer.
type Activation int

// Activations with csrc's codes; GELU is the exact erf form.
const (
	ActNone    Activation = -1
	ActGELU    Activation = 0
	ActReLU    Activation = 1
	ActTanh    Activation = 2
	ActSigmoid Activation = 3
)

// FastContext is one model's state for the inference fast path (csrc/fast_*.cc): a pool
// that recycles activation buffers between forwards and the bfloat16 copies of its
// weights. It is safe for concurrent forwards; Close it with the model.
type FastContext struct {
	mu sync.RWMutex
	p  C.lx_fast_ctx
}

// ErrFastClosed is reported by fast-path operations on a closed context.
var ErrFastClosed = errors.New("binding: fast-path context is closed")

// NewFastContext makes an empty context (no memory is held until the first forward).
func NewFastContext() (*FastContext, error) {
	var p C.lx_fast_ctx
	if err := takeErr("NewFastContext", C.lx_fast_new(&p)); err != nil {
		return nil, err
	}
	return &FastContext{p: p}, nil
}

// Close frees the pool's cached buffers and the bfloat16 weights once no call is using
// them; tensors the context handed out stay valid. Safe to call twice.
func (f *FastContext) Close() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p != nil {
		C.lx_fast_free(f.p)
		f.p = nil
	}
}

// PoolBytes is the size of the buffers the pool keeps for the next forward.
func (f *FastContext) PoolBytes() (int64, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.p == nil {
		return 0, ErrFastClosed
	}
	var n C.int64_t
	if err := takeErr("PoolBytes", C.lx_fast_pool_bytes(f.p, &n)); err != nil {
		return 0, err
	}
	return int64(n), nil
}

// use runs call with the live context, or records ErrFastClosed in s.
func (f *FastContext) use(s *Scope, op string, call func(C.lx_fast_ctx)) {
	if f == nil {
		s.Fail(&Error{Op: op, Msg: "nil fast-path context"})
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.p == nil {
		s.Fail(fmt.Errorf("binding: %s: %w", op, ErrFastClosed))
		return
	}
	call(f.p)
}

// FromBytesLinear copies a row-major float32 [out, in] linear weight from little-endian
// bytes into a tensor stored transposed (the layout RelayoutLinear makes) in one pass.
func (s *Scope) FromBytesLinear(data []byte, out, in int64) Tensor {
	if !s.ok("FromBytesLinear") {
		return Tensor{}
	}
	if out < 0 || in < 0 || int64(len(data)) != out*in*4 {
		s.Fail(&Error{Op: "FromBytesLinear", Msg: fmt.Sprintf("%d bytes do not hold a float32 [%d, %d] matrix", len(data), out, in)})
		return Tensor{}
	}
	var t C.lx_tensor
	e := C.lx_from_blob_linear((*C.float)(unsafe.Pointer(unsafe.SliceData(data))), C.int64_t(out), C.int64_t(in), &t)
	runtime.KeepAlive(data)
	return s.done("FromBytesLinear", e, t)
}

// RelayoutLinear stores an [out, in] linear weight transposed in memory (strides 1, out),
// which the fast path's GEMMs read without repacking. Shape, values (unless keepValues is
// false, for placeholders about to be overwritten) and the autograd leaf flag are kept;
// every holder of the handle sees the new layout.
func (s *Scope) RelayoutLinear(w Tensor, keepValues bool) {
	if !s.ok("RelayoutLinear", w) {
		return
	}
	e := C.lx_relayout_linear(ptr(w), cbool(keepValues))
	runtime.KeepAlive(w)
	s.Fail(takeErr("RelayoutLinear", e))
}
