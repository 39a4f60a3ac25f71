// Copies for loading weights (csrc/load_copy.cc).
#pragma once
#include <cstddef>
#include <cstdint>

namespace lx {

// prefault makes the pages wholly inside [data, data+bytes) resident and writable in one
// call (best effort), so that threads filling them next do not fault on them concurrently.
void prefault(void *data, size_t bytes);

// transpose copies a row-major [n, k] float matrix into dst as [k, n], on the intra-op threads.
void transpose(const float *src, float *dst, int64_t n, int64_t k);

}  // namespace lx
