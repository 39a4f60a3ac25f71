// float32 linear layers through oneDNN's classic JIT sgemm (dnnl_sgemm), then one pass for
// the epilogue. For a weight stored densely, oneDNN's matmul primitive only offers its brgemm
// kernels, which at LXMERT's FFN shapes run well below the sgemm ones (one thread, oneDNN
// 2.6.3, weights streamed from memory): 1,152 rows × 768 → 3,072 at 78-84 GFLOP/s against
// 108; 3,072 → 768 at 101-105 against 109; 768 → 768 at 106-111 against 111. On two threads
// the sgemm kernels lead at 3,072 columns (196-214 against 162-169 GFLOP/s) and at 3,072
// deep (210 against 199), and trail slightly at 768 → 768 (208-216 against 218-220): there
// the matmul primitive stays.
#include <oneapi/dnnl/dnnl.h>

#include "fast_prim.h"

namespace lx::fast {

using dnnl::memory;

namespace {

// sgemm_wins says where the sgemm kernels are the faster (see above).
bool sgemm_wins(int64_t K, int64_t N) { return N >= 2048 || K >= 2048 || omp_get_max_threads() == 1; }

// epilogue is y = act(y + bias) + resid in one oneDNN binary pass, in place.
void epilogue(Ctx &c, float *y, int64_t M, int64_t N, const float *bias, int act, const float *resid) {
  auto p = cached(fmt("sgemm-epi|%ld|%ld|%d|%d", (long)M, (long)N, act, resid != nullptr), [&] {
    memory::desc ymd({M, N}, dt::f32, dims{N, 1}), bmd({1, N}, dt::f32, dims{N, 1});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::post_ops po;
    if (act != kNone) po.append_eltwise(1.f, eltwise(act), 0.f, 0.f);
    if (resid != nullptr) po.append_binary(dnnl::algorithm::binary_add, ymd);
    attr.set_post_ops(po);
    dnnl::binary::primitive_desc pd(dnnl::binary::desc(dnnl::algorithm::binary_add, ymd, bmd, ymd), attr, engine());
    return Prim{dnnl::binary(pd), pd.scratchpad_desc()};
  });
  auto &e = engine();
  memory ym({{M, N}, dt::f32, dims{N, 1}}, e, y);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC_0, ym}, {DNNL_ARG_DST, ym},
      {DNNL_ARG_SRC_1, memory({{1, N}, dt::f32, dims{N, 1}}, e, const_cast<float *>(bias))}};
  if (resid != nullptr)
    args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(act != kNone ? 1 : 0) | DNNL_ARG_SRC_1,
                 memory({{M, N}, dt::f32, dims{N, 1}}, e, const_cast<float *>(resid)));
  run(p, *c.pool, std::move(args));
}

}  // namespace

bool sgemm_linear(Ctx &c, const float *x, int64_t M, int64_t K, int64_t ldx, const Weight &w, int64_t N,
                  const float *bias, int act, const float *resid, float *y) {
  const auto &wb = w.md.data.format_desc.blocking;
  if (M == 0 || K == 0 || N == 0 || bias == nullptr || w.md.data_type() != dt::f32 || w.md.data.format_kind != dnnl_blocked ||
      wb.inner_nblks != 0 || wb.strides[0] != N || wb.strides[1] != 1 || !sgemm_wins(K, N))
    return false;
  const dnnl_status_t st = dnnl_sgemm('N', 'N', M, N, K, 1.f, x, ldx, static_cast<const float *>(w.data), N,
                                      0.f, y, N);
  TORCH_CHECK(st == dnnl_success, "fast linear: dnnl_sgemm failed with status ", static_cast<int>(st),
              " (", M, "x", K, " by ", K, "x", N, ")");
  epilogue(c, y, M, N, bias, act, resid);
  return true;
}

}  // namespace lx::fast
