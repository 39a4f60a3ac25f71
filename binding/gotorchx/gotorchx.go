// Package gotorchx converts between binding's tensor handles and gotorch's, which share one
// representation (a cell holding an at::Tensor*), for programs that also use gotorch.
//
// Importing this package imports gotorch, whose init sets LibTorch's threads to NumCPU/2
// (aborting on a 1-CPU machine) and locks the main goroutine to its OS thread; binding
// itself does neither. Ownership does not move: a converted handle is borrowed and is valid
// while its owner (a binding.Scope, or gotorch's finalizer) keeps it alive. This is the one
// escape hatch from binding's lifetime rules: gotorch's own methods can panic, and a gotorch
// tensor kept past its binding scope's Close refers to a freed tensor.
package gotorchx

import (
	"github.com/wangkuiyi/gotorch"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/binding/internal/handle"
)

// ToGotorch returns t as a gotorch tensor (borrowed: the scope that owns t frees it).
func ToGotorch(t binding.Tensor) gotorch.Tensor { return gotorch.Tensor{T: handle.Cell(t)} }

// FromGotorch returns a gotorch tensor as a binding handle (borrowed: gotorch still frees
// it, and binding.Free leaves it alone).
func FromGotorch(t gotorch.Tensor) binding.Tensor { return handle.Borrow(t.T).(binding.Tensor) }
