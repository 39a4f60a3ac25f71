// Views, joins and selections.
#include <vector>

#include "common.h"

extern "C" {

lx_err lx_reshape(int grad, lx_tensor a, const int64_t *shape, int ndim, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).reshape(at::IntArrayRef(shape, ndim)));
  LX_END
}

lx_err lx_permute(int grad, lx_tensor a, const int64_t *dims, int ndim, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).permute(at::IntArrayRef(dims, ndim)));
  LX_END
}

lx_err lx_transpose(int grad, lx_tensor a, int d0, int d1, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).transpose(d0, d1));
  LX_END
}

lx_err lx_unsqueeze(int grad, lx_tensor a, int dim, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).unsqueeze(dim));
  LX_END
}

lx_err lx_contiguous(int grad, lx_tensor a, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).contiguous());
  LX_END
}

lx_err lx_cat(int grad, const lx_tensor *ts, int n, int dim, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) v.push_back(lx::T(ts[i]));
  *out = lx::wrap(at::cat(v, dim));
  LX_END
}

lx_err lx_narrow(int grad, lx_tensor a, int dim, int64_t start, int64_t length, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).narrow(dim, start, length));
  LX_END
}

lx_err lx_select(int grad, lx_tensor a, int dim, int64_t index, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).select(dim, index));
  LX_END
}

lx_err lx_index_select(int grad, lx_tensor a, int dim, lx_tensor index, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(at::index_select(lx::T(a), dim, lx::T(index)));
  LX_END
}

lx_err lx_masked_fill(int grad, lx_tensor a, lx_tensor mask, double value, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(a).masked_fill(lx::T(mask).to(at::kBool), value));
  LX_END
}

lx_err lx_where(int grad, lx_tensor cond, lx_tensor a, lx_tensor b, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(at::where(lx::T(cond).to(at::kBool), lx::T(a), lx::T(b)));
  LX_END
}

}  // extern "C"
