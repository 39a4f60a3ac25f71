// Elementwise ops, reductions, softmax, top-k and comparison helpers.
#include "common.h"

namespace {

at::Tensor binary(int op, const at::Tensor &a, const at::Tensor &b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
  }
  throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

at::Tensor scalar(int op, const at::Tensor &a, double s) {
  switch (op) {
    case 0: return a + s;
    case 1: return a - s;
    case 2: return a * s;
    case 3: return a / s;
  }
  throw std::invalid_argument("unknown scalar op " + std::to_string(op));
}

at::Tensor unary(int op, const at::Tensor &a) {
  switch (op) {
    case 0: return at::tanh(a);
    case 1: return at::gelu(a);  // exact erf form, as HF's "gelu"
    case 2: return at::relu(a);
    case 3: return at::sigmoid(a);
    case 4: return at::neg(a);
    case 5: return at::exp(a);
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

}  // namespace

extern "C" {

lx_err lx_binary(int grad, int op, lx_tensor a, lx_tensor b, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(binary(op, lx::T(a), lx::T(b)));
  LX_END
}

lx_err lx_scalar(int grad, int op, lx_tensor a, double s, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(scalar(op, lx::T(a), s));
  LX_END
}

lx_err lx_unary(int grad, int op, lx_tensor a, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  *out = lx::wrap(unary(op, lx::T(a)));
  LX_END
}

lx_err lx_reduce(int grad, int op, lx_tensor a, int dim, int all, int keepdim, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  const auto &x = lx::T(a);
  at::Tensor r;
  if (op == 0) {
    r = all ? x.mean() : x.mean(dim, keepdim != 0);
  } else if (op == 1) {
    r = all ? x.sum() : x.sum(dim, keepdim != 0);
  } else {
    throw std::invalid_argument("unknown reduction op " + std::to_string(op));
  }
  *out = lx::wrap(r);
  LX_END
}

lx_err lx_softmax(int grad, lx_tensor a, int dim, int log, lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  const auto &x = lx::T(a);
  *out = lx::wrap(log ? at::log_softmax(x, dim) : at::softmax(x, dim));
  LX_END
}

lx_err lx_topk(lx_tensor a, int64_t k, int dim, lx_tensor *values, lx_tensor *indices) {
  LX_TRY
  at::NoGradGuard ng;
  auto r = at::topk(lx::T(a), k, dim);
  *values = lx::wrap(std::get<0>(r));
  *indices = lx::wrap(std::get<1>(r));
  LX_END
}

lx_err lx_argmax(lx_tensor a, int dim, lx_tensor *out) {
  LX_TRY
  at::NoGradGuard ng;
  *out = lx::wrap(at::argmax(lx::T(a), dim));
  LX_END
}

lx_err lx_allclose(lx_tensor a, lx_tensor b, double rtol, double atol, int *result) {
  LX_TRY
  at::NoGradGuard ng;
  *result = at::allclose(lx::T(a), lx::T(b), rtol, atol) ? 1 : 0;
  LX_END
}

lx_err lx_max_abs_diff(lx_tensor a, lx_tensor b, double *result) {
  LX_TRY
  at::NoGradGuard ng;
  auto d = (lx::T(a).to(at::kDouble) - lx::T(b).to(at::kDouble)).abs();
  *result = d.numel() == 0 ? 0.0 : d.max().item<double>();
  LX_END
}

}  // extern "C"
