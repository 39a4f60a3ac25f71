// The copies that loading a model is made of: a linear weight transposed into its fast-path
// layout, and a fresh tensor's pages faulted in beforehand.
//
// Measured on the 2-vCPU VM (855 MB base model): when two threads fault in the pages of one
// fresh mapping at once they mostly wait on each other in the kernel (page-table locks), so
// the destination is populated by one madvise first and only then filled by both; a 16×16
// AVX-512 register transpose with streaming stores replaces the scalar tile copy. Together
// they halve the copy (0.51 → 0.25 s for 566 MB of weights; BENCHMARKS.md).
#include <ATen/Parallel.h>
#include <immintrin.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "load_copy.h"

namespace lx {

void prefault(void *data, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto a = reinterpret_cast<uintptr_t>(data), e = a + bytes;
  const uintptr_t lo = (a + page - 1) / page * page, hi = e / page * page;
  // Best effort: an older kernel (EINVAL) or a failure leaves the pages to fault as usual.
  if (hi > lo) (void)madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

namespace {

// GCC 12 flags the intrinsics' own deliberately undefined pass-through operand (_mm512_undefined_ps).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
// t16 transposes the 16×16 block at s (row stride ls) into d (row stride ld): four rounds of
// shuffles; streaming stores when every destination row is 64-byte aligned.
__attribute__((target("avx512f"))) void t16(const float *s, int64_t ls, float *d, int64_t ld, bool stream) {
  __m512 r[16], t[16];
  for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(s + i * ls);
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
  }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
  }
  if (stream) {
    for (int i = 0; i < 16; i++) _mm512_stream_ps(d + i * ld, r[i]);
  } else {
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(d + i * ld, r[i]);
  }
}

#pragma GCC diagnostic pop

__attribute__((target("avx512f"))) void fence() { _mm_sfence(); }

// scalar copies rows [i0, i1) × columns [j0, j1) of the transpose one element at a time.
void scalar(const float *src, float *dst, int64_t n, int64_t k, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  for (int64_t i = i0; i < i1; i++)
    for (int64_t j = j0; j < j1; j++) dst[j * n + i] = src[i * k + j];
}

}  // namespace

void transpose(const float *src, float *dst, int64_t n, int64_t k) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  constexpr int64_t T = 16;
  const int64_t bands = (n + T - 1) / T;
  const bool stream = n % 16 == 0 && reinterpret_cast<uintptr_t>(dst) % 64 == 0;
  // Bands of 16 source rows go to the intra-op threads; each writes its own columns of dst.
  at::parallel_for(0, bands, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t i0 = b * T, i1 = std::min(i0 + T, n);
      int64_t j0 = 0;
      if (avx512 && i1 - i0 == T) {
        for (; j0 + T <= k; j0 += T) t16(src + i0 * k + j0, k, dst + j0 * n + i0, n, stream);
      }
      scalar(src, dst, n, k, i0, i1, j0, k);
    }
    if (avx512 && stream) fence();  // streamed stores are visible before the join
  });
}

}  // namespace lx
