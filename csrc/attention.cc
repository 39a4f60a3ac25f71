// Fused attention layers: HF's LxmertAttention + LxmertAttentionOutput in one call, and the
// X-layer's shared cross-attention for both directions in one call. Plain ATen ops in the same
// order as the reference, so autograd runs through them and numbers match PyTorch eager.
#include <cmath>
#include <limits>

#include "common.h"

namespace {

// [B, L, H] -> [B, heads, L, H/heads]
at::Tensor split_heads(const at::Tensor &x, int heads) {
  auto b = x.size(0), l = x.size(1), h = x.size(2);
  return x.view({b, l, heads, h / heads}).permute({0, 2, 1, 3});
}

void check(const lx_attn_layer *w, const at::Tensor &hidden, const at::Tensor &context) {
  TORCH_CHECK(w != nullptr, "attention: nil weights");
  TORCH_CHECK(hidden.dim() == 3 && context.dim() == 3, "attention: inputs must be [batch, len, ",
              "hidden], got ", hidden.sizes(), " and ", context.sizes());
  TORCH_CHECK(hidden.size(0) == context.size(0), "attention: batch ", hidden.size(0),
              " != context batch ", context.size(0));
  TORCH_CHECK(w->heads > 0 && hidden.size(2) % w->heads == 0, "attention: hidden size ",
              hidden.size(2), " is not a multiple of ", w->heads, " heads");
}

// Returns the layer output; probs receives the attention probabilities when asked.
at::Tensor attention_layer(const lx_attn_layer *w, bool train, const at::Tensor &hidden,
                           const at::Tensor &context, const at::Tensor &mask, at::Tensor *probs) {
  check(w, hidden, context);
  const int heads = w->heads;
  const int64_t head_dim = hidden.size(2) / heads;
  auto q = split_heads(at::linear(hidden, lx::T(w->qw), lx::opt(w->qb)), heads);
  auto k = split_heads(at::linear(context, lx::T(w->kw), lx::opt(w->kb)), heads);
  auto v = split_heads(at::linear(context, lx::T(w->vw), lx::opt(w->vb)), heads);
  auto scores = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(head_dim));
  if (mask.defined()) scores = scores + mask;
  // HF returns the probabilities after dropout; in eval mode dropout is the identity.
  auto p = at::dropout(at::softmax(scores, -1), w->attn_dropout, train);
  if (probs != nullptr) *probs = p;
  auto ctx = at::matmul(p, v).permute({0, 2, 1, 3}).contiguous();
  ctx = ctx.view({hidden.size(0), hidden.size(1), hidden.size(2)});
  auto out = at::dropout(at::linear(ctx, lx::T(w->ow), lx::opt(w->ob)), w->hidden_dropout, train);
  return at::layer_norm(out + hidden, {hidden.size(2)}, lx::opt(w->lnw), lx::opt(w->lnb), w->eps);
}

}  // namespace

extern "C" {

lx_err lx_extend_mask(lx_tensor mask, lx_tensor *out) {
  LX_TRY
  at::NoGradGuard ng;
  const auto &m = lx::T(mask);
  TORCH_CHECK(m.dim() == 2, "attention mask must be [batch, len], got ", m.sizes());
  auto ext = m.unsqueeze(1).unsqueeze(2).to(at::kFloat);
  *out = lx::wrap((1.0 - ext) * std::numeric_limits<float>::lowest());
  LX_END
}

lx_err lx_attention_layer(int grad, int train, const lx_attn_layer *w, lx_tensor hidden,
                          lx_tensor context, lx_tensor mask, lx_tensor *out, lx_tensor *probs) {
  LX_TRY
  LX_GRAD(grad);
  at::Tensor p;
  auto r = attention_layer(w, train != 0, lx::T(hidden), lx::T(context), lx::opt(mask),
                           probs != nullptr ? &p : nullptr);
  *out = lx::wrap(r);
  if (probs != nullptr) *probs = lx::wrap(p);
  LX_END
}

lx_err lx_cross_attention_layer(int grad, int train, const lx_attn_layer *w, lx_tensor lang,
                                lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                                lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *lang_probs) {
  LX_TRY
  LX_GRAD(grad);
  const auto &l = lx::T(lang);
  const auto &v = lx::T(visn);
  at::Tensor p;
  auto lo = attention_layer(w, train != 0, l, v, lx::opt(visn_mask),
                            lang_probs != nullptr ? &p : nullptr);
  auto vo = attention_layer(w, train != 0, v, l, lx::opt(lang_mask), nullptr);
  *lang_out = lx::wrap(lo);
  *visn_out = lx::wrap(vo);
  if (lang_probs != nullptr) *lang_probs = lx::wrap(p);
  LX_END
}

}  // extern "C"
