// A float32 GEMM for few rows (batch-1 shapes: 1 to ~64 rows against a 768×768 or
// 768×3072 weight). There the weight streams from memory once per call, and oneDNN's
// kernels read its column panels (each row of a panel in a different page, out of reach of
// the hardware prefetcher) at ~7 GB/s: 65 GFLOP/s. This kernel computes panel by panel (64
// columns, 6 rows at a time, 24 accumulators) and prefetches the next panel early in the
// current one, which keeps it near the core's FMA peak (~95-105 GFLOP/s on 20 rows).
#include <immintrin.h>

#include <algorithm>

#include "fast.h"

namespace lx::fast {

namespace {

constexpr int kMR = 6;        // rows per tile
constexpr int64_t kKC = 768;  // weight rows per pass: a 64-column panel is 192 KiB (L2)
// For few rows, 128 weight rows per pass: the 32 KiB block of a panel stays in L1 while every
// row tile reads it. Batch 1 at 2 threads, median of 30: 74-78 -> 67-71 ms, CPU time 141-143
// -> 129-133 ms. With many rows the accumulators (rows x 64 per panel, stored and reloaded per
// pass) outgrow the caches: batch 8 was 2% slower, so it keeps whole panels.
constexpr int64_t kKCFew = 128, kFewRows = 64;

struct Epi {  // what the last pass adds: bias [N] and residual rows (ld ldr), either optional
  const float *bias, *resid;
  int64_t ldr;
};

// tile accumulates rows a[MR, kc] times the panel b[kc, 16·NZ] into c; the last of the NZ
// vectors is masked by tail. The first pass starts from zero, the last adds the epilogue.
// The tile also prefetches lines lo, lo+step, … (of 4) of each row of panel pf (see ahead).
template <int MR, int NZ>
__attribute__((target("avx512f"))) void tile(const float *a, int64_t lda, const float *b,
                                             int64_t ldb, int64_t kc, float *c, int64_t ldc,
                                             bool first, bool last, __mmask16 tail, const Epi &e,
                                             int64_t n0, const float *pf, int lo, int step) {
  __m512 acc[MR][NZ];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int j = 0; j < NZ; j++)
      acc[r][j] = first ? _mm512_setzero_ps()
                        : _mm512_maskz_loadu_ps(j == NZ - 1 ? tail : 0xffff, c + r * ldc + j * 16);
  for (int64_t k = 0; k < kc; k++) {
    const float *bk = b + k * ldb;
    __m512 bv[NZ];
#pragma GCC unroll 4
    for (int j = 0; j < NZ; j++) bv[j] = _mm512_maskz_loadu_ps(j == NZ - 1 ? tail : 0xffff, bk + j * 16);
    if (pf != nullptr)
      for (int j = lo; j < 4; j += step) _mm_prefetch(reinterpret_cast<const char *>(pf + k * ldb + j * 16), _MM_HINT_T1);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      __m512 av = _mm512_set1_ps(a[r * lda + k]);
#pragma GCC unroll 4
      for (int j = 0; j < NZ; j++) acc[r][j] = _mm512_fmadd_ps(av, bv[j], acc[r][j]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int j = 0; j < NZ; j++) {
      const __mmask16 m = j == NZ - 1 ? tail : 0xffff;
      __m512 v = acc[r][j];
      if (last && e.bias != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e.bias + n0 + j * 16));
      if (last && e.resid != nullptr)
        v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e.resid + r * e.ldr + n0 + j * 16));
      _mm512_mask_storeu_ps(c + r * ldc + j * 16, m, v);
    }
}

using TileFn = void (*)(const float *, int64_t, const float *, int64_t, int64_t, float *, int64_t,
                        bool, bool, __mmask16, const Epi &, int64_t, const float *, int, int);

template <int MR>
TileFn pick(int nz) {
  switch (nz) {
    case 1: return tile<MR, 1>;
    case 2: return tile<MR, 2>;
    case 3: return tile<MR, 3>;
    default: return tile<MR, 4>;
  }
}

TileFn pick(int mr, int nz) {
  switch (mr) {
    case 1: return pick<1>(nz);
    case 2: return pick<2>(nz);
    case 3: return pick<3>(nz);
    case 4: return pick<4>(nz);
    case 5: return pick<5>(nz);
    default: return pick<6>(nz);
  }
}

// ahead is the panel the tiles of panel n0 (in the pass from weight row k0) prefetch: for few
// rows the one two panels on, in this pass or the next. One panel on, it came late: 20 rows
// against a 768×768 weight ran at 87 GFLOP/s, two panels on at 97-100 (36 rows: 97 -> 101).
// With many rows (whole 768-row passes) a panel takes long enough that one panel on is in
// time, and two would crowd the rows out of L2: 1.3-1.9% faster at 100-288 rows (the four
// GEMMs of a layer, variants alternated, one core).
const float *ahead(const float *w, int64_t ldw, int64_t K, int64_t N, int64_t k0, int64_t kcb,
                   int64_t n0) {
  const int64_t kAhead = kcb == kKC ? 1 : 2;
  const int64_t P = (N + 63) / 64;
  int64_t p = n0 / 64 + kAhead, k = k0;
  for (; p >= P; p -= P) k += kcb;
  return k < K ? w + k * ldw + p * 64 : nullptr;
}

}  // namespace

bool skinny_available() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

void skinny_linear(const float *x, int64_t M, int64_t K, int64_t ldx, const float *w, int64_t ldw,
                   int64_t N, const float *bias, const float *resid, int64_t ldr, float *y,
                   int64_t ldy) {
  const int64_t nm = (M + kMR - 1) / kMR;
  // Prefetching the next panel within the first half of the row tiles (not spread over all
  // of them) is what keeps the loads ahead: measured 95 against 67 GFLOP/s on 20 rows.
  const int step = std::max<int>(1, static_cast<int>(std::min<int64_t>(nm, 4)) / 2);
  const int64_t kcb = M <= kFewRows ? kKCFew : kKC;
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    const int64_t kc = std::min(kcb, K - k0);
    const bool first = k0 == 0, last = k0 + kc >= K;
    for (int64_t n0 = 0; n0 < N; n0 += 64) {
      const int64_t nw = std::min<int64_t>(64, N - n0);
      const int nz = static_cast<int>((nw + 15) / 16);
      const __mmask16 tail = static_cast<__mmask16>(nw % 16 == 0 ? 0xffff : (1u << (nw % 16)) - 1);
      const float *pf = ahead(w, ldw, K, N, k0, kcb, n0);
      // nm tiles of even height: 20 rows as 5+5+5+5, not 6+6+6+2 (a 2-row tile has too few
      // accumulators to hide the FMA latency; measured 72 -> 66 ms per batch-1 forward).
      for (int64_t m0 = 0, mb = 0, mr; m0 < M; m0 += mr, mb++) {
        mr = (M - m0 + (nm - mb) - 1) / (nm - mb);
        Epi em{bias, resid != nullptr ? resid + m0 * ldr : nullptr, ldr};
        pick(static_cast<int>(mr), nz)(x + m0 * ldx + k0, ldx, w + k0 * ldw + n0, ldw, kc, y + m0 * ldy + n0, ldy,
                     first, last, tail, em, n0, mb < step ? pf : nullptr, static_cast<int>(mb), step);
      }
    }
  }
}

}  // namespace lx::fast
