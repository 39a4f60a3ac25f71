// The blocks of a fast-path layer: attention block and FFN block, each GEMM with its epilogue
// (bias, activation, residual) fused, LayerNorm in place, the attention core without permute
// copies, every buffer from the model's pool. In bf16 and int8 each block's input rows are
// converted (quantized) once and shared by the GEMMs that read them.
#include "fast_blocks.h"

namespace lx::fast {

Lin lin(Ctx &c, const lx_lin &l, Prec prec) {
  const auto &w = lx::T(l.w);
  Lin out{c.weight(w, prec), nullptr, w.size(0)};
  if (l.b != nullptr) {
    const auto &b = lx::T(l.b);
    TORCH_CHECK(b.scalar_type() == at::kFloat && b.is_contiguous() && b.numel() == w.size(0),
                "fast linear: bias must be contiguous float32 [", w.size(0), "], got ", b.sizes());
    out.b = b.data_ptr<float>();
  }
  return out;
}

In::In(Ctx &c, const float *x, int64_t M, int64_t K, Prec prec) : p(x), t(dt::f32), K(K) {
  if (prec == kBF16) {
    s = std::make_unique<Scratch>(*c.pool, M * K * 2);
    to_bf16_rows(x, K, s->ptr, M, K);
    p = s->ptr, t = dt::bf16;
  } else if (prec == kInt8) {
    const int64_t Kp = q8_depth(K), qb = (M * Kp + 63) / 64 * 64;
    s = std::make_unique<Scratch>(*c.pool, qb + M * 4);
    auto *qp = static_cast<uint8_t *>(s->ptr);
    auto *scale = reinterpret_cast<float *>(qp + qb);
    quantize_rows(x, K, M, K, qp, scale);
    q = QRows{qp, scale, Kp};
    p = qp, t = dt::u8;
  }
}

void In::run(Ctx &c, int64_t M, const Lin &l, const float *resid, float *y) const {
  if (t == dt::u8)
    linear_int8(c, q, M, K, l.w, l.n, l.b, kNone, resid, y);
  else
    linear(c, p, t, M, K, K, l.w, l.n, l.b, kNone, resid, y, dt::f32);
}

void project(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *xq, int64_t Mq,
             const float *xkv, int64_t Mkv, int64_t H, float *q, float *k, float *v) {
  Lin lq = lin(c, w.q, cfg.prec), lk = lin(c, w.k, cfg.prec), lv = lin(c, w.v, cfg.prec);
  TORCH_CHECK(lq.n == H && lk.n == H && lv.n == H, "fast attention: projections must be ", H, " wide");
  In iq(c, xq, Mq, H, cfg.prec);
  iq.run(c, Mq, lq, nullptr, q);
  std::unique_ptr<In> ikv;
  if (xkv != xq || Mkv != Mq) ikv = std::make_unique<In>(c, xkv, Mkv, H, cfg.prec);
  const In &kv = ikv ? *ikv : iq;
  kv.run(c, Mkv, lk, nullptr, k);
  kv.run(c, Mkv, lv, nullptr, v);
}

void att_out(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *ctx, const float *resid,
             int64_t M, int64_t H, float *out) {
  Lin o = lin(c, w.o, cfg.prec);
  TORCH_CHECK(o.n == H, "fast attention: output dense must be ", H, " wide, got ", o.n);
  linear(c, ctx, dt::f32, M, H, H, o.w, H, o.b, kNone, resid, out, dt::f32);
  layer_norm(c, out, M, H, lx::T(w.lnw), lx::T(w.lnb), cfg.eps);
}

void att_block(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *xq, int64_t Mq,
               const float *xkv, int64_t Mkv, int64_t H, std::initializer_list<Dir> dirs,
               float *out) {
  auto &p = *c.pool;
  Scratch qs(p, Mq * H * 4), ks(p, Mkv * H * 4), vs(p, Mkv * H * 4), cs(p, Mq * H * 4);
  project(c, cfg, w, xq, Mq, xkv, Mkv, H, f(qs), f(ks), f(vs));
  for (const auto &d : dirs) attend(c, cfg, d, H, f(qs), f(ks), f(vs), f(cs));
  att_out(c, cfg, w, f(cs), xq, Mq, H, out);
}

void attend(Ctx &c, const Cfg &cfg, const Dir &d, int64_t H, const float *q, const float *k,
            const float *v, float *ctx) {
  std::unique_ptr<Scratch> ps;
  float *probs = d.probs;
  if (probs == nullptr) {
    ps = std::make_unique<Scratch>(*c.pool, d.B * cfg.heads * d.Lq * d.Lk * 4);
    probs = f(*ps);
  }
  attention(c, d.B, d.Lq, d.Lk, H, cfg.heads, q + d.qoff * H, H, k + d.kvoff * H,
            v + d.kvoff * H, H, d.mask, probs, ctx + d.qoff * H, H);
}

// In bf16 the intermediate activations are stored in bf16: only the next GEMM reads them.
// In int8 they stay float32 and the next GEMM quantizes them.
void ffn(Ctx &c, const Cfg &cfg, const lx_fast_ffn &w, const float *a, int64_t M, int64_t H,
         float *out) {
  Lin i = lin(c, w.inter, cfg.prec), o = lin(c, w.out, cfg.prec);
  TORCH_CHECK(o.n == H, "fast FFN: output dense must be ", H, " wide, got ", o.n);
  const bool bf16 = cfg.prec == kBF16;
  const dt it = bf16 ? dt::bf16 : dt::f32;
  Scratch is(*c.pool, M * i.n * (bf16 ? 2 : 4));
  linear(c, a, dt::f32, M, H, H, i.w, i.n, i.b, cfg.act, nullptr, is.ptr, it);
  linear(c, is.ptr, it, M, i.n, i.n, o.w, H, o.b, kNone, a, out, dt::f32);
  layer_norm(c, out, M, H, lx::T(w.lnw), lx::T(w.lnb), cfg.eps);
}

at::Tensor rows(lx_tensor t, const char *name) { return rows(lx::T(t), name); }

at::Tensor rows(const at::Tensor &x, const char *name) {
  TORCH_CHECK(x.dim() == 3 && x.scalar_type() == at::kFloat, "fast layer: ", name,
              " must be float32 [batch, len, hidden], got ", x.sizes(), " ", x.scalar_type());
  return x.contiguous();
}

Sides sides(lx_tensor lang, lx_tensor visn, const char *what) {
  auto l = rows(lang, "language states"), v = rows(visn, "vision states");
  TORCH_CHECK(l.size(0) == v.size(0) && l.size(2) == v.size(2), what, ": language ", l.sizes(),
              " and vision ", v.sizes(), " differ in batch or hidden size");
  return Sides{l, v, l.size(0), l.size(1), v.size(1), l.size(2)};
}

Cfg cfg_of(const lx_fast_cfg *c) {
  TORCH_CHECK(c != nullptr && c->heads > 0, "fast layer: missing configuration");
  TORCH_CHECK(c->precision >= kF32 && c->precision <= kInt8, "fast layer: unknown precision ",
              c->precision);
  TORCH_CHECK(c->threads >= 0, "fast layer: negative thread count ", c->threads);
  return Cfg{c->heads, c->act, static_cast<float>(c->eps), static_cast<Prec>(c->precision), c->threads};
}

Ctx &ctx_of(lx_fast_ctx c) {
  TORCH_CHECK(c != nullptr, "fast path: nil context (closed model?)");
  return *static_cast<Ctx *>(c);
}

}  // namespace lx::fast
