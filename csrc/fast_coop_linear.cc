// A linear layer on few rows computed by two threads at once (the pooler and the answer head
// at batch 1): each computes half the output columns, streaming half the weight. One-row
// GEMMs are bound by how fast the weight streams from memory, which two cores do about twice
// as fast as one.
#include "fast_coop.h"

namespace lx::fast {

namespace {

struct LinearCoop : Coop {
  Ctx *c;
  Lin w;
  at::Tensor x, y;         // x [M, K] contiguous rows, y [..., N]
  std::unique_ptr<Rows> r;  // x as the kernels read it (a bf16 copy for bf16 weights)
  int64_t M, K, split;
  int act;

  void run(int t) override {
    const int64_t n0 = t == 0 ? 0 : split, nc = t == 0 ? split : w.n - split;
    float *yp = y.data_ptr<float>();
    TORCH_CHECK(linear_part(r->p, r->t, M, r->ld, w.w, K, w.n, 0, K, n0, nc, w.b, nullptr, 0, yp + n0, w.n),
                "fast linear: a weight the two-thread kernels cannot take");
    if (act != kNone)
      for (int64_t r = 0; r < M; r++) activate(*c, yp + r * w.n + n0, nc, act);
  }
  void take(lx_tensor *a, lx_tensor *, lx_tensor *) override { *a = lx::wrap(y); }
};

}  // namespace

}  // namespace lx::fast

using namespace lx::fast;

extern "C" {

lx_err lx_fast_linear_coop_new(lx_fast_ctx cp, int precision, lx_tensor xt, const lx_lin *wl, int act,
                               lx_fast_coop *out) {
  LX_TRY
  *out = nullptr;
  auto &c = ctx_of(cp);
  const auto &x0 = lx::T(xt);
  const auto &wt = lx::T(wl->w);
  TORCH_CHECK(x0.dim() >= 1 && x0.scalar_type() == at::kFloat && x0.size(-1) == wt.size(1),
              "fast linear: input must be float32 [..., ", wt.size(1), "], got ", x0.sizes());
  TORCH_CHECK(precision >= 0 && precision <= 2, "fast linear: unknown precision ", precision);
  if (precision == 2) return nullptr;  // int8: the one-thread call (its kernels split panels)
  // bf16 only where lx_fast_linear takes it (a handful of input features keep float32).
  const bool bf16 = precision == 1 && wt.size(1) >= 16;
  auto l = std::make_unique<LinearCoop>();
  l->c = &c, l->act = act, l->w = lin(c, *wl, bf16 ? kBF16 : kF32);
  l->x = x0.reshape({-1, x0.size(-1)}).contiguous();
  l->M = l->x.size(0), l->K = l->x.size(1);
  const int64_t N = l->w.n, grain = bf16 ? 64 : 16;
  l->split = N / 2 / grain * grain;
  if (l->M == 0 || l->split == 0 ||
      !linear_part_fits(bf16 ? dt::bf16 : dt::f32, l->w.w, l->K, N, 0, l->K, l->split, N - l->split))
    return nullptr;  // *out stays null: the caller takes the one-thread call
  l->r = std::make_unique<Rows>(c, l->x.data_ptr<float>(), l->M, l->K, l->K, bf16);
  auto sizes = x0.sizes().vec();
  sizes.back() = N;
  l->y = c.pool->tensor(sizes, at::kFloat);
  *out = l.release();
  LX_END
}

}  // extern "C"
