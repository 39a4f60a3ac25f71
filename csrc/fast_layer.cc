// Whole layers in one call on the fast path: HF's LxmertLayer and LxmertXLayer in eval mode,
// each GEMM with its epilogue (bias, activation, residual) fused, LayerNorm in place, the
// attention core without permute copies, every buffer from the model's pool.
#include <initializer_list>

#include "fast.h"

namespace lx::fast {
namespace {

struct Lin {
  Weight w;
  const float *b;
  int64_t n;
};

Lin lin(Ctx &c, const lx_lin &l, bool bf16) {
  const auto &w = lx::T(l.w);
  Lin out{c.weight(w, bf16), nullptr, w.size(0)};
  if (l.b != nullptr) {
    const auto &b = lx::T(l.b);
    TORCH_CHECK(b.scalar_type() == at::kFloat && b.is_contiguous() && b.numel() == w.size(0),
                "fast linear: bias must be contiguous float32 [", w.size(0), "], got ", b.sizes());
    out.b = b.data_ptr<float>();
  }
  return out;
}

float *f(Scratch &s) { return static_cast<float *>(s.ptr); }

// One attention direction over rows of the projections: queries from row qoff, keys and
// values from row kvoff, context into row qoff.
struct Dir {
  int64_t B, Lq, Lk, qoff, kvoff;
  at::Tensor mask;
  float *probs;  // [B, heads, Lq, Lk], or null for scratch
};

// att_block is LxmertAttention + LxmertAttentionOutput on rows x [M, H]: Q, K, V projected
// once for all rows, the attention directions, then dense + residual and LayerNorm into out.
void att_block(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *x, int64_t M, int64_t H,
               std::initializer_list<Dir> dirs, float *out) {
  Lin q = lin(c, w.q, cfg.bf16), k = lin(c, w.k, cfg.bf16), v = lin(c, w.v, cfg.bf16),
      o = lin(c, w.o, cfg.bf16);
  TORCH_CHECK(q.n == H && k.n == H && v.n == H && o.n == H, "fast attention: projections must be ",
              H, " wide");
  auto &p = *c.pool;
  Scratch qs(p, M * H * 4), ks(p, M * H * 4), vs(p, M * H * 4), cs(p, M * H * 4);
  linear(c, x, dt::f32, M, H, H, q.w, H, q.b, kNone, nullptr, qs.ptr, dt::f32);
  linear(c, x, dt::f32, M, H, H, k.w, H, k.b, kNone, nullptr, ks.ptr, dt::f32);
  linear(c, x, dt::f32, M, H, H, v.w, H, v.b, kNone, nullptr, vs.ptr, dt::f32);
  for (const auto &d : dirs) {
    std::unique_ptr<Scratch> ps;
    float *probs = d.probs;
    if (probs == nullptr) {
      ps = std::make_unique<Scratch>(p, d.B * cfg.heads * d.Lq * d.Lk * 4);
      probs = f(*ps);
    }
    attention(c, d.B, d.Lq, d.Lk, H, cfg.heads, f(qs) + d.qoff * H, H, f(ks) + d.kvoff * H,
              f(vs) + d.kvoff * H, H, d.mask, probs, f(cs) + d.qoff * H, H);
  }
  linear(c, cs.ptr, dt::f32, M, H, H, o.w, H, o.b, kNone, x, out, dt::f32);
  layer_norm(c, out, M, H, lx::T(w.lnw), lx::T(w.lnb), cfg.eps);
}

// ffn is LxmertIntermediate + LxmertOutput on rows a [M, H] into out. In bf16 the
// intermediate activations are stored in bf16: only the next GEMM reads them.
void ffn(Ctx &c, const Cfg &cfg, const lx_fast_ffn &w, const float *a, int64_t M, int64_t H,
         float *out) {
  Lin i = lin(c, w.inter, cfg.bf16), o = lin(c, w.out, cfg.bf16);
  TORCH_CHECK(o.n == H, "fast FFN: output dense must be ", H, " wide, got ", o.n);
  const dt it = cfg.bf16 ? dt::bf16 : dt::f32;
  Scratch is(*c.pool, M * i.n * (cfg.bf16 ? 2 : 4));
  linear(c, a, dt::f32, M, H, H, i.w, i.n, i.b, cfg.act, nullptr, is.ptr, it);
  linear(c, is.ptr, it, M, i.n, i.n, o.w, H, o.b, kNone, a, out, dt::f32);
  layer_norm(c, out, M, H, lx::T(w.lnw), lx::T(w.lnb), cfg.eps);
}

at::Tensor rows(lx_tensor t, const char *name) {
  const auto &x = lx::T(t);
  TORCH_CHECK(x.dim() == 3 && x.scalar_type() == at::kFloat, "fast layer: ", name,
              " must be float32 [batch, len, hidden], got ", x.sizes(), " ", x.scalar_type());
  return x.contiguous();
}

Cfg cfg_of(const lx_fast_cfg *c) {
  TORCH_CHECK(c != nullptr && c->heads > 0, "fast layer: missing configuration");
  TORCH_CHECK(c->precision == 0 || c->precision == 1, "fast layer: unknown precision ", c->precision);
  TORCH_CHECK(c->threads >= 0, "fast layer: negative thread count ", c->threads);
  return Cfg{c->heads, c->act, static_cast<float>(c->eps), c->precision == 1, c->threads};
}

Ctx &ctx_of(lx_fast_ctx c) {
  TORCH_CHECK(c != nullptr, "fast path: nil context (closed model?)");
  return *static_cast<Ctx *>(c);
}

}  // namespace
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
  LX_TRY
  auto &c = ctx_of(cp);
  TORCH_CHECK(threads >= 0, "fast linear: negative thread count ", threads);
  Team team(threads);
  const auto &x0 = lx::T(xt);
  const auto &wt = lx::T(w->w);
  TORCH_CHECK(x0.dim() >= 1 && x0.scalar_type() == at::kFloat && x0.size(-1) == wt.size(1),
              "fast linear: input must be float32 [..., ", wt.size(1), "], got ", x0.sizes());
  auto x = x0.reshape({-1, x0.size(-1)});
  if (x.stride(1) != 1 || x.stride(0) < x.size(1)) x = x.contiguous();
  // A handful of input features (box coordinates) keep float32: bf16 would round them to 1/256.
  Lin l = lin(c, *w, precision == 1 && wt.size(1) >= 16);
  auto sizes = x0.sizes().vec();
  sizes.back() = l.n;
  auto y = c.pool->tensor(sizes, at::kFloat);
  linear(c, x.data_ptr(), dt::f32, x.size(0), x.size(1), std::max<int64_t>(x.stride(0), 1), l.w,
         l.n, l.b, act, nullptr, y.data_ptr(), dt::f32);
  *out = lx::wrap(y);
  LX_END
}

