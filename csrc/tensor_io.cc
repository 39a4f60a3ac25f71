// Creation, host copies and metadata: bulk copies in one call, never per element.
#include "common.h"

extern "C" {

lx_err lx_from_blob(const void *data, int dtype, const int64_t *shape, int ndim, lx_tensor *out) {
  LX_TRY
  auto opts = at::TensorOptions().dtype(lx::dtype_of(dtype));
  at::IntArrayRef dims(shape, ndim);
  auto t = at::empty(dims, opts);
  if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
  *out = lx::wrap(t);
  LX_END
}

lx_err lx_copy_to(lx_tensor t, int dtype, void *dst, int64_t nbytes) {
  LX_TRY
  at::NoGradGuard ng;
  auto c = lx::T(t).detach().to(lx::dtype_of(dtype)).contiguous();
  int64_t need = c.numel() * c.element_size();
  TORCH_CHECK(need == nbytes, "copy to host: tensor holds ", need, " bytes, buffer has ", nbytes);
  if (need > 0) std::memcpy(dst, c.data_ptr(), need);
  LX_END
}

lx_err lx_shape(lx_tensor t, int64_t *dims, int cap, int *ndim) {
  LX_TRY
  const auto &x = lx::T(t);
  TORCH_CHECK(x.dim() <= cap, "tensor has ", x.dim(), " dims, more than ", cap);
  *ndim = static_cast<int>(x.dim());
  for (int i = 0; i < x.dim(); i++) dims[i] = x.size(i);
  LX_END
}

lx_err lx_dtype(lx_tensor t, int *dtype) {
  LX_TRY
  *dtype = static_cast<int>(lx::T(t).scalar_type());
  LX_END
}

lx_err lx_numel(lx_tensor t, int64_t *n) {
  LX_TRY
  *n = lx::T(t).numel();
  LX_END
}

lx_err lx_empty(const int64_t *shape, int ndim, int dtype, lx_tensor *out) {
  LX_TRY
  *out = lx::wrap(at::empty(at::IntArrayRef(shape, ndim),
                            at::TensorOptions().dtype(lx::dtype_of(dtype))));
  LX_END
}

lx_err lx_full(const int64_t *shape, int ndim, int dtype, double value, lx_tensor *out) {
  LX_TRY
  *out = lx::wrap(at::full(at::IntArrayRef(shape, ndim), value,
                           at::TensorOptions().dtype(lx::dtype_of(dtype))));
  LX_END
}

lx_err lx_arange(int64_t n, int dtype, lx_tensor *out) {
  LX_TRY
  *out = lx::wrap(at::arange(n, at::TensorOptions().dtype(lx::dtype_of(dtype))));
  LX_END
}

lx_err lx_to_dtype(int grad, lx_tensor t, int dtype, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(t).to(lx::dtype_of(dtype)));
  LX_END
}

lx_err lx_clone(int grad, lx_tensor t, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(lx::T(t).clone());
  LX_END
}

lx_err lx_detach(lx_tensor t, lx_tensor *out) {
  LX_TRY
  *out = lx::wrap(lx::T(t).detach());
  LX_END
}

lx_err lx_requires_grad(lx_tensor t, int flag) {
  LX_TRY
  // requires_grad_ on a handle's tensor changes the shared TensorImpl, as in Python.
  static_cast<at::Tensor *>(t)->requires_grad_(flag != 0);
  LX_END
}

lx_err lx_get_requires_grad(lx_tensor t, int *flag) {
  LX_TRY
  *flag = lx::T(t).requires_grad() ? 1 : 0;
  LX_END
}

lx_err lx_copy_(lx_tensor dst, lx_tensor src) {
  LX_TRY
  at::NoGradGuard ng;
  const auto &d = lx::T(dst);
  const auto &s = lx::T(src);
  TORCH_CHECK(d.sizes() == s.sizes(), "copy: destination shape ", d.sizes(), " != source shape ",
              s.sizes());
  d.copy_(s);
  LX_END
}

lx_err lx_normal_(lx_tensor t, double mean, double std) {
  LX_TRY
  at::NoGradGuard ng;
  lx::T(t).normal_(mean, std);
  LX_END
}

lx_err lx_fill_(lx_tensor t, double value) {
  LX_TRY
  at::NoGradGuard ng;
  lx::T(t).fill_(value);
  LX_END
}

}  // extern "C"
