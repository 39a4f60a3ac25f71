// The machinery of two threads computing an X-layer together (csrc/fast_coop.h): the
// barrier, the share of each weight, the partial sums' reduction, the attention heads, and the
// C entry point that runs both halves: the caller's thread takes half 0, a helper thread
// (csrc/fast_helper.h) half 1.
#include "fast_coop.h"

#include <immintrin.h>

#include <thread>

#include "fast_helper.h"

namespace lx::fast {

void XCoop::wait() {
  const int g = gen.load(std::memory_order_acquire);
  if (count.fetch_add(1, std::memory_order_acq_rel) == 1) {
    count.store(0, std::memory_order_relaxed);
    gen.store(g + 1, std::memory_order_release);
    return;
  }
  for (int i = 0; gen.load(std::memory_order_acquire) == g; i++) {
    TORCH_CHECK(!failed.load(std::memory_order_acquire), "fast x-layer: the other half failed");
    if (i < 20000) {
      _mm_pause();
    } else {
      std::this_thread::yield();  // the other thread is descheduled: give its core back
    }
  }
}

void XCoop::part_of(const lx_lin &l, const Rows &x, int64_t r, int64_t M, int64_t k0, int64_t kc,
             int64_t n0, int64_t nc, bool bias, float *y, int64_t ldy) {
  Lin w = lin(*c, l, cfg.prec);
  const int64_t K = lx::T(l.w).size(1);
  TORCH_CHECK(linear_part(x.at(r), x.t, M, x.ld, w.w, K, w.n, k0, kc, n0, nc, bias ? w.b : nullptr,
                          nullptr, 0, y, ldy),
              "fast x-layer: a weight the two-thread kernels cannot take");
}

bool XCoop::pairable() {
  // int8 takes the other paths. Tried: K-blocks for its kernels (prefix column sums per 64
  // input rows, each thread quantizing its own columns): batch 1, 2 threads, base model,
  // 21.6-22.8 against 22.2-23.5 ms (min of 30) and more CPU time, so not kept.
  if (cfg.prec == kInt8 || cfg.heads < 2 || H % cfg.heads != 0 || I < 2) return false;
  const int64_t dh = H / cfg.heads;
  hs = 0;
  for (int64_t d = 0; d < cfg.heads / 2 && hs == 0; d++)  // the most even split that fits
    for (int64_t h : {cfg.heads / 2 - d, cfg.heads / 2 + d + 1})
      if (hs == 0 && h > 0 && h < cfg.heads && (cfg.prec != kBF16 || h * dh % 64 == 0)) hs = h;
  is = (cfg.prec == kBF16) ? I / 2 / 64 * 64 : I / 2;
  if (hs == 0 || is == 0) return false;
  cs = hs * dh;
  const dt xt = (cfg.prec == kBF16) ? dt::bf16 : dt::f32;
  auto fits = [&](const lx_lin &l, int64_t K, int64_t N, int64_t k0, int64_t n0) {
    Lin w = lin(*c, l, cfg.prec);
    return lx::T(l.w).size(1) == K && w.n == N && linear_part_fits(xt, w.w, K, N, k0, K - k0, n0, N - n0);
  };
  for (const lx_fast_att *a : {&cross, &ls, &vs})
    if ((a != &vs || !first) && (!fits(a->q, H, H, 0, cs) || !fits(a->k, H, H, 0, cs) ||
                                 !fits(a->v, H, H, 0, cs) || !fits(a->o, H, H, cs, 0)))
      return false;
  for (const lx_fast_ffn *w : {&lf, &vf})
    if ((w != &vf || !first) && (!fits(w->inter, H, I, 0, is) || !fits(w->out, I, H, is, 0)))
      return false;
  return true;
}

void XCoop::finish(int64_t a, int64_t b, const lx_lin &dense, const at::Tensor &g, const at::Tensor &bt,
            const float *resid, float *out) {
  if (a >= b) return;
  const float *p0 = f(*part[0]), *p1 = f(*part[1]);
  const float *bias = dense.b != nullptr ? lx::T(dense.b).data_ptr<float>() : nullptr;
  for (int64_t r = a; r < b; r++) {
    float *y = out + (r - a) * H;
    const float *x0 = p0 + r * H, *x1 = p1 + r * H, *x2 = resid + (r - a) * H;
    for (int64_t j = 0; j < H; j++) y[j] = (x0[j] + x1[j] + (bias ? bias[j] : 0.f)) + x2[j];
  }
  layer_norm(*c, out, b - a, H, g, bt, cfg.eps);
}

void XCoop::heads(const Dir &d, int64_t h0, int64_t nh, int64_t c0, int64_t cw, float *probs) {
  float *Q = f(*q), *K = f(*k), *V = f(*v), *C = f(*cx);
  const int64_t per = d.Lq * d.Lk;
  std::unique_ptr<Scratch> ps;
  float *pp = probs != nullptr ? probs + h0 * per : nullptr;
  if (probs == nullptr || d.B > 1) {  // a head range is contiguous only in one example
    ps = std::make_unique<Scratch>(*c->pool, d.B * nh * per * 4);
    pp = f(*ps);
  }
  attention(*c, d.B, d.Lq, d.Lk, cw, nh, Q + d.qoff * H + c0, H, K + d.kvoff * H + c0,
            V + d.kvoff * H + c0, H, d.mask, pp, C + d.qoff * H + c0, H);
  if (probs != nullptr && d.B > 1)
    for (int64_t b = 0; b < d.B; b++)
      std::memcpy(probs + (b * cfg.heads + h0) * per, pp + b * nh * per, nh * per * 4);
}

}  // namespace lx::fast

