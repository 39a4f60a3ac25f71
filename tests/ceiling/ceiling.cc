// ceiling: what one core can do in fp32 with AVX-512, for reading `make bench`'s figures.
// It times (1) the FMA peak: 24 independent accumulators, no memory; (2) the fast path's
// tile shape (6 rows × 64 columns, 24 accumulators) with its operands in L1; (3) the same
// tile over 288 rows (batch 8's vision side) and a 768-deep, 64-column weight panel in L2,
// which is the best the forward's GEMMs could do once each weight has arrived from memory.
// BenchmarkFastLinearF32 (binding) gives the kernel's rate with the weights streamed.
#include <immintrin.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

// tile multiplies rows a[6, kc] (lda apart) by the panel b[kc, 64] (row k at b + (k & bmask)
// · ldb) into c: the fast path's inner loop, without its prefetching and epilogue.
__attribute__((target("avx512f"), noinline)) void tile(const float *a, int64_t lda, const float *b,
                                                       int64_t ldb, int64_t bmask, int64_t kc, float *c) {
  __m512 acc[6][4];
#pragma GCC unroll 6
  for (int r = 0; r < 6; r++)
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) acc[r][j] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; k++) {
    const float *bk = b + (k & bmask) * ldb;
    __m512 bv[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) bv[j] = _mm512_loadu_ps(bk + j * 16);
#pragma GCC unroll 6
    for (int r = 0; r < 6; r++) {
      const __m512 av = _mm512_set1_ps(a[r * lda + k]);
#pragma GCC unroll 4
      for (int j = 0; j < 4; j++) acc[r][j] = _mm512_fmadd_ps(av, bv[j], acc[r][j]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < 6; r++)
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) _mm512_storeu_ps(c + r * 64 + j * 16, acc[r][j]);
}

__attribute__((target("avx512f"), noinline)) float fma_loop(int64_t n) {
  __m512 acc[24];
  for (int i = 0; i < 24; i++) acc[i] = _mm512_set1_ps(0.001f * i);
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-4f);
  for (int64_t k = 0; k < n; k++) {
#pragma GCC unroll 24
    for (int i = 0; i < 24; i++) acc[i] = _mm512_fmadd_ps(a, acc[i], b);
  }
  alignas(64) float v[16];
  float s = 0;
  for (int i = 0; i < 24; i++) {
    _mm512_store_ps(v, acc[i]);
    s += v[0];
  }
  return s;
}

// best is the highest GFLOP/s of five timings of run, which does flops each time.
template <typename F>
double best(double flops, F run) {
  double top = 0;
  for (int rep = 0; rep < 5; rep++) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top = std::max(top, flops / s / 1e9);
  }
  return top;
}

}  // namespace

int main() {
  if (!__builtin_cpu_supports("avx512f")) {
    std::puts("ceiling: this CPU has no AVX-512; nothing to measure");
    return 0;
  }
  volatile float sink = 0;
  const int64_t n = 20000000;
  const double peak = best(24.0 * 32 * n, [&] { sink = sink + fma_loop(n); });
  std::vector<float> a(288 * 768, 0.5f), b(768 * 3072, 0.1f), c(288 * 64);
  const int reps = 2000;
  const double tile_flops = 2.0 * 6 * 64 * 768;
  const double l1 = best(tile_flops * 48 * reps, [&] {
    for (int i = 0; i < reps * 48; i++) tile(a.data(), 768, b.data(), 64, 63, 768, c.data());
  });
  const double l2 = best(tile_flops * 48 * reps, [&] {
    for (int i = 0; i < reps; i++)
      for (int m = 0; m < 48; m++) tile(a.data() + m * 6 * 768, 768, b.data(), 3072, 1023, 768, c.data());
  });
  std::printf("one core, fp32: FMA peak %.1f GFLOP/s; 6x64 tile, operands in L1 %.1f; "
              "288 rows against a 768x64 panel in L2 %.1f\n", peak, l1, l2);
  return sink == 12345.f;
}
