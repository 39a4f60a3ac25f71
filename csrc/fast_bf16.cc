// float32 -> bfloat16 conversion of activations before bf16 GEMMs: round to nearest even.
// On CPUs with AVX512-BF16 one instruction converts 32 values (it treats denormal inputs as
// zero, which bf16 inference does not notice); elsewhere a scalar loop does the same rounding.
#include <ATen/Parallel.h>
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "fast.h"

namespace lx::fast {

namespace {

void scalar(const float *src, uint16_t *d, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    uint32_t u;
    std::memcpy(&u, src + i, 4);
    // round to nearest even; NaN stays NaN (quiet bit set)
    d[i] = std::isnan(src[i]) ? static_cast<uint16_t>((u >> 16) | 0x40)
                              : static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  }
}

__attribute__((target("avx512f,avx512bw,avx512bf16"))) void vector(const float *src, uint16_t *d,
                                                                    int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
    _mm512_storeu_si512(d + i, reinterpret_cast<__m512i>(v));
  }
  scalar(src + i, d + i, n - i);
}

bool has_bf16() {
  static const bool yes = __builtin_cpu_supports("avx512bf16");
  return yes;
}

}  // namespace

void to_bf16(const float *src, void *dst, int64_t n) {
  auto *d = static_cast<uint16_t *>(dst);
  if (has_bf16())
    vector(src, d, n);
  else
    scalar(src, d, n);
}

void to_bf16_rows(const float *src, int64_t ld, void *dst, int64_t M, int64_t K) {
  auto *d = static_cast<uint16_t *>(dst);
  if (M * K < (1 << 16)) {  // small: no parallel region (a fork/join costs more)
    for (int64_t i = 0; i < M; i++) to_bf16(src + i * ld, d + i * K, K);
    return;
  }
  at::parallel_for(0, M, 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) to_bf16(src + i * ld, d + i * K, K);
  });
}

}  // namespace lx::fast
