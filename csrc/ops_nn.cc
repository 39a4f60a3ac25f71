// Neural-network building blocks and losses, each the same ATen call PyTorch's functional API
// makes, so results match the Python reference bit for bit and autograd runs through them.
#include "common.h"

extern "C" {

lx_err lx_linear(int grad, lx_tensor x, lx_tensor w, lx_tensor b, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(at::linear(lx::T(x), lx::T(w), lx::opt(b)));
  LX_END
}

lx_err lx_matmul(int grad, lx_tensor a, lx_tensor b, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(at::matmul(lx::T(a), lx::T(b)));
  LX_END
}

lx_err lx_layer_norm(int grad, lx_tensor x, lx_tensor w, lx_tensor b, double eps, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  const auto &t = lx::T(x);
  TORCH_CHECK(t.dim() >= 1, "layer_norm: input must have at least one dimension");
  *out = lx::wrap(at::layer_norm(t, {t.size(-1)}, lx::opt(w), lx::opt(b), eps));
  LX_END
}

lx_err lx_embedding(int grad, lx_tensor weight, lx_tensor ids, int64_t padding_idx,
                    lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  const auto &i = lx::T(ids);
  TORCH_CHECK(i.scalar_type() == at::kLong || i.scalar_type() == at::kInt,
              "embedding: ids must be int64 or int32, got ", i.scalar_type());
  *out = lx::wrap(at::embedding(lx::T(weight), i, padding_idx));
  LX_END
}

lx_err lx_dropout(int grad, lx_tensor x, double p, int train, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(at::dropout(lx::T(x), p, train != 0));
  LX_END
}

lx_err lx_cross_entropy(int grad, lx_tensor logits, lx_tensor target, int64_t ignore_index,
                        int reduction, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  TORCH_CHECK(reduction >= 0 && reduction <= 2, "cross_entropy: unknown reduction ", reduction);
  *out = lx::wrap(at::cross_entropy_loss(lx::T(logits), lx::T(target), {}, reduction,
                                         ignore_index, 0.0));
  LX_END
}

lx_err lx_smooth_l1(int grad, lx_tensor a, lx_tensor b, int reduction, double beta,
                    lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  TORCH_CHECK(reduction >= 0 && reduction <= 2, "smooth_l1: unknown reduction ", reduction);
  *out = lx::wrap(at::smooth_l1_loss(lx::T(a), lx::T(b), reduction, beta));
  LX_END
}

}  // extern "C"
