// Package binding is the one place where Go meets C++: it runs LibTorch operations and the
// fused kernels of csrc/ on gotorch tensor handles.
//
// Lifetime: every operation is a method of a Scope, which owns the tensors it creates and
// frees them all when it is closed, except those handed out with Keep. A kept tensor is freed
// by Free (or, as a backstop only, by a finalizer). A Tensor's fields are private, so a
// handle cannot be forged, and each is freed at most once: Free leaves alone the tensors of
// a sealed scope (a model's parameters) and tensors borrowed from gotorch. Every call keeps
// its arguments, and the scopes that made them, reachable until C++ returns, so neither a
// finalizer nor the backstop of an unclosed scope can free an argument while C++ reads it.
// The backstop (a scope dropped without Close is freed once nothing reachable refers to it
// or its tensors) exists so that a forgotten Close is not a leak forever; the collector does
// not see native memory, so relying on it lets memory grow. LiveTensors counts what is held.
//
// Concurrency: a Scope belongs to one goroutine at a time. Tensors may be read by operations
// of several scopes at once (a model's parameters by concurrent forwards); freeing or writing
// a tensor while another goroutine reads it is the caller's race, as with any Go value.
//
// Memory: when the package loads it makes LibTorch allocate tensor buffers through csrc's
// allocator (see csrc/memory.cc); the host process's malloc is left as it was.
//
// Errors: the first failure inside a scope is remembered (the C++ exception's message, the
// operation's name) and every later operation of that scope does nothing and returns a nil
// tensor; Err reports it. Nothing in this package panics on bad input.
//
// Grad mode: a scope made by NewScope records no autograd graph; NewGradScope does. The mode
// is applied inside each C++ call because libtorch keeps it per OS thread and goroutines move
// between threads.
package binding

// Linking: in this repository (make build) the native libraries are found in ../build
// (cgo_tree.go); a program in another module links an installed copy found through
// pkg-config instead (make install, then go build -tags lxmert_installed: cgo_installed.go).

// #cgo CXXFLAGS: -std=c++17
// #cgo CFLAGS: -I${SRCDIR}/../csrc
import "C"
