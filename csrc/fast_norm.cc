// LayerNorm outside the layers (embeddings, visual feature encoder, heads) on the fast path:
// oneDNN's, with the team size of the call, into a buffer from the model's pool. ATen's
// runs on the process's thread setting, and on a two-branch forward every such parallel
// region left an OpenMP worker spinning (~50 ms of CPU per batch-1 forward) on the core the
// branches need.
#include "fast_blocks.h"

using namespace lx::fast;

extern "C" {

lx_err lx_fast_layer_norm(lx_fast_ctx cp, int threads, lx_tensor xt, lx_tensor w, lx_tensor b,
                          double eps, lx_tensor *out) {
  LX_TRY
  auto &c = ctx_of(cp);
  TORCH_CHECK(threads >= 0, "fast layer norm: negative thread count ", threads);
  Team team(threads);
  const auto &x0 = lx::T(xt);
  TORCH_CHECK(x0.dim() >= 1 && x0.scalar_type() == at::kFloat,
              "fast layer norm: input must be float32 [..., features], got ", x0.sizes(), " ",
              x0.scalar_type());
  auto x = x0.contiguous();
  const int64_t N = x.size(-1), M = N > 0 ? x.numel() / N : 0;
  auto y = c.pool->tensor(x.sizes(), at::kFloat);
  if (M > 0 && N > 0) {
    std::memcpy(y.data_ptr(), x.data_ptr(), x.numel() * 4);
    layer_norm(c, y.data_ptr<float>(), M, N, lx::T(w), lx::T(b), static_cast<float>(eps));
  }
  *out = lx::wrap(y);
  LX_END
}

}  // extern "C"
