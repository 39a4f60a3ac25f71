// The blocks whole fast-path layers are made of (csrc/fast_blocks.cc), shared by the layer
// calls (csrc/fast_layer.cc) and the pooled-only last X-layer (csrc/fast_pooled.cc).
#pragma once
#include <initializer_list>
#include <memory>

#include "fast.h"

namespace lx::fast {

// Lin is a linear layer as the fast path calls it: weight as oneDNN reads it, bias, width.
struct Lin {
  Weight w;
  const float *b;
  int64_t n;
};

Lin lin(Ctx &c, const lx_lin &l, Prec prec);

inline float *f(Scratch &s) { return static_cast<float *>(s.ptr); }

// In is the input rows [M, K] of one or more GEMMs: float32 as given, a bf16 copy made once
// (bf16 weights take bf16 rows), or quantized once (int8 weights take u8 rows, t is u8).
struct In {
  In(Ctx &c, const float *x, int64_t M, int64_t K, Prec prec);
  // run is y[M, l.n] = l(rows) (+ resid), float32 out.
  void run(Ctx &c, int64_t M, const Lin &l, const float *resid, float *y) const;
  std::unique_ptr<Scratch> s;
  const void *p;
  dt t;
  int64_t K;
  QRows q{};
};

// project writes the query projection of rows xq [Mq, H] into q and the key and value
// projections of rows xkv [Mkv, H] into k and v (all contiguous, H wide).
void project(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *xq, int64_t Mq,
             const float *xkv, int64_t Mkv, int64_t H, float *q, float *k, float *v);

// att_out is LxmertAttentionOutput on context rows ctx [M, H]: dense + residual resid, then
// LayerNorm, into out.
void att_out(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *ctx, const float *resid,
             int64_t M, int64_t H, float *out);

// One attention direction over rows of the projections: queries from row qoff of the query
// rows, keys and values from row kvoff of the key/value rows, context into row qoff.
struct Dir {
  int64_t B, Lq, Lk, qoff, kvoff;
  at::Tensor mask;
  float *probs;  // [B, heads, Lq, Lk], or null for scratch
};

// attend runs direction d over projections q, k, v (rows H wide) into context rows ctx.
void attend(Ctx &c, const Cfg &cfg, const Dir &d, int64_t H, const float *q, const float *k,
            const float *v, float *ctx);

// att_block is LxmertAttention + LxmertAttentionOutput: queries projected from xq [Mq, H],
// keys and values from xkv [Mkv, H] (xkv may be xq: self-attention, or stacked rows whose
// directions pick their own offsets), the attention directions, then dense + residual xq and
// LayerNorm into out [Mq, H].
void att_block(Ctx &c, const Cfg &cfg, const lx_fast_att &w, const float *xq, int64_t Mq,
               const float *xkv, int64_t Mkv, int64_t H, std::initializer_list<Dir> dirs,
               float *out);

// ffn is LxmertIntermediate + LxmertOutput on rows a [M, H] into out.
void ffn(Ctx &c, const Cfg &cfg, const lx_fast_ffn &w, const float *a, int64_t M, int64_t H,
         float *out);

// rows checks a [batch, len, hidden] float32 tensor and returns it contiguous.
at::Tensor rows(lx_tensor t, const char *name);
at::Tensor rows(const at::Tensor &x, const char *name);

// features is LxmertVisualFeatureEncoder (eval) on fc's inputs with team size threads.
at::Tensor features(Ctx &c, const lx_fast_fc &fc, int threads);

// layer is one LxmertLayer (lx_fast_layer): the self-attention block then the FFN block on
// x [B, L, H] with team size cfg.threads; probs, when not null, receives [B, heads, L, L].
at::Tensor layer(Ctx &c, const Cfg &cfg, const lx_fast_att &att, const lx_fast_ffn &ffw,
                 const at::Tensor &x, const at::Tensor &mask, at::Tensor *probs);

// Sides is an X-layer's two inputs, checked to agree in batch and hidden size.
struct Sides {
  at::Tensor l, v;  // contiguous [B, Ll, H] and [B, Lv, H]
  int64_t B, Ll, Lv, H;
};
Sides sides(lx_tensor lang, lx_tensor visn, const char *what);
Cfg cfg_of(const lx_fast_cfg *c);
Ctx &ctx_of(lx_fast_ctx c);

}  // namespace lx::fast
