// Whole layers in one call on the fast path: HF's LxmertLayer and LxmertXLayer in eval mode,
// each GEMM with its epilogue (bias, activation, residual) fused, LayerNorm in place, the
// attention core without permute copies, every buffer from the model's pool.
#include "fast_blocks.h"

namespace lx::fast {

at::Tensor layer(Ctx &c, const Cfg &cfg, const lx_fast_att &att, const lx_fast_ffn &ffw,
                 const at::Tensor &x0, const at::Tensor &mask, at::Tensor *probs) {
  Team team(cfg.threads);
  auto x = rows(x0, "hidden states");
  const int64_t B = x.size(0), L = x.size(1), H = x.size(2), M = B * L;
  if (probs != nullptr) *probs = c.pool->tensor({B, cfg.heads, L, L}, at::kFloat);
  Scratch a(*c.pool, M * H * 4);
  att_block(c, cfg, att, x.data_ptr<float>(), M, x.data_ptr<float>(), M, H,
            {Dir{B, L, L, 0, 0, mask, probs ? probs->data_ptr<float>() : nullptr}}, f(a));
  auto y = c.pool->tensor({B, L, H}, at::kFloat);
  ffn(c, cfg, ffw, f(a), M, H, y.data_ptr<float>());
  return y;
}

}  // namespace lx::fast

using namespace lx::fast;

