// Two OS threads computing one X-layer together (csrc/fast_coop*.cc), for small batches on
// two intra-op threads. Internal to csrc.
#pragma once
#include <atomic>

#include "fast_blocks.h"

namespace lx::fast {

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

// Coop is a call that threads 0 and 1 run at once (run(0) and run(1) from two OS threads);
// a thread that fails sets failed, which releases its partner from wait.
struct Coop {
  virtual ~Coop() = default;
  // run is thread t's share; it throws what fails.
  virtual void run(int t) = 0;
  // take hands out the outputs (a, b, c as the call defines; null pointers are skipped).
  virtual void take(lx_tensor *a, lx_tensor *b, lx_tensor *c) = 0;
  std::atomic<bool> failed{false};
};

// XCoop is the shared state of one X-layer (or, with first, the last X-layer's first
// language tokens alone) computed by threads 0 and 1. Each thread takes its share of every
// weight: heads [h0, h0+nh) of each attention (query, key and value columns, the attention
// core, the output dense's input rows as a partial sum) and its FFN intermediate columns (the
// output dense's input rows, a partial sum). After the partial sums a barrier; then each
// thread adds both, bias and residual on its half of the rows and normalizes them.
struct XCoop : Coop {
  Ctx *c;
  Cfg cfg;
  bool first = false;  // the pooled-only last X-layer: language side, first tokens out
  lx_fast_att cross, ls, vs;
  lx_fast_ffn lf, vf;
  at::Tensor lmask, vmask, lo, vo, probs;
  int64_t B, Ll, Lv, H, I, Ml, M;
  int64_t hs, cs, is;  // thread 0's share: heads, hidden columns (hs heads), intermediate columns
  std::unique_ptr<Scratch> s, o, q, k, v, cx, part[2];
  std::atomic<int> count{0}, gen{0};

  void run(int t) override { first ? run_first(t) : run_layer(t); }
  // take: the language output (first: [B, 1, H]), the vision output, the probabilities.
  void take(lx_tensor *a, lx_tensor *b, lx_tensor *c) override;

  // wait is a barrier of the two threads; it throws once the other thread has failed.
  void wait();
  Side lang() const { return Side{0, Ml, Ll, &ls, &lf, lmask}; }
  Side visn() const { return Side{Ml, M - Ml, Lv, &vs, &vf, vmask}; }
  // part_of is this thread's block of linear l: rows [r, r+M) of x times the weight's input
  // rows [k0, k0+kc) and output columns [n0, n0+nc), into y (row stride ldy).
  void part_of(const lx_lin &l, const Rows &x, int64_t r, int64_t M, int64_t k0, int64_t kc,
               int64_t n0, int64_t nc, bool bias, float *y, int64_t ldy);
  // pairable picks the two threads' shares and reports whether our kernels take every
  // weight's blocks (the vision side's too unless first).
  bool pairable();
  // finish adds the partial sums (rows [a, b)), dense's bias and the residual rows and
  // normalizes them with LayerNorm parameters g, bt into out (resid and out start at row a).
  void finish(int64_t a, int64_t b, const lx_lin &dense, const at::Tensor &g, const at::Tensor &bt,
              const float *resid, float *out);
  // heads runs direction d on heads [h0, h0+nh), columns [c0, c0+cw) of q, k, v and ctx;
  // probs, if wanted, is the whole [B, heads, Lq, Lk] tensor.
  void heads(const Dir &d, int64_t h0, int64_t nh, int64_t c0, int64_t cw, float *probs);
  // Thread t's share of the whole X-layer (csrc/fast_coop_layer.cc) or of the first tokens'
  // (csrc/fast_coop_first.cc).
  void run_layer(int t);
  void run_first(int t);
  // share is thread t's [begin, width) of n units split at n0.
  static std::pair<int64_t, int64_t> share(int t, int64_t n0, int64_t n) {
    return t == 0 ? std::pair<int64_t, int64_t>{0, n0} : std::pair<int64_t, int64_t>{n0, n - n0};
  }
};

}  // namespace lx::fast