using namespace lx::fast;

void XCoop::take(lx_tensor *a, lx_tensor *b, lx_tensor *c) {
  if (a != nullptr) *a = lx::wrap(lo);
  if (b != nullptr) *b = vo.defined() ? lx::wrap(vo) : nullptr;
  if (c != nullptr) *c = probs.defined() ? lx::wrap(probs) : nullptr;
}

namespace {

// make checks the inputs and makes the shared state with the stacked rows [lang; visn],
// or returns null where the two-thread kernels cannot take the weights.
std::unique_ptr<XCoop> make(lx_fast_ctx cp, const lx_fast_cfg *cf, bool first, const lx_fast_att *cross,
                            const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                            const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn, lx_tensor lang,
                            lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask) {
  auto &c = ctx_of(cp);
  auto sd = sides(lang, visn, "fast x-layer");
  TORCH_CHECK(sd.B > 0 && sd.Ll > 0 && sd.Lv > 0, "fast x-layer: empty language ", sd.l.sizes(),
              " or vision ", sd.v.sizes(), " states");
  auto x = std::make_unique<XCoop>();
  x->c = &c, x->cfg = cfg_of(cf), x->first = first;
  x->cross = *cross, x->ls = *lang_self, x->lf = *lang_ffn;
  if (!first) x->vs = *visn_self, x->vf = *visn_ffn;
  x->lmask = lx::opt(lang_mask), x->vmask = lx::opt(visn_mask);
  x->B = sd.B, x->Ll = sd.Ll, x->Lv = sd.Lv, x->H = sd.H, x->Ml = sd.B * sd.Ll;
  x->M = x->Ml + sd.B * sd.Lv;
  x->I = lx::T(lang_ffn->inter.w).size(0);
  if (!x->pairable()) return nullptr;
  auto &pool = *c.pool;
  const size_t bytes = x->M * x->H * 4;
  for (auto *p : {&x->s, &x->o, &x->q, &x->k, &x->v, &x->cx, &x->part[0], &x->part[1]})
    *p = std::make_unique<Scratch>(pool, bytes);
  std::memcpy(f(*x->s), sd.l.data_ptr<float>(), x->Ml * x->H * 4);
  std::memcpy(f(*x->s) + x->Ml * x->H, sd.v.data_ptr<float>(), (x->M - x->Ml) * x->H * 4);
  if (first) {
    x->lo = pool.tensor({sd.B, 1, sd.H}, at::kFloat);
  } else {
    x->lo = pool.tensor({sd.B, sd.Ll, sd.H}, at::kFloat);
    x->vo = pool.tensor({sd.B, sd.Lv, sd.H}, at::kFloat);
  }
  return x;
}

}  // namespace

extern "C" {

lx_err lx_fast_xlayer_coop_new(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                               const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                               const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn,
                               lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                               lx_tensor visn_mask, int want_probs, lx_fast_coop *out) {
  LX_TRY
  *out = nullptr;
  auto x = make(cp, cf, false, cross, lang_self, visn_self, lang_ffn, visn_ffn, lang, visn, lang_mask, visn_mask);
  if (x == nullptr) return nullptr;  // *out stays null: the caller takes another path
  if (want_probs) x->probs = x->c->pool->tensor({x->B, x->cfg.heads, x->Ll, x->Lv}, at::kFloat);
  *out = x.release();
  LX_END
}

lx_err lx_fast_xlayer_first_coop_new(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                                     const lx_fast_att *lang_self, const lx_fast_ffn *lang_ffn,
                                     lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                                     lx_tensor visn_mask, lx_fast_coop *out) {
  LX_TRY
  *out = make(cp, cf, true, cross, lang_self, nullptr, lang_ffn, nullptr, lang, visn, lang_mask, visn_mask).release();
  LX_END
}

lx_err lx_fast_coop_run(lx_fast_coop co, int fail_second) {
  LX_TRY
  TORCH_CHECK(co != nullptr, "fast path: nil two-thread call");
  auto &x = *static_cast<Coop *>(co);
  // Each half records whether its failure came first: the other's is then only a report
  // that this one failed.
  std::exception_ptr cause;
  auto half = [&](int t) {
    try {
      TORCH_CHECK(t == 0 || fail_second == 0, "fast path: a failure injected by a test");
      Team team(1);
      x.run(t);
    } catch (...) {
      if (!x.failed.exchange(true, std::memory_order_acq_rel)) cause = std::current_exception();
    }
  };
  auto job = start([&] { half(1); });
  half(0);
  job->wait();  // half never throws
  if (cause) std::rethrow_exception(cause);
  LX_END
}

lx_err lx_fast_coop_take(lx_fast_coop co, lx_tensor *a, lx_tensor *b, lx_tensor *c) {
  LX_TRY
  static_cast<Coop *>(co)->take(a, b, c);
  LX_END
}

void lx_fast_coop_free(lx_fast_coop co) { delete static_cast<Coop *>(co); }

}  // extern "C"
