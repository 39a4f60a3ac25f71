// One X-layer computed by two OS threads together (small batches on two intra-op threads).
// Split by side, the layer is uneven (20 language rows against 36 vision rows per example)
// and its cross-attention block runs on one thread; split per op, each op pays a fork and
// join. Here each thread takes half of every weight: half the heads of each attention (its
// query, key and value columns, the attention core, and the output dense's input rows, a
// partial sum) and half the FFN's intermediate columns (then the output dense's input rows,
// a partial sum). After each partial sum a barrier; then each thread adds the two partial
// sums, bias and residual on half the rows and normalizes them. Every GEMM keeps all its rows
// and no weight is read twice. The caller runs lx_fast_xlayer_coop_run(co, 0) and (co, 1)
// at once from two threads (binding/fast_pair.go).
#include <immintrin.h>

#include <atomic>
#include <thread>

#include "fast_blocks.h"

using namespace lx::fast;

namespace {

// Rows of one side within the stacked rows, and the weights they take.
struct Side {
  int64_t off, rows, len;  // first stacked row, B·len rows, len per example
  const lx_fast_att *self;
  const lx_fast_ffn *ffn;
  at::Tensor mask;
};

// Rows is the input rows of GEMMs: float32 as given (row stride ld), or a contiguous bf16
// copy for bf16 weights.
struct Rows {
  Rows(Ctx &c, const float *x, int64_t M, int64_t K, int64_t ldx, bool bf16) : p(x), t(dt::f32), ld(ldx) {
    if (!bf16) return;
    s = std::make_unique<Scratch>(*c.pool, M * K * 2);
    to_bf16_rows(x, ldx, s->ptr, M, K);
    p = s->ptr, t = dt::bf16, ld = K;
  }
  const void *at(int64_t r) const { return static_cast<const char *>(p) + r * ld * (t == dt::bf16 ? 2 : 4); }
  std::unique_ptr<Scratch> s;
  const void *p;
  dt t;
  int64_t ld;
};

struct XCoop {
  Ctx *c;
  Cfg cfg;
  lx_fast_att cross, ls, vs;
  lx_fast_ffn lf, vf;
  at::Tensor lmask, vmask, lo, vo, probs;
  int64_t B, Ll, Lv, H, I, Ml, M;
  int64_t hs, cs, is;  // thread 0's share: heads, hidden columns (hs heads), intermediate columns
  std::unique_ptr<Scratch> s, o, q, k, v, cx, part[2];
  std::atomic<int> count{0}, gen{0};
  std::atomic<bool> failed{false};

