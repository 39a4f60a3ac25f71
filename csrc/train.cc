// Training primitives: backward, gradient access, clipping and AdamW, each the same ATen
// calls (in the same order) as PyTorch 1.13's Python code, so steps match torch bit for bit
// on the same BLAS kernel. Optimizer loops run in C++: one cgo call per step, not per tensor.
#include <ATen/core/Generator.h>
#include <ATen/CPUGeneratorImpl.h>

#include <vector>

#include "common.h"

namespace {

std::vector<at::Tensor> tensors(const lx_tensor *ts, int n) {
  TORCH_CHECK(n >= 0 && (n == 0 || ts != nullptr), "tensor list: bad length ", n);
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (int i = 0; i < n; i++) out.push_back(lx::T(ts[i]));
  return out;
}

// torch.norm(t, 2) as Python 1.13 calls it: _VF.norm over an explicit list of every dim.
at::Tensor norm2(const at::Tensor &t) {
  std::vector<int64_t> dims(t.dim());
  for (int64_t i = 0; i < t.dim(); i++) dims[i] = i;
  return at::norm(t, 2.0, dims, false);
}

}  // namespace

extern "C" {

lx_err lx_backward(lx_tensor loss) {
  LX_TRY
  const auto &l = lx::T(loss);
  TORCH_CHECK(l.numel() == 1, "backward: the loss must have one element, got shape ", l.sizes());
  TORCH_CHECK(l.requires_grad(), "backward: the loss records no graph (eval scope, or no "
              "parameter requires gradients)");
  l.backward();
  LX_END
}

lx_err lx_grad(lx_tensor t, lx_tensor *out) {
  LX_TRY
  const auto &g = lx::T(t).grad();
  *out = g.defined() ? lx::wrap(g) : nullptr;
  LX_END
}

lx_err lx_zero_grad(const lx_tensor *ts, int n) {
  LX_TRY
  for (auto &t : tensors(ts, n)) t.mutable_grad().reset();  // set_to_none, as zero_grad does
  LX_END
}

lx_err lx_clip_grad_norm(const lx_tensor *ts, int n, double max_norm, double *total) {
  LX_TRY
  at::NoGradGuard ng;
  std::vector<at::Tensor> grads, norms;
  for (auto &p : tensors(ts, n))
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) {
    *total = 0;
    return nullptr;
  }
  for (auto &g : grads) norms.push_back(norm2(g.detach()));
  auto total_norm = norm2(at::stack(norms));
  // Python's `max_norm / tensor` is tensor.reciprocal() * max_norm.
  auto coef = at::clamp((total_norm + 1e-6).reciprocal() * max_norm, c10::nullopt, 1.0);
  for (auto &g : grads) g.detach().mul_(coef);
  *total = total_norm.item<double>();
  LX_END
}

lx_err lx_adamw_step(const lx_tensor *params, const lx_tensor *exp_avg, const lx_tensor *exp_avg_sq,
                     const double *steps, int n, double lr, double beta1, double beta2, double eps,
                     double weight_decay) {
  LX_TRY
  at::NoGradGuard ng;
  auto ps = tensors(params, n), m = tensors(exp_avg, n), v = tensors(exp_avg_sq, n);
  for (int i = 0; i < n; i++) {
    auto &p = ps[i];
    const auto &grad = p.grad();
    if (!grad.defined()) continue;  // torch skips parameters without a gradient
    const double step = steps[i];
    p.mul_(1 - lr * weight_decay);
    m[i].mul_(beta1).add_(grad, 1 - beta1);
    v[i].mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double step_size = lr / bias_correction1;
    auto denom = (v[i].sqrt() / std::sqrt(bias_correction2)).add_(eps);
    p.addcdiv_(m[i], denom, -step_size);
  }
  LX_END
}

lx_err lx_has_grad(lx_tensor t, int *out) {
  LX_TRY
  *out = lx::T(t).grad().defined() ? 1 : 0;
  LX_END
}

lx_err lx_bce_with_logits(int grad, lx_tensor logits, lx_tensor target, int reduction,
                          lx_tensor *out) {
  LX_TRY
  LX_GRAD(grad);
  TORCH_CHECK(reduction >= 0 && reduction <= 2, "bce_with_logits: unknown reduction ", reduction);
  *out = lx::wrap(at::binary_cross_entropy_with_logits(lx::T(logits), lx::T(target), {}, {},
                                                       reduction));
  LX_END
}

lx_err lx_get_rng_state(lx_tensor *out) {
  LX_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  *out = lx::wrap(gen.get_state());
  LX_END
}

lx_err lx_set_rng_state(lx_tensor state) {
  LX_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(lx::T(state));
  LX_END
}

}  // extern "C"
