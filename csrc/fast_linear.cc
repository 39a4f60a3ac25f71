// The linear layers of the fast path: our own kernels for few rows on one thread
// (csrc/fast_skinny*.cc), oneDNN matmuls with fused epilogues otherwise; int8 weights always
// run in our own kernels (csrc/fast_skinny_int8.cc).
#include "fast_prim.h"

namespace lx::fast {

using dnnl::memory;

namespace {

// Up to this many rows, a single-threaded GEMM runs in our own kernels (csrc/fast_skinny*.cc):
// they stream the weight faster than oneDNN's at few rows (65 -> 90-100 GFLOP/s in float32 at
// 20 rows). From batch 8's 160 language rows on, oneDNN's sgemm kernels (csrc/fast_sgemm.cc)
// are the faster in float32: batch 8 at 2 threads, the limit at 320 and at 150 alternated, 400-410
// -> 394-404 ms in six pairs out of six; batch 4 (80 and 144 rows) gained nothing from them. In
// bf16, oneDNN was as fast or faster above 192 rows.
constexpr int64_t kOwnRowsF32 = 150, kOwnRowsBF16 = 192;
}  // namespace

void linear(Ctx &c, const void *x, dt xt, int64_t M, int64_t K, int64_t ldx, const Weight &w,
            int64_t N, const float *bias, int act, const float *resid, void *y, dt yt) {
  if (resid != nullptr && act != kNone) {  // the residual comes after the activation, and
    // our kernels add it before: a separate pass (no layer asks for both; the API allows it)
    TORCH_CHECK(yt == dt::f32, "fast linear: a residual needs float32 output");
    linear(c, x, xt, M, K, ldx, w, N, bias, act, nullptr, y, yt);
    auto *yf = static_cast<float *>(y);
    for (int64_t i = 0; i < M * N; i++) yf[i] += resid[i];
    return;
  }
  if (w.s8()) {  // int8 weights take quantized rows: every row count, our own kernels
    TORCH_CHECK(xt == dt::f32 && yt == dt::f32, "fast int8 linear: float32 rows in and out only");
    const int64_t Kp = q8_depth(K);
    Scratch qs(*c.pool, M * Kp + M * 4 + 64);
    auto *q = static_cast<uint8_t *>(qs.ptr);
    auto *sc = reinterpret_cast<float *>(q + (M * Kp + 63) / 64 * 64);
    quantize_rows(static_cast<const float *>(x), ldx, M, K, q, sc);
    linear_int8(c, QRows{q, sc, Kp}, M, K, w, N, bias, act, resid, static_cast<float *>(y));
    return;
  }
  const auto &wb = w.md.data.format_desc.blocking;
  if (M <= kOwnRowsF32 && xt == dt::f32 && yt == dt::f32 && w.md.data_type() == dt::f32 &&
      wb.strides[0] == N && wb.strides[1] == 1 && omp_get_max_threads() == 1 && skinny_available()) {
    skinny_linear(static_cast<const float *>(x), M, K, ldx, static_cast<const float *>(w.data), N, N,
                  bias, resid, N, static_cast<float *>(y), N);
    if (act != kNone) activate(c, static_cast<float *>(y), M * N, act);
    return;
  }
  if (xt == dt::f32 && yt == dt::f32 &&
      sgemm_linear(c, static_cast<const float *>(x), M, K, ldx, w, N, bias, act, resid, static_cast<float *>(y)))
    return;
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
    skinny_linear_bf16(x, M, K, ldx, w, 0, 0, N, bias, resid, N, yf, N);
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

bool linear_part_fits(dt xt, const Weight &w, int64_t K, int64_t N, int64_t k0, int64_t kc,
                      int64_t n0, int64_t nc) {
  (void)nc;
  const auto &wb = w.md.data.format_desc.blocking;
  if (w.md.data_type() == dt::f32 && xt == dt::f32)
    return skinny_available() && w.md.data.format_kind == dnnl_blocked && wb.inner_nblks == 0 &&
           wb.strides[0] == N && wb.strides[1] == 1;
  if (w.md.data_type() == dt::bf16 && xt == dt::bf16)
    return skinny_bf16_available() && skinny_bf16_fits(w.md, K, N) && k0 % 2 == 0 && kc % 2 == 0 &&
           n0 % 64 == 0;
  return false;
}

bool linear_part(const void *x, dt xt, int64_t M, int64_t ldx, const Weight &w, int64_t K,
                 int64_t N, int64_t k0, int64_t kc, int64_t n0, int64_t nc, const float *bias,
                 const float *resid, int64_t ldr, float *y, int64_t ldy) {
  if (!linear_part_fits(xt, w, K, N, k0, kc, n0, nc)) return false;
  if (xt == dt::f32)
    skinny_linear(static_cast<const float *>(x), M, kc, ldx, static_cast<const float *>(w.data) + k0 * N + n0,
                  N, nc, bias != nullptr ? bias + n0 : nullptr, resid, ldr, y, ldy);
  else
    skinny_linear_bf16(x, M, kc, ldx, w, k0, n0, nc, bias != nullptr ? bias + n0 : nullptr, resid, ldr, y, ldy);
  return true;
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
}  // namespace lx::fast
