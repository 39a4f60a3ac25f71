// oneDNN primitives of the fast path: one per shape, created on first use and cached for the
// process (they hold no data: the memory is passed at each execution). oneDNN's scratchpads
// come from the model's pool, so one primitive may run on several threads at once.
#include <ATen/Parallel.h>
#include <omp.h>

#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <cstdio>
#include <functional>
#include <string>

#include "fast.h"

namespace lx::fast {

using dnnl::memory;

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

namespace {

// Up to this many rows, a single-threaded GEMM runs in our own kernels (csrc/fast_skinny*.cc):
// they stream the weight faster than oneDNN's at few rows (65 -> 90-100 GFLOP/s in float32 at
// 20 rows) and keep up with it at a few hundred (measured per shape, 1 thread; above these
// limits oneDNN was as fast or faster).
constexpr int64_t kOwnRowsF32 = 320, kOwnRowsBF16 = 192;

dnnl::stream &stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

struct Prim {
  dnnl::primitive p;
  memory::desc scratch;
};

// cached returns the primitive stored under key, making it on first use. The thread count
// is part of every key: oneDNN sizes its work split when the primitive is created.
Prim cached(const std::string &key, const std::function<Prim()> &make) {
  static std::mutex mu;
  static std::unordered_map<std::string, Prim> cache;
  std::string k = key + "|t" + std::to_string(omp_get_max_threads());
  {
    std::lock_guard<std::mutex> g(mu);
    auto it = cache.find(k);
    if (it != cache.end()) return it->second;
  }
  Prim p = make();
  std::lock_guard<std::mutex> g(mu);
  if (cache.size() > 4096) cache.clear();  // many shapes: start over rather than grow
  cache.emplace(k, p);
  return p;
}

std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

dnnl::algorithm eltwise(int act) {
  switch (act) {
    case kRelu:
      return dnnl::algorithm::eltwise_relu;
    case kTanh:
      return dnnl::algorithm::eltwise_tanh;
    case kSigmoid:
      return dnnl::algorithm::eltwise_logistic;
    default:
      return dnnl::algorithm::eltwise_gelu_erf;
  }
}

void run(const Prim &p, Pool &pool, std::unordered_map<int, memory> args) {
  Scratch s(pool, p.scratch.get_size());
  args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.scratch, engine(), s.ptr));
  p.p.execute(stream(), args);
}

// Serial runs a small primitive on the calling thread alone: a parallel region costs a
// wake-up and a join (milliseconds on a loaded VM), more than splitting tiny work saves.
// The team size is part of every cache key, so the primitive is made for one thread too.
class Serial {
 public:
  explicit Serial(bool on) : old_(on ? omp_get_max_threads() : 0) {
    if (on) omp_set_num_threads(1);
  }
  ~Serial() {
    if (old_ > 0) omp_set_num_threads(old_);
  }

 private:
  int old_;
};

}  // namespace

Team::Team(int n) : old_(omp_get_max_threads()) {
  int want = n > 0 ? n : lx::wanted_threads();
  if (want > 0 && old_ != want) omp_set_num_threads(want);
}

Team::~Team() {
  if (omp_get_max_threads() != old_) omp_set_num_threads(old_);
}

