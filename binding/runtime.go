package binding

// #include <stdlib.h>
// #include "lx.h"
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// The package sets LibTorch's intra-op threads once, explicitly, when it loads: the count
// is DefaultThreads(), never 0 (LibTorch aborts the process on 0). It also installs csrc's
// tensor allocator (large buffers in their own mappings, reused through a bounded cache, so
// memory stays flat over long runs), unless LXMERT_TENSOR_ALLOCATOR=libtorch; the host's
// malloc is not changed.
func init() {
	C.lx_set_num_threads(C.int(DefaultThreads()))
	if os.Getenv("LXMERT_TENSOR_ALLOCATOR") != "libtorch" &&
		C.lx_use_tensor_allocator(C.int64_t(tensorCacheBytes())) == nil {
		tensorAllocator = "lxmert"
	}
}

var tensorAllocator = "libtorch"

// defaultTensorCacheMB caps the mappings kept for reuse: above the transient tensors of a
// base-model forward at batch 8, so that steady serving reuses them instead of faulting in
// fresh pages, and small next to the model's own weights.
const defaultTensorCacheMB = 512

// tensorCacheBytes is LXMERT_TENSOR_CACHE_MB (a non-negative integer) or the default, in bytes.
func tensorCacheBytes() int64 {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("LXMERT_TENSOR_CACHE_MB"))); err == nil && n >= 0 {
		return int64(n) << 20
	}
	return defaultTensorCacheMB << 20
}

// TensorCacheBytes is how many bytes of freed tensor buffers the allocator keeps for reuse now
// (at most LXMERT_TENSOR_CACHE_MB, default 512 MiB; 0 with LibTorch's allocator).
func TensorCacheBytes() int64 { return int64(C.lx_tensor_cache_bytes()) }

// TensorAllocator names the allocator LibTorch uses for tensor buffers: "lxmert" (csrc's,
// the default) or "libtorch" (LXMERT_TENSOR_ALLOCATOR=libtorch).
func TensorAllocator() string { return tensorAllocator }

// DefaultThreads is the intra-op thread count used unless SetNumThreads says otherwise:
// OMP_NUM_THREADS when it is a positive integer, else the number of CPUs this process may
// run on (runtime.NumCPU honours the affinity mask, so a container or taskset limited to
// one CPU gets 1).
func DefaultThreads() int {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("OMP_NUM_THREADS"))); err == nil && n > 0 {
		return n
	}
	return max(1, runtime.NumCPU())
}

// SetNumThreads sets LibTorch's intra-op thread count for the whole process; 0 means
// DefaultThreads().
func SetNumThreads(n int) error {
	if n < 0 {
		return fmt.Errorf("binding: thread count must be 0 (default) or positive, got %d", n)
	}
	if n == 0 {
		n = DefaultThreads()
	}
	C.lx_set_num_threads(C.int(n))
	return nil
}

// NumThreads returns LibTorch's intra-op thread count.
func NumThreads() int { return int(C.lx_get_num_threads()) }

// SerialOps runs LibTorch's own operators single-threaded on this goroutine until restore is
// called: it locks the goroutine to its OS thread (OpenMP's team size is per thread) and
// narrows that thread's team to one. A fast forward calls it so that its small elementwise
// and copy operators do not fork a team whose worker then spins for milliseconds on the core
// another branch computes on; fast calls still take the team they ask for, and NumThreads
// still reports the process setting. restore also lets the thread's OpenMP workers go, so
// that they do not spin on into whatever the cores do next. restore must run on the same
// goroutine.
func SerialOps() (restore func()) {
	runtime.LockOSThread()
	old := C.lx_thread_serial_begin()
	return func() {
		C.lx_thread_serial_end(old)
		runtime.UnlockOSThread()
	}
}

// ManualSeed seeds LibTorch's default generator (dropout, NormalInit).
func ManualSeed(seed uint64) { C.lx_manual_seed(C.uint64_t(seed)) }

// RuntimeInfo describes the LibTorch build: version and parallel (OpenMP, MKL-DNN) settings.
func RuntimeInfo() (string, error) {
	var s *C.char
	if err := takeErr("RuntimeInfo", C.lx_runtime_info(&s)); err != nil {
		return "", err
	}
	defer C.lx_free_str(s)
	return C.GoString(s), nil
}

// BLASLibrary returns the path of the BLAS library mapped into this process (libtorch loads
// Debian's libblas.so.3 alternative: the reference netlib build is ~15x slower than
// OpenBLAS), or an error when none is mapped.
func BLASLibrary() (string, error) {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "", fmt.Errorf("binding: reading the process map: %w", err)
	}
	var found []string
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		path := f[len(f)-1]
		base := path[strings.LastIndex(path, "/")+1:]
		if strings.HasPrefix(base, "libblas.so") || strings.HasPrefix(base, "libopenblas") {
			found = append(found, path)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("binding: no BLAS library is mapped into this process")
	}
	// libblas.so.3 resolves through the alternatives system to the real provider's folder.
	for _, p := range found {
		if strings.HasPrefix(p[strings.LastIndex(p, "/")+1:], "libblas.so") {
			return p, nil
		}
	}
	return found[0], nil
}

// IsOpenBLAS reports whether the BLAS that serves libtorch is OpenBLAS.
func IsOpenBLAS(path string) bool { return strings.Contains(strings.ToLower(path), "openblas") }
