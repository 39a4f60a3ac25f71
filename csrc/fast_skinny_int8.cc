// int8 GEMMs of the fast path: u8 activation rows (csrc/fast_quant.cc) against s8 weights
// packed in panels of 64 columns, int32 accumulation. The VNNI kernel keeps a tile of up to
// 6 rows × 64 columns in 24 registers; each step loads one group (64 columns × 4 depths,
// 256 bytes) and does 4 vpdpbusd per row (64 multiply-adds each). The accumulators start at
// the weight's -128·colsum, which removes the activations' +128 offset, and the epilogue
// dequantizes with row scale × column scale, then adds bias and residual.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>

#include "fast.h"

// GCC 12 reports the _mm512_undefined_* placeholders inside unmasked AVX-512 intrinsics as
// uninitialized (GCC bug 105593): false positives.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace lx::fast {

thread_local bool int8_portable = false;

namespace {

constexpr int kMR = 6;
constexpr int64_t kRowBlock = 96;  // rows per parallel work item (16 tiles)

// Where one tile reads and writes: rows m0.., columns of panel p.
struct Tile {
  const uint8_t *a;  // first row
  int64_t lda;
  const int8_t *b;  // the panel
  int64_t groups;
  const int32_t *zs;  // panel's zsum
  const float *ws;    // panel's column scales
  const float *as;    // first row's scale
  float *c;           // first output row, panel's first column
  int64_t ldc;
  int nw;  // valid columns of the panel (1..64)
  const float *bias, *resid;
  const int8_t *pf;  // next panel to prefetch, or null
  int lo, step;      // which of the group's 4 lines this tile prefetches
};

template <int MR>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void tile_vnni(const Tile &t) {
  __m512i acc[MR][4];
#pragma GCC unroll 4
  for (int j = 0; j < 4; j++) {
    const __m512i z = _mm512_loadu_si512(t.zs + j * 16);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) acc[r][j] = z;
  }
  for (int64_t g = 0; g < t.groups; g++) {
    const int8_t *bk = t.b + g * 256;
    __m512i bv[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) bv[j] = _mm512_loadu_si512(bk + j * 64);
    if (t.pf != nullptr)
      for (int j = t.lo; j < 4; j += t.step) _mm_prefetch(reinterpret_cast<const char *>(t.pf + g * 256 + j * 64), _MM_HINT_T1);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      int32_t four;
      __builtin_memcpy(&four, t.a + r * t.lda + 4 * g, 4);
      const __m512i av = _mm512_set1_epi32(four);
#pragma GCC unroll 4
      for (int j = 0; j < 4; j++) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, bv[j]);
    }
  }
  const int nz = (t.nw + 15) / 16;
  const __mmask16 tail = static_cast<__mmask16>(t.nw % 16 == 0 ? 0xffff : (1u << (t.nw % 16)) - 1);
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) {
    const __m512 as = _mm512_set1_ps(t.as[r]);
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
      if (j >= nz) break;
      const __mmask16 m = j == nz - 1 ? tail : 0xffff;
      __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[r][j]), _mm512_mul_ps(as, _mm512_loadu_ps(t.ws + j * 16)));
      if (t.bias != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, t.bias + j * 16));
      if (t.resid != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, t.resid + r * t.ldc + j * 16));
      _mm512_mask_storeu_ps(t.c + r * t.ldc + j * 16, m, v);
    }
  }
}

// The same arithmetic in plain loops (CPUs without VNNI; tests).
void tile_portable(const Tile &t, int mr) {
  for (int r = 0; r < mr; r++)
    for (int n = 0; n < t.nw; n++) {
      int32_t acc = t.zs[n];
      for (int64_t g = 0; g < t.groups; g++)
        for (int i = 0; i < 4; i++)
          acc += int32_t(t.a[r * t.lda + 4 * g + i]) * int32_t(t.b[g * 256 + n * 4 + i]);
      float v = static_cast<float>(acc) * (t.as[r] * t.ws[n]);
      if (t.bias != nullptr) v += t.bias[n];
      if (t.resid != nullptr) v += t.resid[r * t.ldc + n];
      t.c[r * t.ldc + n] = v;
    }
}

void tile(const Tile &t, int mr, bool vnni) {
  if (!vnni) return tile_portable(t, mr);
  switch (mr) {
    case 1: return tile_vnni<1>(t);
    case 2: return tile_vnni<2>(t);
    case 3: return tile_vnni<3>(t);
    case 4: return tile_vnni<4>(t);
    case 5: return tile_vnni<5>(t);
    default: return tile_vnni<6>(t);
  }
}

}  // namespace

bool int8_vnni_available() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vnni");
  return yes;
}

void linear_int8(Ctx &c, const QRows &x, int64_t M, int64_t K, const Weight &w, int64_t N,
                 const float *bias, int act, const float *resid, float *y) {
  TORCH_CHECK(w.s8() && w.md.dims() == dims({K, N}), "fast int8 linear: weight is not an int8 [", K,
              ", ", N, "] pack");
  const bool vnni = int8_vnni_available() && !int8_portable;
  const auto *wb = static_cast<const int8_t *>(w.data);
  const int64_t groups = q8_depth(K) / 4, panel = groups * 256, P = (N + 63) / 64;
  const int64_t nrb = (M + kRowBlock - 1) / kRowBlock;
  // The residual comes after the activation: in the epilogue only when there is none.
  const float *res = act == kNone ? resid : nullptr;
  // Rows m0..m1 against panel p; the last row block of a panel prefetches the next one.
  auto block = [&](int64_t p, int64_t rb) {
    const int64_t n0 = p * 64, m1 = std::min(M, (rb + 1) * kRowBlock);
    const int8_t *pf = p + 1 < P && rb == nrb - 1 ? wb + (p + 1) * panel : nullptr;
    const int64_t nm = (m1 - rb * kRowBlock + kMR - 1) / kMR;
    const int step = std::max<int>(1, static_cast<int>(std::min<int64_t>(nm, 4)) / 2);
    int64_t mb = 0;
    // Tiles of 6 rows and the remainder: even heights (5+5+5+5 for 20, as the float32 kernel
    // takes) measured the same here (20×768×768, 1 thread: 61-64 µs either way); a 2-row
    // tile still has 8 vpdpbusd chains, enough for their latency.
    for (int64_t m0 = rb * kRowBlock; m0 < m1; m0 += kMR, mb++) {
      Tile t{x.q + m0 * x.ld, x.ld, wb + p * panel, groups, w.zsum + n0, w.scale + n0, x.scale + m0,
             y + m0 * N + n0, N, static_cast<int>(std::min<int64_t>(64, N - n0)),
             bias != nullptr ? bias + n0 : nullptr, res != nullptr ? res + m0 * N + n0 : nullptr,
             mb < step ? pf : nullptr, static_cast<int>(mb), step};
      tile(t, static_cast<int>(std::min<int64_t>(kMR, m1 - m0)), vnni);
    }
  };
  const int64_t items = P * nrb;
  // Panel-major items: a static split gives each thread its own panels (weights read once).
  if (omp_get_max_threads() > 1 && items > 1) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < items; i++) block(i / nrb, i % nrb);
  } else {
    for (int64_t i = 0; i < items; i++) block(i / nrb, i % nrb);
  }
  if (act == kNone) return;
  activate(c, y, M * N, act);
  if (resid != nullptr)
    for (int64_t i = 0; i < M * N; i++) y[i] += resid[i];
}

}  // namespace lx::fast
