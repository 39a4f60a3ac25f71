// int8 dynamic quantization: weights once per output column (symmetric s8, packed for the
// VNNI kernels of csrc/fast_skinny_int8.cc), activations per row at each GEMM (symmetric,
// stored as u8 = q + 128 because vpdpbusd multiplies unsigned by signed bytes; the +128 is
// taken back through the weight's column sums). Both sides round x·(127/max) to nearest
// even in float32, the same on the AVX-512 and the portable path.
#include <ATen/Parallel.h>
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "fast.h"

// GCC 12 reports the _mm512_undefined_* placeholders inside unmasked AVX-512 intrinsics as
// uninitialized (GCC bug 105593): false positives.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace lx::fast {

namespace {

// One row, portable: the scale, then the codes, then the padding.
void quantize_row_scalar(const float *x, int64_t K, int64_t Kp, uint8_t *q, float *scale) {
  float mx = 0.f;
  for (int64_t k = 0; k < K; k++) mx = std::max(mx, std::fabs(x[k]));
  const float inv = mx > 0.f ? 127.f / mx : 0.f;
  for (int64_t k = 0; k < K; k++) {
    const float v = std::nearbyint(x[k] * inv);
    q[k] = static_cast<uint8_t>(std::isnan(v) ? 128 : static_cast<int>(v) + 128);
  }
  std::memset(q + K, 128, Kp - K);
  *scale = mx / 127.f;
}

// One row, AVX-512: a pass for max|x|, a pass that converts 16 values per instruction.
__attribute__((target("avx512f,avx512bw"))) void quantize_row_avx512(const float *x, int64_t K,
                                                                     int64_t Kp, uint8_t *q,
                                                                     float *scale) {
  __m512 m = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= K; k += 16) m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(x + k)));
  const __mmask16 tail = static_cast<__mmask16>((1u << (K - k)) - 1);
  m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail, x + k)));
  const float mx = _mm512_reduce_max_ps(m);
  const __m512 inv = _mm512_set1_ps(mx > 0.f ? 127.f / mx : 0.f);
  const __m512i off = _mm512_set1_epi32(128);
  for (k = 0; k + 16 <= K; k += 16) {
    __m512i v = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + k), inv)), off);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(q + k), _mm512_cvtepi32_epi8(v));
  }
  if (k < K) {
    __m512i v = _mm512_add_epi32(
        _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(tail, x + k), inv)), off);
    _mm512_mask_cvtepi32_storeu_epi8(q + k, tail, v);
  }
  std::memset(q + K, 128, Kp - K);
  *scale = mx / 127.f;
}

bool has_avx512bw() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return yes;
}

}  // namespace

void quantize_rows(const float *x, int64_t ldx, int64_t M, int64_t K, uint8_t *q, float *scale) {
  const int64_t Kp = q8_depth(K);
  const bool vec = has_avx512bw() && !int8_portable;
  auto rows = [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      if (vec)
        quantize_row_avx512(x + i * ldx, K, Kp, q + i * Kp, scale + i);
      else
        quantize_row_scalar(x + i * ldx, K, Kp, q + i * Kp, scale + i);
    }
  };
  if (M * K < (1 << 16)) {  // small: no parallel region (a fork/join costs more)
    rows(0, M);
    return;
  }
  at::parallel_for(0, M, 16, rows);
}

at::Tensor pack_int8(const float *w, int64_t K, int64_t N) {
  const int64_t Kp = q8_depth(K), G = Kp / 4, P = (N + 63) / 64;
  const int64_t wbytes = P * G * 256;
  auto buf = at::zeros({wbytes + P * 64 * 8}, at::kByte);
  auto *q = reinterpret_cast<int8_t *>(buf.data_ptr<uint8_t>());
  auto *scale = reinterpret_cast<float *>(buf.data_ptr<uint8_t>() + wbytes);
  auto *zsum = reinterpret_cast<int32_t *>(scale + P * 64);
  // Panels are independent: each thread quantizes its own (a base model's weights take
  // about a second on one thread, which the first int8 forward would wait for).
  at::parallel_for(0, P, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const int64_t n0 = p * 64, nw = std::min<int64_t>(64, N - n0);
      float mx[64] = {}, inv[64] = {};
      for (int64_t k = 0; k < K; k++)
        for (int64_t c = 0; c < nw; c++) mx[c] = std::max(mx[c], std::fabs(w[k * N + n0 + c]));
      for (int64_t c = 0; c < nw; c++) {
        inv[c] = mx[c] > 0.f ? 127.f / mx[c] : 0.f;
        scale[n0 + c] = mx[c] / 127.f;
      }
      int8_t *panel = q + p * G * 256;
      for (int64_t k = 0; k < K; k++)
        for (int64_t c = 0; c < nw; c++) {
          const float v = std::nearbyint(w[k * N + n0 + c] * inv[c]);
          const int8_t code = static_cast<int8_t>(std::isnan(v) ? 0 : static_cast<int>(v));
          // group k/4: 64 columns × 4 values; column c at 4·c, value k%4.
          panel[(k / 4) * 256 + c * 4 + k % 4] = code;
          zsum[n0 + c] -= 128 * code;
        }
    }
  });
  return buf;
}

}  // namespace lx::fast
