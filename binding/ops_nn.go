package binding

// #include "lx.h"
import "C"

// Reduction selects how a loss reduces over elements (torch's reduction argument).
type Reduction int

// Reductions, with torch's codes.
const (
	ReduceNone Reduction = 0
	ReduceMean Reduction = 1
	ReduceSum  Reduction = 2
)

// Linear returns x·wᵀ + b; b may be a zero Tensor for no bias.
func (s *Scope) Linear(x, w, b Tensor) Tensor {
	if !s.ok("Linear", x, w) || !s.optOK("Linear", b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_linear(s.cgrad(), ptr(x), ptr(w), ptr(b), &out)
	return s.done("Linear", e, out, x, w, b)
}

// MatMul returns the matrix product of a and b with torch.matmul's broadcasting.
func (s *Scope) MatMul(a, b Tensor) Tensor {
	if !s.ok("MatMul", a, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_matmul(s.cgrad(), ptr(a), ptr(b), &out)
	return s.done("MatMul", e, out, a, b)
}

// LayerNorm normalises x over its last dimension, then scales by w and shifts by b.
func (s *Scope) LayerNorm(x, w, b Tensor, eps float64) Tensor {
	if !s.ok("LayerNorm", x) || !s.optOK("LayerNorm", w, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_layer_norm(s.cgrad(), ptr(x), ptr(w), ptr(b), C.double(eps), &out)
	return s.done("LayerNorm", e, out, x, w, b)
}

// Embedding looks up the rows of weight at the int64 ids. paddingIdx (or -1) names the row
// that receives no gradient, as nn.Embedding's padding_idx.
func (s *Scope) Embedding(weight, ids Tensor, paddingIdx int64) Tensor {
	if !s.ok("Embedding", weight, ids) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_embedding(s.cgrad(), ptr(weight), ptr(ids), C.int64_t(paddingIdx), &out)
	return s.done("Embedding", e, out, weight, ids)
}

// Dropout zeroes elements with probability p and rescales the rest, in train mode only.
func (s *Scope) Dropout(x Tensor, p float64, train bool) Tensor {
	if !s.ok("Dropout", x) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_dropout(s.cgrad(), ptr(x), C.double(p), cbool(train), &out)
	return s.done("Dropout", e, out, x)
}

// CrossEntropy is torch's cross_entropy over class indices, skipping targets equal to
// ignoreIndex (HF uses -100).
func (s *Scope) CrossEntropy(logits, target Tensor, ignoreIndex int64, r Reduction) Tensor {
	if !s.ok("CrossEntropy", logits, target) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_cross_entropy(s.cgrad(), ptr(logits), ptr(target), C.int64_t(ignoreIndex), C.int(r), &out)
	return s.done("CrossEntropy", e, out, logits, target)
}

// SmoothL1 is torch's smooth_l1_loss with the given beta.
func (s *Scope) SmoothL1(a, b Tensor, r Reduction, beta float64) Tensor {
	if !s.ok("SmoothL1", a, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_smooth_l1(s.cgrad(), ptr(a), ptr(b), C.int(r), C.double(beta), &out)
	return s.done("SmoothL1", e, out, a, b)
}
