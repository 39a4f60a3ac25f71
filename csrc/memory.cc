// Memory policy applied when the library loads.
//
// glibc raises its mmap threshold each time a large block is freed, after which tensor
// buffers come from per-thread heaps; Go runs cgo calls on many OS threads, so those heaps
// fragment and RSS creeps up over thousands of forwards. A fixed threshold keeps every
// buffer of 128 KiB or more in its own mapping, returned to the OS when the tensor dies.
// A user's MALLOC_MMAP_THRESHOLD_ still wins.
#include <malloc.h>

#include <cstdlib>

namespace {
struct MemoryPolicy {
  MemoryPolicy() {
    if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  }
} policy;
}  // namespace