void linear(Ctx &c, const void *x, dt xt, int64_t M, int64_t K, int64_t ldx, const Weight &w,
            int64_t N, const float *bias, int act, const float *resid, void *y, dt yt) {
  const auto &wb = w.md.data.format_desc.blocking;
  if (M <= kOwnRowsF32 && xt == dt::f32 && yt == dt::f32 && w.md.data_type() == dt::f32 &&
      wb.strides[0] == N && wb.strides[1] == 1 && omp_get_max_threads() == 1 && skinny_available()) {
    skinny_linear(static_cast<const float *>(x), M, K, ldx, static_cast<const float *>(w.data), N,
                  bias, resid, static_cast<float *>(y));
    if (act != kNone) activate(c, static_cast<float *>(y), M * N, act);
    return;
  }
  std::unique_ptr<Scratch> xs;
  if (w.md.data_type() == dt::bf16 && xt == dt::f32) {  // bf16 weights take bf16 rows
    xs = std::make_unique<Scratch>(*c.pool, M * K * 2);
    to_bf16_rows(static_cast<const float *>(x), ldx, xs->ptr, M, K);
    x = xs->ptr, xt = dt::bf16, ldx = K;
  }
  if (M <= kOwnRowsBF16 && xt == dt::bf16 && omp_get_max_threads() == 1 &&
      skinny_bf16_available() && skinny_bf16_fits(w.md, K, N)) {
    // float32 out: straight into y; bf16 out (the FFN's intermediate): through a float32
    // scratch, activated, then converted.
    std::unique_ptr<Scratch> ys;
    float *yf = static_cast<float *>(y);
    if (yt != dt::f32) {
      ys = std::make_unique<Scratch>(*c.pool, M * N * 4);
      yf = static_cast<float *>(ys->ptr);
    }
    skinny_linear_bf16(x, M, K, ldx, w, N, bias, resid, yf);
    if (act != kNone) activate(c, yf, M * N, act);
    if (ys) to_bf16_rows(yf, N, y, M, N);
    return;
  }
  auto wfmt = w.md.data_type() == dt::bf16 ? std::string("p") : fmt("%ld", (long)w.md.data.format_desc.blocking.strides[0]);
  auto key = fmt("lin|%ld|%ld|%ld|%ld|%d|%d|%s|%d|%d|%d", (long)M, (long)K, (long)ldx, (long)N,
                 (int)xt, (int)yt, wfmt.c_str(), bias != nullptr, act, resid != nullptr);
  auto p = cached(key, [&] {
    memory::desc src({M, K}, xt, dims{ldx, 1}), dst({M, N}, yt, dims{N, 1});
    memory::desc bmd = bias != nullptr ? memory::desc({1, N}, dt::f32, dims{N, 1}) : memory::desc();
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::post_ops po;
    if (act != kNone) po.append_eltwise(1.f, eltwise(act), 0.f, 0.f);
    if (resid != nullptr) po.append_binary(dnnl::algorithm::binary_add, memory::desc({M, N}, dt::f32, dims{N, 1}));
    attr.set_post_ops(po);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, w.md, bmd, dst), attr, engine());
    return Prim{dnnl::matmul(pd), pd.scratchpad_desc()};
  });
  auto &e = engine();
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, memory({{M, K}, xt, dims{ldx, 1}}, e, const_cast<void *>(x))},
      {DNNL_ARG_WEIGHTS, memory(w.md, e, w.data)},
      {DNNL_ARG_DST, memory({{M, N}, yt, dims{N, 1}}, e, y)}};
  if (bias != nullptr)
    args.emplace(DNNL_ARG_BIAS, memory({{1, N}, dt::f32, dims{N, 1}}, e, const_cast<float *>(bias)));
  if (resid != nullptr)
    args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(act != kNone ? 1 : 0) | DNNL_ARG_SRC_1,
                 memory({{M, N}, dt::f32, dims{N, 1}}, e, const_cast<float *>(resid)));
  run(p, *c.pool, std::move(args));
}

void activate(Ctx &c, float *y, int64_t n, int act) {
  auto p = cached(fmt("act|%ld|%d", (long)n, act), [&] {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    memory::desc md({n}, dt::f32, memory::format_tag::a);
    dnnl::eltwise_forward::primitive_desc pd(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, eltwise(act), md, 0.f, 0.f),
        attr, engine());
    return Prim{dnnl::eltwise_forward(pd), pd.scratchpad_desc()};
  });
  memory m({{n}, dt::f32, memory::format_tag::a}, engine(), y);
  run(p, *c.pool, {{DNNL_ARG_SRC, m}, {DNNL_ARG_DST, m}});
}

void layer_norm(Ctx &c, float *x, int64_t M, int64_t N, const at::Tensor &g, const at::Tensor &b,
                float eps) {
  TORCH_CHECK(g.is_contiguous() && b.is_contiguous() && g.numel() == N && b.numel() == N &&
                  g.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat,
              "fast layer_norm: weight and bias must be contiguous float32 [", N, "]");
  Serial serial(M * N < (1 << 18));
  auto key = fmt("ln|%ld|%ld|%g", (long)M, (long)N, eps);
  memory::desc md({M, N}, dt::f32, memory::format_tag::ab);
  auto p = cached(key, [&] {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
    dnnl::layer_normalization_forward::primitive_desc pd(
        dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_inference, md, eps, flags),
        attr, engine());
    return Prim{dnnl::layer_normalization_forward(pd), pd.scratchpad_desc()};
  });
  auto &e = engine();
  memory::desc vd({N}, dt::f32, memory::format_tag::a);
  run(p, *c.pool,
      {{DNNL_ARG_SRC, memory(md, e, x)},
       {DNNL_ARG_DST, memory(md, e, x)},
       {DNNL_ARG_SCALE, memory(vd, e, g.data_ptr())},
       {DNNL_ARG_SHIFT, memory(vd, e, b.data_ptr())}});
}