extern "C" {

lx_err lx_fast_new(lx_fast_ctx *out) {
  LX_TRY
  *out = new Ctx();
  LX_END
}

void lx_fast_free(lx_fast_ctx c) { delete static_cast<Ctx *>(c); }

lx_err lx_fast_pool_bytes(lx_fast_ctx c, int64_t *cached) {
  LX_TRY
  *cached = static_cast<int64_t>(ctx_of(c).pool->cached());
  LX_END
}

lx_err lx_fast_linear(lx_fast_ctx cp, int precision, int threads, lx_tensor xt, const lx_lin *w,
                      int act, lx_tensor *out) {
  return lx_fast_linear_ex(cp, precision, threads, xt, w, act, nullptr, 0, out);
}

lx_err lx_fast_linear_ex(lx_fast_ctx cp, int precision, int threads, lx_tensor xt, const lx_lin *w,
                         int act, lx_tensor resid, int portable, lx_tensor *out) {
  LX_TRY
  auto &c = ctx_of(cp);
  TORCH_CHECK(threads >= 0, "fast linear: negative thread count ", threads);
  TORCH_CHECK(precision >= kF32 && precision <= kInt8, "fast linear: unknown precision ", precision);
  Team team(threads);
  const auto &x0 = lx::T(xt);
  const auto &wt = lx::T(w->w);
  TORCH_CHECK(x0.dim() >= 1 && x0.scalar_type() == at::kFloat && x0.size(-1) == wt.size(1),
              "fast linear: input must be float32 [..., ", wt.size(1), "], got ", x0.sizes());
  auto x = x0.reshape({-1, x0.size(-1)});
  // Rows further apart than their width (the pooler's first tokens) are gathered: oneDNN's
  // fast GEMMs want dense rows and fall back to a slow one (1 GFLOP/s) for such strides.
  if (x.stride(1) != 1 || (x.stride(0) != x.size(1) && x.size(0) > 1)) x = x.contiguous();
  // A handful of input features (box coordinates) keep float32: bf16 would round them to
  // 1/256, int8 to 1/127 of the largest.
  Lin l = lin(c, *w, wt.size(1) >= 16 ? static_cast<Prec>(precision) : kF32);
  auto sizes = x0.sizes().vec();
  sizes.back() = l.n;
  at::Tensor r;
  if (resid != nullptr) {
    r = lx::T(resid).contiguous();
    TORCH_CHECK(r.scalar_type() == at::kFloat && r.sizes() == at::IntArrayRef(sizes),
                "fast linear: residual must be float32 ", at::IntArrayRef(sizes), ", got ", r.sizes());
  }
  auto y = c.pool->tensor(sizes, at::kFloat);
  struct Portable {  // the thread-local switch, restored for the next call on this thread
    explicit Portable(bool on) : old(int8_portable) { int8_portable = on; }
    ~Portable() { int8_portable = old; }
    bool old;
  } pk(portable != 0);
  linear(c, x.data_ptr(), dt::f32, x.size(0), x.size(1), std::max<int64_t>(x.stride(0), 1), l.w,
         l.n, l.b, act, r.defined() ? r.data_ptr<float>() : nullptr, y.data_ptr(), dt::f32);
  *out = lx::wrap(y);
  LX_END
}

lx_err lx_fast_layer(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *att,
                     const lx_fast_ffn *ffw, lx_tensor xt, lx_tensor mask, lx_tensor *out,
                     lx_tensor *probs) {
  LX_TRY
  auto &c = ctx_of(cp);
  at::Tensor p;
  *out = lx::wrap(layer(c, cfg_of(cf), *att, *ffw, lx::T(xt), lx::opt(mask), probs ? &p : nullptr));
  if (probs != nullptr) *probs = lx::wrap(p);
  LX_END
}

lx_err lx_fast_cross(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                     lx_tensor lang, lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                     lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *probs) {
  LX_TRY
  auto &c = ctx_of(cp);
  auto cfg = cfg_of(cf);
  Team team(cfg.threads);
  auto sd = sides(lang, visn, "fast cross-attention");
  auto &l = sd.l, &v = sd.v;
  const int64_t B = sd.B, Ll = sd.Ll, Lv = sd.Lv, H = sd.H;
  const int64_t Ml = B * Ll, Mv = B * Lv, M = Ml + Mv;
  auto &pool = *c.pool;
  Scratch s(pool, M * H * 4);
  std::memcpy(f(s), l.data_ptr<float>(), Ml * H * 4);
  std::memcpy(f(s) + Ml * H, v.data_ptr<float>(), Mv * H * 4);
  at::Tensor p;
  if (probs != nullptr) p = pool.tensor({B, cfg.heads, Ll, Lv}, at::kFloat);
  // One buffer for both outputs: language rows first, then vision rows (two views of it).
  auto o = pool.tensor({M, H}, at::kFloat);
  att_block(c, cfg, *cross, f(s), M, f(s), M, H,
            {Dir{B, Ll, Lv, 0, Ml, lx::opt(visn_mask), probs ? p.data_ptr<float>() : nullptr},
             Dir{B, Lv, Ll, Ml, 0, lx::opt(lang_mask), nullptr}},
            o.data_ptr<float>());
  *lang_out = lx::wrap(o.narrow(0, 0, Ml).view({B, Ll, H}));
  *visn_out = lx::wrap(o.narrow(0, Ml, Mv).view({B, Lv, H}));
  if (probs != nullptr) *probs = lx::wrap(p);
  LX_END
}

lx_err lx_fast_xlayer(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                      const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                      const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn, lx_tensor lang,
                      lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                      lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *probs) {
  LX_TRY
  auto &c = ctx_of(cp);
  auto cfg = cfg_of(cf);
  Team team(cfg.threads);
  auto sd = sides(lang, visn, "fast x-layer");
  auto &l = sd.l, &v = sd.v;
  const int64_t B = sd.B, Ll = sd.Ll, Lv = sd.Lv, H = sd.H;
  const int64_t Ml = B * Ll, Mv = B * Lv, M = Ml + Mv;
  auto &pool = *c.pool;
  // Both directions share the cross-attention weights: stack the rows through its GEMMs.
  Scratch s(pool, M * H * 4), o(pool, M * H * 4);
  std::memcpy(f(s), l.data_ptr<float>(), Ml * H * 4);
  std::memcpy(f(s) + Ml * H, v.data_ptr<float>(), Mv * H * 4);
  at::Tensor p;
  if (probs != nullptr) p = pool.tensor({B, cfg.heads, Ll, Lv}, at::kFloat);
  att_block(c, cfg, *cross, f(s), M, f(s), M, H,
            {Dir{B, Ll, Lv, 0, Ml, lx::opt(visn_mask), probs ? p.data_ptr<float>() : nullptr},
             Dir{B, Lv, Ll, Ml, 0, lx::opt(lang_mask), nullptr}},
            f(o));
  // Each side's self-attention, then its FFN (s is free again: reuse it).
  att_block(c, cfg, *lang_self, f(o), Ml, f(o), Ml, H, {Dir{B, Ll, Ll, 0, 0, lx::opt(lang_mask), nullptr}},
            f(s));
  att_block(c, cfg, *visn_self, f(o) + Ml * H, Mv, f(o) + Ml * H, Mv, H,
            {Dir{B, Lv, Lv, 0, 0, lx::opt(visn_mask), nullptr}}, f(s) + Ml * H);
  auto lo = pool.tensor({B, Ll, H}, at::kFloat), vo = pool.tensor({B, Lv, H}, at::kFloat);
  ffn(c, cfg, *lang_ffn, f(s), Ml, H, lo.data_ptr<float>());
  ffn(c, cfg, *visn_ffn, f(s) + Ml * H, Mv, H, vo.data_ptr<float>());
  *lang_out = lx::wrap(lo);
  *visn_out = lx::wrap(vo);
  if (probs != nullptr) *probs = lx::wrap(p);
  LX_END
}

}  // extern "C"
