// LxmertVisualFeatureEncoder in eval mode on the fast path, as the Go side composes it from
// fast calls (lxmert/encoder.go): (LayerNorm(visn_fc(feats)) + LayerNorm(box_fc(pos))) / 2.
// The language stack of a two-branch forward computes it for the first examples while the
// caller computes the rest (csrc/fast_stack.cc).
#include "fast_blocks.h"

namespace lx::fast {

namespace {

// projected is LayerNorm(x·wᵀ + b) for rows x [..., K] into a new [..., N] tensor.
at::Tensor projected(Ctx &c, Prec prec, const at::Tensor &x0, const lx_lin &l, const at::Tensor &g,
                     const at::Tensor &bt, float eps) {
  Lin w = lin(c, l, prec);
  auto x = x0.contiguous();
  const int64_t K = lx::T(l.w).size(1);
  TORCH_CHECK(x.scalar_type() == at::kFloat && x.dim() == 3 && x.size(2) == K,
              "fast feature encoder: input must be float32 [batch, boxes, ", K, "], got ", x.sizes());
  const int64_t M = x.size(0) * x.size(1);
  auto y = c.pool->tensor({x.size(0), x.size(1), w.n}, at::kFloat);
  linear(c, x.data_ptr<float>(), dt::f32, M, K, K, w.w, w.n, w.b, kNone, nullptr, y.data_ptr(), dt::f32);
  layer_norm(c, y.data_ptr<float>(), M, w.n, g, bt, eps);
  return y;
}

}  // namespace

at::Tensor features(Ctx &c, const lx_fast_fc &fc, int threads) {
  Team team(threads);
  TORCH_CHECK(fc.precision >= kF32 && fc.precision <= kInt8, "fast feature encoder: unknown precision ",
              fc.precision);
  const auto prec = static_cast<Prec>(fc.precision);
  const auto eps = static_cast<float>(fc.eps);
  auto x = projected(c, prec, lx::T(fc.feats), fc.visn, lx::T(fc.visn_lnw), lx::T(fc.visn_lnb), eps);
  auto y = projected(c, prec, lx::T(fc.pos), fc.box, lx::T(fc.box_lnw), lx::T(fc.box_lnb), eps);
  TORCH_CHECK(x.sizes() == y.sizes(), "fast feature encoder: features give ", x.sizes(),
              " but boxes give ", y.sizes());
  float *xp = x.data_ptr<float>();
  const float *yp = y.data_ptr<float>();
  for (int64_t i = 0, n = x.numel(); i < n; i++) xp[i] = (xp[i] + yp[i]) / 2.f;  // as ATen's add, div
  return x;
}

}  // namespace lx::fast