void attention(Ctx &c, int64_t B, int64_t Lq, int64_t Lk, int64_t H, int heads, const float *q,
               int64_t ldq, const float *k, const float *v, int64_t ldk, const at::Tensor &mask,
               float *probs, float *ctx, int64_t ldc) {
  const int64_t hs = heads, dh = H / heads;
  const bool masked = mask.defined();
  Serial serial(B * hs * Lq * Lk * dh < (1 << 20));
  if (masked)
    TORCH_CHECK(mask.scalar_type() == at::kFloat && mask.is_contiguous() && mask.dim() == 4 &&
                    mask.size(0) == B && mask.size(1) == 1 && mask.size(2) == 1 && mask.size(3) == Lk,
                "fast attention: the extended mask must be float32 [", B, ", 1, 1, ", Lk,
                "], got ", mask.sizes());
  memory::desc qd({B, hs, Lq, dh}, dt::f32, dims{Lq * ldq, dh, ldq, 1});
  memory::desc kd({B, hs, dh, Lk}, dt::f32, dims{Lk * ldk, dh, 1, ldk});
  memory::desc sd({B, hs, Lq, Lk}, dt::f32, memory::format_tag::abcd);
  memory::desc md({B, 1, 1, Lk}, dt::f32, memory::format_tag::abcd);
  memory::desc vd({B, hs, Lk, dh}, dt::f32, dims{Lk * ldk, dh, ldk, 1});
  memory::desc cd({B, hs, Lq, dh}, dt::f32, dims{Lq * ldc, dh, ldc, 1});
  auto shape = fmt("%ld|%ld|%ld|%ld|%ld|%ld|%ld|%ld", (long)B, (long)hs, (long)Lq, (long)Lk,
                   (long)dh, (long)ldq, (long)ldk, (long)ldc);
  // HF divides by sqrt(head size); a power-of-two head size makes the product exact too.
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(dh)));
  auto scores = cached("att.s|" + shape + (masked ? "|m" : ""), [&] {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    attr.set_output_scales(0, {scale});
    if (masked) {
      dnnl::post_ops po;
      po.append_binary(dnnl::algorithm::binary_add, md);
      attr.set_post_ops(po);
    }
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(qd, kd, sd), attr, engine());
    return Prim{dnnl::matmul(pd), pd.scratchpad_desc()};
  });
  auto soft = cached("att.p|" + shape, [&] {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::softmax_forward::primitive_desc pd(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, sd, 3), attr, engine());
    return Prim{dnnl::softmax_forward(pd), pd.scratchpad_desc()};
  });
  auto mix = cached("att.c|" + shape, [&] {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(sd, vd, cd), attr, engine());
    return Prim{dnnl::matmul(pd), pd.scratchpad_desc()};
  });
  auto &e = engine();
  memory sm(sd, e, probs);
  std::unordered_map<int, memory> a1{{DNNL_ARG_SRC, memory(qd, e, const_cast<float *>(q))},
                                     {DNNL_ARG_WEIGHTS, memory(kd, e, const_cast<float *>(k))},
                                     {DNNL_ARG_DST, sm}};
  if (masked)
    a1.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, memory(md, e, mask.data_ptr()));
  run(scores, *c.pool, std::move(a1));
  run(soft, *c.pool, {{DNNL_ARG_SRC, sm}, {DNNL_ARG_DST, sm}});
  run(mix, *c.pool,
      {{DNNL_ARG_SRC, sm},
       {DNNL_ARG_WEIGHTS, memory(vd, e, const_cast<float *>(v))},
       {DNNL_ARG_DST, memory(cd, e, ctx)}});
}

}  // namespace lx::fast
