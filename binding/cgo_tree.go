//go:build !lxmert_installed

package binding

// The native libraries of this checkout's build folder (make build); binaries built here
// find them through an rpath into it.

// #cgo LDFLAGS: -L${SRCDIR}/../build -Wl,-rpath,${SRCDIR}/../build -llxmert_c -lcgotorch
// #cgo LDFLAGS: -ltorch -ltorch_cpu -lc10
import "C"
