// Thread t's share of a whole X-layer computed by two threads (csrc/fast_coop.h). Split by
// side, the layer is uneven (20 language rows against 36 vision rows per example) and its
// cross-attention block would run on one thread; here every weight is shared in halves and
// every GEMM keeps all its rows.
#include "fast_coop.h"

namespace lx::fast {

void XCoop::run_layer(int t) {
  const int64_t half = M / 2, r0 = t == 0 ? 0 : half, r1 = t == 0 ? half : M;
  const auto [h0, nh] = share(t, hs, cfg.heads);
  const auto [c0, cw] = share(t, cs, H);
  const auto [i0, iw] = share(t, is, I);
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
    Rows x(*c, S, M, H, H, (cfg.prec == kBF16));
    part_of(cross.q, x, 0, M, 0, H, c0, cw, true, Q + c0, H);
    part_of(cross.k, x, 0, M, 0, H, c0, cw, true, K + c0, H);
    part_of(cross.v, x, 0, M, 0, H, c0, cw, true, V + c0, H);
  }
  float *pr = probs.defined() ? probs.data_ptr<float>() : nullptr;
  heads(Dir{B, Ll, Lv, 0, Ml, vmask, nullptr}, h0, nh, c0, cw, pr);  // language attends to vision
  heads(Dir{B, Lv, Ll, Ml, 0, lmask, nullptr}, h0, nh, c0, cw, nullptr);
  {
    Rows x(*c, C + c0, M, cw, H, (cfg.prec == kBF16));
    part_of(cross.o, x, 0, M, c0, cw, 0, H, false, P, H);
  }
  wait();
  finish(r0, r1, cross.o, lx::T(cross.lnw), lx::T(cross.lnb), row(S, r0), row(O, r0));
  wait();
  // Self-attention: each side's weights on its rows, this thread's heads.
  {
    Rows x(*c, O, M, H, H, (cfg.prec == kBF16));
    for (const Side &sd : {lang(), visn()}) {
      part_of(sd.self->q, x, sd.off, sd.rows, 0, H, c0, cw, true, row(Q, sd.off) + c0, H);
      part_of(sd.self->k, x, sd.off, sd.rows, 0, H, c0, cw, true, row(K, sd.off) + c0, H);
      part_of(sd.self->v, x, sd.off, sd.rows, 0, H, c0, cw, true, row(V, sd.off) + c0, H);
    }
  }
  for (const Side &sd : {lang(), visn()})
    heads(Dir{B, sd.len, sd.len, sd.off, sd.off, sd.mask, nullptr}, h0, nh, c0, cw, nullptr);
  {
    Rows x(*c, C + c0, M, cw, H, (cfg.prec == kBF16));
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
    Rows x(*c, S, M, H, H, (cfg.prec == kBF16));
    Scratch inter(*c->pool, M * iw * 4);
    float *Y = f(inter);
    for (const Side &sd : {lang(), visn()})
      part_of(sd.ffn->inter, x, sd.off, sd.rows, 0, H, i0, iw, true, Y + sd.off * iw, iw);
    if (cfg.act != kNone) activate(*c, Y, M * iw, cfg.act);
    Rows y(*c, Y, M, iw, iw, (cfg.prec == kBF16));
    for (const Side &sd : {lang(), visn()})
      part_of(sd.ffn->out, y, sd.off, sd.rows, i0, iw, 0, H, false, row(P, sd.off), H);
  }
  wait();
  own([&](const Side &sd, int64_t a, int64_t b) {
    float *out = sd.off == 0 ? lo.data_ptr<float>() + a * H : vo.data_ptr<float>() + (a - Ml) * H;
    finish(a, b, sd.ffn->out, lx::T(sd.ffn->lnw), lx::T(sd.ffn->lnb), row(S, a), out);
  });
}

}  // namespace lx::fast
