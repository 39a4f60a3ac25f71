// The bf16 counterpart of skinny_linear (csrc/fast_skinny.cc): few rows of bf16 activations
// against a weight in oneDNN's packed bf16 layout, float32 accumulation (AVX512-BF16's
// dot product of pairs). In that layout ("BA16a64b2a") each 64-column panel is contiguous:
// pairs of weight rows, each pair 64 columns × 2 values (256 bytes). The kernel goes panel
// by panel, 6 rows at a time, and prefetches the next panel early, as the float32 one does.
#include <immintrin.h>

#include <algorithm>

#include "fast.h"

namespace lx::fast {

namespace {

constexpr int kMR = 6;

template <int MR>
__attribute__((target("avx512f,avx512bw,avx512bf16"))) void tile_bf16(
    const uint16_t *a, int64_t lda, const uint16_t *b, int64_t pairs, float *c, int64_t ldc,
    __mmask16 tail, int nz, const float *bias, const float *resid, int64_t ldr, const uint16_t *pf,
    int lo, int step) {
  __m512 acc[MR][4];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) acc[r][j] = _mm512_setzero_ps();
  for (int64_t kp = 0; kp < pairs; kp++) {
    const uint16_t *bk = b + kp * 128;
    __m512bh bv[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) bv[j] = reinterpret_cast<__m512bh>(_mm512_loadu_si512(bk + j * 32));
    if (pf != nullptr)
      for (int j = lo; j < 4; j += step) _mm_prefetch(reinterpret_cast<const char *>(pf + kp * 128 + j * 32), _MM_HINT_T1);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      int32_t pair;
      __builtin_memcpy(&pair, a + r * lda + 2 * kp, 4);
      __m512bh av = reinterpret_cast<__m512bh>(_mm512_set1_epi32(pair));
#pragma GCC unroll 4
      for (int j = 0; j < 4; j++) acc[r][j] = _mm512_dpbf16_ps(acc[r][j], av, bv[j]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
      if (j >= nz) break;
      const __mmask16 m = j == nz - 1 ? tail : 0xffff;
      __m512 v = acc[r][j];
      if (bias != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + j * 16));
      if (resid != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, resid + r * ldr + j * 16));
      _mm512_mask_storeu_ps(c + r * ldc + j * 16, m, v);
    }
}

using TileFn = decltype(&tile_bf16<1>);

TileFn pick(int mr) {
  switch (mr) {
    case 1: return tile_bf16<1>;
    case 2: return tile_bf16<2>;
    case 3: return tile_bf16<3>;
    case 4: return tile_bf16<4>;
    case 5: return tile_bf16<5>;
    default: return tile_bf16<6>;
  }
}

}  // namespace

bool skinny_bf16_available() {
  static const bool yes = __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
  return yes;
}

bool skinny_bf16_fits(const dnnl::memory::desc &w, int64_t K, int64_t N) {
  const auto &d = w.data;
  const auto &b = d.format_desc.blocking;
  if (w.data_type() != dt::bf16 || d.format_kind != dnnl_blocked || K % 2 != 0) return false;
  if (b.inner_nblks != 3 || b.inner_blks[0] != 16 || b.inner_idxs[0] != 0 || b.inner_blks[1] != 64 ||
      b.inner_idxs[1] != 1 || b.inner_blks[2] != 2 || b.inner_idxs[2] != 0)
    return false;
  // Blocks of 32 weight rows (16 pairs) follow each other inside a panel; panels are
  // K_padded × 64 apart: pair kp of panel p starts at p·K_padded·64 + kp·128.
  return b.strides[0] == 32 * 64 && b.strides[1] == d.padded_dims[0] * 64 && d.padded_dims[0] >= K &&
         d.padded_dims[1] >= N && d.dims[0] == K && d.dims[1] == N;
}

void skinny_linear_bf16(const void *x, int64_t M, int64_t K, int64_t ldx, const Weight &w,
                        int64_t k0, int64_t n0w, int64_t N, const float *bias, const float *resid,
                        int64_t ldr, float *y, int64_t ldy) {
  const auto *a = static_cast<const uint16_t *>(x);
  const int64_t panel = w.md.data.padded_dims[0] * 64, pairs = K / 2;
  // Panel n0w/64 holds output columns from n0w; pair k0/2 of it holds input rows from k0.
  const auto *wb = static_cast<const uint16_t *>(w.data) + (n0w / 64) * panel + (k0 / 2) * 128;
  const int64_t nm = (M + kMR - 1) / kMR;
  const int step = std::max<int>(1, static_cast<int>(std::min<int64_t>(nm, 4)) / 2);
  for (int64_t n0 = 0, p = 0; n0 < N; n0 += 64, p++) {
    const int64_t nw = std::min<int64_t>(64, N - n0);
    const int nz = static_cast<int>((nw + 15) / 16);
    const __mmask16 tail = static_cast<__mmask16>(nw % 16 == 0 ? 0xffff : (1u << (nw % 16)) - 1);
    const uint16_t *pf = n0 + 64 < N ? wb + (p + 1) * panel : nullptr;
    for (int64_t m0 = 0, mb = 0, mr; m0 < M; m0 += mr, mb++) {  // tiles of even height
      mr = (M - m0 + (nm - mb) - 1) / (nm - mb);
      pick(static_cast<int>(mr))(
          a + m0 * ldx, ldx, wb + p * panel, pairs, y + m0 * ldy + n0, ldy, tail, nz,
          bias != nullptr ? bias + n0 : nullptr, resid != nullptr ? resid + m0 * ldr + n0 : nullptr, ldr,
          mb < step ? pf : nullptr, static_cast<int>(mb), step);
    }
  }
}

}  // namespace lx::fast
