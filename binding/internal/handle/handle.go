// Package handle lets binding/gotorchx reach the at::Tensor* cell inside a binding.Tensor
// without binding exporting it: a handle a user could read could also be forged or freed
// twice. binding fills in the two functions when it loads; only packages under binding/
// can import this one.
package handle

import "unsafe"

var (
	// Cell returns the cell holding t's at::Tensor* (t is a binding.Tensor), nil for a
	// zero Tensor.
	Cell func(t any) *unsafe.Pointer
	// Borrow wraps a cell another library owns as a binding.Tensor that binding never frees.
	Borrow func(cell *unsafe.Pointer) any
)
