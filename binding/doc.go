// Package binding is the one place where Go meets C++: it runs LibTorch operations and the
// fused kernels of csrc/ on gotorch tensor handles.
//
// Lifetime: every operation is a method of a Scope, which owns the tensors it creates and
// frees them all when it is closed, except those handed out with Keep. A kept tensor is freed
// by Free (or, as a backstop only, by a finalizer). No tensor owned by a scope has a
// finalizer, so the garbage collector can never free an argument while C++ reads it.
//
// Errors: the first failure inside a scope is remembered (the C++ exception's message, the
// operation's name) and every later operation of that scope does nothing and returns a nil
// tensor; Err reports it. Nothing in this package panics on bad input.
//
// Grad mode: a scope made by NewScope records no autograd graph; NewGradScope does. The mode
// is applied inside each C++ call because libtorch keeps it per OS thread and goroutines move
// between threads.
package binding

// #cgo CXXFLAGS: -std=c++17
// #cgo CFLAGS: -I${SRCDIR}/../csrc
// #cgo LDFLAGS: -L${SRCDIR}/../build -Wl,-rpath,${SRCDIR}/../build -llxmert_c -lcgotorch
// #cgo LDFLAGS: -ltorch -ltorch_cpu -lc10
import "C"