lx_err lx_fast_layer(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *att,
                     const lx_fast_ffn *ffw, lx_tensor xt, lx_tensor mask, lx_tensor *out,
                     lx_tensor *probs) {
  LX_TRY
  auto &c = ctx_of(cp);
  auto cfg = cfg_of(cf);
  Team team(cfg.threads);
  auto x = rows(xt, "hidden states");
  const int64_t B = x.size(0), L = x.size(1), H = x.size(2), M = B * L;
  at::Tensor p;
  if (probs != nullptr) p = c.pool->tensor({B, cfg.heads, L, L}, at::kFloat);
  Scratch a(*c.pool, M * H * 4);
  att_block(c, cfg, *att, x.data_ptr<float>(), M, H,
            {Dir{B, L, L, 0, 0, lx::opt(mask), probs ? p.data_ptr<float>() : nullptr}}, f(a));
  auto y = c.pool->tensor({B, L, H}, at::kFloat);
  ffn(c, cfg, *ffw, f(a), M, H, y.data_ptr<float>());
  *out = lx::wrap(y);
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
  auto l = rows(lang, "language states"), v = rows(visn, "vision states");
  TORCH_CHECK(l.size(0) == v.size(0) && l.size(2) == v.size(2), "fast cross-attention: language ",
              l.sizes(), " and vision ", v.sizes(), " differ in batch or hidden size");
  const int64_t B = l.size(0), Ll = l.size(1), Lv = v.size(1), H = l.size(2);
  const int64_t Ml = B * Ll, Mv = B * Lv, M = Ml + Mv;
  auto &pool = *c.pool;
  Scratch s(pool, M * H * 4);
  std::memcpy(f(s), l.data_ptr<float>(), Ml * H * 4);
  std::memcpy(f(s) + Ml * H, v.data_ptr<float>(), Mv * H * 4);
  at::Tensor p;
  if (probs != nullptr) p = pool.tensor({B, cfg.heads, Ll, Lv}, at::kFloat);
  // One buffer for both outputs: language rows first, then vision rows (two views of it).
  auto o = pool.tensor({M, H}, at::kFloat);
  att_block(c, cfg, *cross, f(s), M, H,
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
  auto l = rows(lang, "language states"), v = rows(visn, "vision states");
  TORCH_CHECK(l.size(0) == v.size(0) && l.size(2) == v.size(2), "fast x-layer: language ",
              l.sizes(), " and vision ", v.sizes(), " differ in batch or hidden size");
  const int64_t B = l.size(0), Ll = l.size(1), Lv = v.size(1), H = l.size(2);
  const int64_t Ml = B * Ll, Mv = B * Lv, M = Ml + Mv;
  auto &pool = *c.pool;
  // Both directions share the cross-attention weights: stack the rows through its GEMMs.
  Scratch s(pool, M * H * 4), o(pool, M * H * 4);
  std::memcpy(f(s), l.data_ptr<float>(), Ml * H * 4);
  std::memcpy(f(s) + Ml * H, v.data_ptr<float>(), Mv * H * 4);
  at::Tensor p;
  if (probs != nullptr) p = pool.tensor({B, cfg.heads, Ll, Lv}, at::kFloat);
  att_block(c, cfg, *cross, f(s), M, H,
            {Dir{B, Ll, Lv, 0, Ml, lx::opt(visn_mask), probs ? p.data_ptr<float>() : nullptr},
             Dir{B, Lv, Ll, Ml, 0, lx::opt(lang_mask), nullptr}},
            f(o));
  // Each side's self-attention, then its FFN (s is free again: reuse it).
  att_block(c, cfg, *lang_self, f(o), Ml, H, {Dir{B, Ll, Ll, 0, 0, lx::opt(lang_mask), nullptr}},
            f(s));
  att_block(c, cfg, *visn_self, f(o) + Ml * H, Mv, H,
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
