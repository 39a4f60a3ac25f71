// LayerNorm and the attention core of the fast path, on oneDNN primitives.
#include <cmath>

#include "fast_prim.h"

namespace lx::fast {

using dnnl::memory;

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