  // wait is a barrier of the two threads; it throws once the other thread has failed.
  void wait() {
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

  Side lang() const { return Side{0, Ml, Ll, &ls, &lf, lmask}; }
  Side visn() const { return Side{Ml, M - Ml, Lv, &vs, &vf, vmask}; }

  // part_of is this thread's block of linear l: rows [r, r+M) of x times the weight's input
  // rows [k0, k0+kc) and output columns [n0, n0+nc), into y (row stride ldy).
  void part_of(const lx_lin &l, const Rows &x, int64_t r, int64_t M, int64_t k0, int64_t kc,
               int64_t n0, int64_t nc, bool bias, float *y, int64_t ldy) {
    Lin w = lin(*c, l, cfg.bf16);
    const int64_t K = lx::T(l.w).size(1);
    TORCH_CHECK(linear_part(x.at(r), x.t, M, x.ld, w.w, K, w.n, k0, kc, n0, nc, bias ? w.b : nullptr,
                            nullptr, 0, y, ldy),
                "fast x-layer: a weight the two-thread kernels cannot take");
  }

  // pairable picks the two threads' shares and reports whether our kernels take every
  // weight's blocks. bf16 blocks start at 64-column panels of the packed weight.
  bool pairable() {
    if (cfg.heads < 2 || H % cfg.heads != 0 || I < 2) return false;
    const int64_t dh = H / cfg.heads;
    hs = 0;
    for (int64_t d = 0; d < cfg.heads / 2 && hs == 0; d++)  // the most even split that fits
      for (int64_t h : {cfg.heads / 2 - d, cfg.heads / 2 + d + 1})
        if (hs == 0 && h > 0 && h < cfg.heads && (!cfg.bf16 || h * dh % 64 == 0)) hs = h;
    is = cfg.bf16 ? I / 2 / 64 * 64 : I / 2;
    if (hs == 0 || is == 0) return false;
    cs = hs * dh;
    const dt xt = cfg.bf16 ? dt::bf16 : dt::f32;
    auto fits = [&](const lx_lin &l, int64_t K, int64_t N, int64_t k0, int64_t n0) {
      Lin w = lin(*c, l, cfg.bf16);
      return lx::T(l.w).size(1) == K && w.n == N && linear_part_fits(xt, w.w, K, N, k0, K - k0, n0, N - n0);
    };
    for (const lx_fast_att *a : {&cross, &ls, &vs})
      if (!fits(a->q, H, H, 0, cs) || !fits(a->k, H, H, 0, cs) || !fits(a->v, H, H, 0, cs) ||
          !fits(a->o, H, H, cs, 0))
        return false;
    for (const lx_fast_ffn *w : {&lf, &vf})
      if (!fits(w->inter, H, I, 0, is) || !fits(w->out, I, H, is, 0)) return false;
    return true;
  }

  // finish adds the partial sums, dense bias and residual on rows [a, b) of side sd and
  // normalizes them with ln's parameters into out (row stride H).
  void finish(int64_t a, int64_t b, const lx_lin &dense, const at::Tensor &g, const at::Tensor &bt,
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

  // heads runs direction d on heads [h0, h0+nh), columns [c0, c0+cw) of q, k, v and ctx;
  // probs, if wanted, is the whole [B, heads, Lq, Lk] tensor.
  void heads(const Dir &d, int64_t h0, int64_t nh, int64_t c0, int64_t cw, float *probs) {
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

  void run(int t) {
    Team team(1);
    const int64_t half = M / 2, r0 = t == 0 ? 0 : half, r1 = t == 0 ? half : M;
    const int64_t h0 = t == 0 ? 0 : hs, nh = t == 0 ? hs : cfg.heads - hs;
    const int64_t c0 = t == 0 ? 0 : cs, cw = t == 0 ? cs : H - cs;
    const int64_t i0 = t == 0 ? 0 : is, iw = t == 0 ? is : I - is;
    float *S = f(*s), *O = f(*o), *Q = f(*q), *K = f(*k), *V = f(*v), *C = f(*cx), *P = f(*part[t]);
    auto row = [&](float *p, int64_t r) { return p + r * H; };
    // Rows [r0, r1) by side: fn(side, a, b) for each side's part of them.
    auto own = [&](auto fn) {
      for (const Side &sd : {lang(), visn()}) {
        const int64_t a = std::max(r0, sd.off), b = std::min(r1, sd.off + sd.rows);
        if (a < b) fn(sd, a, b);
      }
    };
    // Cross-attention (weights shared by both directions): this thread's heads.
    {
      Rows x(*c, S, M, H, H, cfg.bf16);
      part_of(cross.q, x, 0, M, 0, H, c0, cw, true, Q + c0, H);
      part_of(cross.k, x, 0, M, 0, H, c0, cw, true, K + c0, H);
      part_of(cross.v, x, 0, M, 0, H, c0, cw, true, V + c0, H);
    }
    float *pr = probs.defined() ? probs.data_ptr<float>() : nullptr;
    heads(Dir{B, Ll, Lv, 0, Ml, vmask, nullptr}, h0, nh, c0, cw, pr);  // language attends to vision
    heads(Dir{B, Lv, Ll, Ml, 0, lmask, nullptr}, h0, nh, c0, cw, nullptr);
    {
      Rows x(*c, C + c0, M, cw, H, cfg.bf16);
      part_of(cross.o, x, 0, M, c0, cw, 0, H, false, P, H);
    }
    wait();
    finish(r0, r1, cross.o, lx::T(cross.lnw), lx::T(cross.lnb), row(S, r0), row(O, r0));
    wait();
    // Self-attention: each side's weights on its rows, this thread's heads.
    {
      Rows x(*c, O, M, H, H, cfg.bf16);
      for (const Side &sd : {lang(), visn()}) {
        part_of(sd.self->q, x, sd.off, sd.rows, 0, H, c0, cw, true, row(Q, sd.off) + c0, H);
        part_of(sd.self->k, x, sd.off, sd.rows, 0, H, c0, cw, true, row(K, sd.off) + c0, H);
        part_of(sd.self->v, x, sd.off, sd.rows, 0, H, c0, cw, true, row(V, sd.off) + c0, H);
      }
    }
    for (const Side &sd : {lang(), visn()})
      heads(Dir{B, sd.len, sd.len, sd.off, sd.off, sd.mask, nullptr}, h0, nh, c0, cw, nullptr);
    {
      Rows x(*c, C + c0, M, cw, H, cfg.bf16);
      for (const Side &sd : {lang(), visn()})
        part_of(sd.self->o, x, sd.off, sd.rows, c0, cw, 0, H, false, row(P, sd.off), H);
    }
    wait();
    own([&](const Side &sd, int64_t a, int64_t b) {
      finish(a, b, sd.self->o, lx::T(sd.self->lnw), lx::T(sd.self->lnb), row(O, a), row(S, a));
    });
    wait();
    // FFN: this thread's intermediate columns, then the output dense's partial sum.
    {
      Rows x(*c, S, M, H, H, cfg.bf16);
      Scratch inter(*c->pool, M * iw * 4);
      float *Y = f(inter);
      for (const Side &sd : {lang(), visn()})
        part_of(sd.ffn->inter, x, sd.off, sd.rows, 0, H, i0, iw, true, Y + sd.off * iw, iw);
      if (cfg.act != kNone) activate(*c, Y, M * iw, cfg.act);
      Rows y(*c, Y, M, iw, iw, cfg.bf16);
      for (const Side &sd : {lang(), visn()})
        part_of(sd.ffn->out, y, sd.off, sd.rows, i0, iw, 0, H, false, row(P, sd.off), H);
    }
    wait();
    own([&](const Side &sd, int64_t a, int64_t b) {
      float *out = sd.off == 0 ? lo.data_ptr<float>() + a * H : vo.data_ptr<float>() + (a - Ml) * H;
      finish(a, b, sd.ffn->out, lx::T(sd.ffn->lnw), lx::T(sd.ffn->lnb), row(S, a), out);
    });
  }
};

}  // namespace

extern "C" {

lx_err lx_fast_xlayer_coop_new(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                               const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                               const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn,
                               lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                               lx_tensor visn_mask, int want_probs, lx_fast_coop *out) {
  LX_TRY
  *out = nullptr;
  auto &c = ctx_of(cp);
  auto sd = sides(lang, visn, "fast x-layer");
  TORCH_CHECK(sd.B > 0 && sd.Ll > 0 && sd.Lv > 0, "fast x-layer: empty language ", sd.l.sizes(),
              " or vision ", sd.v.sizes(), " states");
  auto x = std::make_unique<XCoop>();
  x->c = &c, x->cfg = cfg_of(cf);
  x->cross = *cross, x->ls = *lang_self, x->vs = *visn_self, x->lf = *lang_ffn, x->vf = *visn_ffn;
  x->lmask = lx::opt(lang_mask), x->vmask = lx::opt(visn_mask);
  x->B = sd.B, x->Ll = sd.Ll, x->Lv = sd.Lv, x->H = sd.H, x->Ml = sd.B * sd.Ll;
  x->M = x->Ml + sd.B * sd.Lv;
  x->I = lx::T(lang_ffn->inter.w).size(0);
  if (!x->pairable()) return nullptr;  // *out stays null: the caller takes another path
  auto &pool = *c.pool;
  const size_t bytes = x->M * x->H * 4;
  for (auto *p : {&x->s, &x->o, &x->q, &x->k, &x->v, &x->cx, &x->part[0], &x->part[1]})
    *p = std::make_unique<Scratch>(pool, bytes);
  std::memcpy(f(*x->s), sd.l.data_ptr<float>(), x->Ml * x->H * 4);
  std::memcpy(f(*x->s) + x->Ml * x->H, sd.v.data_ptr<float>(), (x->M - x->Ml) * x->H * 4);
  x->lo = pool.tensor({sd.B, sd.Ll, sd.H}, at::kFloat);
  x->vo = pool.tensor({sd.B, sd.Lv, sd.H}, at::kFloat);
  if (want_probs) x->probs = pool.tensor({sd.B, x->cfg.heads, sd.Ll, sd.Lv}, at::kFloat);
  *out = x.release();
  LX_END
}

lx_err lx_fast_xlayer_coop_run(lx_fast_coop co, int tid) {
  LX_TRY
  TORCH_CHECK(co != nullptr && (tid == 0 || tid == 1), "fast x-layer: bad cooperative call");
  auto &x = *static_cast<XCoop *>(co);
  try {
    x.run(tid);
  } catch (...) {
    x.failed.store(true, std::memory_order_release);
    throw;
  }
  LX_END
}

lx_err lx_fast_xlayer_coop_take(lx_fast_coop co, lx_tensor *lang_out, lx_tensor *visn_out,
                                lx_tensor *probs) {
  LX_TRY
  auto &x = *static_cast<XCoop *>(co);
  *lang_out = lx::wrap(x.lo);
  *visn_out = lx::wrap(x.vo);
  if (probs != nullptr) *probs = x.probs.defined() ? lx::wrap(x.probs) : nullptr;
  LX_END
}

lx_err lx_fast_xlayer_coop_fail(lx_fast_coop co) {
  LX_TRY
  static_cast<XCoop *>(co)->failed.store(true, std::memory_order_release);
  TORCH_CHECK(false, "fast x-layer: a failure injected by a test");
  LX_END
}

void lx_fast_xlayer_coop_free(lx_fast_coop co) { delete static_cast<XCoop *>(co); }

}  // extern "C"
