// Thread t's share of the pooled-only last X-layer (lx_fast_xlayer_first's work) computed by
// two threads (csrc/fast_coop.h): language attends to vision on all language rows, then only
// each example's first token goes on through self-attention (over all language rows) and the
// FFN. At batch 1 most of it is one-row GEMMs that stream their weights: two threads stream
// two halves.
#include "fast_coop.h"

namespace lx::fast {

void XCoop::run_first(int t) {
  const auto [h0, nh] = share(t, hs, cfg.heads);
  const auto [c0, cw] = share(t, cs, H);
  const auto [i0, iw] = share(t, is, I);
  float *S = f(*s), *O = f(*o), *Q = f(*q), *K = f(*k), *V = f(*v), *C = f(*cx), *P = f(*part[t]);
  auto row = [&](float *p, int64_t r) { return p + r * H; };
  // Halves of n rows: this thread's [a, b).
  auto mine = [&](int64_t n) { return t == 0 ? std::pair<int64_t, int64_t>{0, n / 2} : std::pair<int64_t, int64_t>{n / 2, n}; };
  // Language queries, vision keys and values (the stacked rows of S), this thread's heads.
  {
    Rows x(*c, S, M, H, H, (cfg.prec == kBF16));
    part_of(cross.q, x, 0, Ml, 0, H, c0, cw, true, Q + c0, H);
    part_of(cross.k, x, Ml, M - Ml, 0, H, c0, cw, true, row(K, Ml) + c0, H);
    part_of(cross.v, x, Ml, M - Ml, 0, H, c0, cw, true, row(V, Ml) + c0, H);
  }
  heads(Dir{B, Ll, Lv, 0, Ml, vmask, nullptr}, h0, nh, c0, cw, nullptr);
  {
    Rows x(*c, C + c0, Ml, cw, H, (cfg.prec == kBF16));
    part_of(cross.o, x, 0, Ml, c0, cw, 0, H, false, P, H);
  }
  wait();
  {
    const auto [a, b] = mine(Ml);
    finish(a, b, cross.o, lx::T(cross.lnw), lx::T(cross.lnb), row(S, a), row(O, a));
  }
  wait();
  // Self-attention of each first token (row b·Ll, gathered into rows [0, B) of F) over all
  // language rows.
  Scratch first(*c->pool, B * H * 4);
  float *F = f(first);
  for (int64_t b = 0; b < B; b++) std::memcpy(row(F, b), row(O, b * Ll), H * 4);
  {
    Rows x(*c, O, Ml, H, H, (cfg.prec == kBF16)), xf(*c, F, B, H, H, (cfg.prec == kBF16));
    part_of(ls.k, x, 0, Ml, 0, H, c0, cw, true, K + c0, H);
    part_of(ls.v, x, 0, Ml, 0, H, c0, cw, true, V + c0, H);
    part_of(ls.q, xf, 0, B, 0, H, c0, cw, true, Q + c0, H);
  }
  heads(Dir{B, 1, Ll, 0, 0, lmask, nullptr}, h0, nh, c0, cw, nullptr);
  {
    Rows x(*c, C + c0, B, cw, H, (cfg.prec == kBF16));
    part_of(ls.o, x, 0, B, c0, cw, 0, H, false, P, H);
  }
  wait();
  {
    const auto [a, b] = mine(B);
    finish(a, b, ls.o, lx::T(ls.lnw), lx::T(ls.lnb), row(F, a), row(S, a));
  }
  wait();
  // FFN of the first tokens: this thread's intermediate columns, then a partial sum.
  {
    Rows x(*c, S, B, H, H, (cfg.prec == kBF16));
    Scratch inter(*c->pool, B * iw * 4);
    float *Y = f(inter);
    part_of(lf.inter, x, 0, B, 0, H, i0, iw, true, Y, iw);
    if (cfg.act != kNone) activate(*c, Y, B * iw, cfg.act);
    Rows y(*c, Y, B, iw, iw, (cfg.prec == kBF16));
    part_of(lf.out, y, 0, B, i0, iw, 0, H, false, P, H);
  }
  wait();
  const auto [a, b] = mine(B);
  finish(a, b, lf.out, lx::T(lf.lnw), lx::T(lf.lnb), row(S, a), lo.data_ptr<float>() + a * H);
}

}  // namespace lx::fast
