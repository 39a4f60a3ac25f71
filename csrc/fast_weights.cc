// Weights as the fast path reads them: float32 in place (no copy), or a packed bfloat16 or
// int8 copy made on first use and made again when the source tensor changes. Linear weights
// are stored transposed (see lx_relayout_linear), which oneDNN reads as fast as its own
// packed format.
#include "fast.h"
#include "load_copy.h"

namespace lx::fast {

using dnnl::memory;

namespace {

// The [out, in] weight as the K×N right-hand matrix of x·Wᵀ, in its own memory.
memory::desc f32_desc(const at::Tensor &w) {
  const int64_t n = w.size(0), k = w.size(1);
  if (w.stride(0) == 1 && w.stride(1) == n) return memory::desc({k, n}, dt::f32, dims{n, 1});
  return memory::desc({k, n}, dt::f32, dims{1, k});  // row-major [out, in]
}

void check(const at::Tensor &w) {
  TORCH_CHECK(w.defined() && w.dim() == 2 && w.scalar_type() == at::kFloat,
              "fast linear: weight must be a float32 matrix, got ",
              w.defined() ? w.sizes() : at::IntArrayRef{});
}

bool plain(const at::Tensor &w) {
  return w.is_contiguous() || (w.stride(0) == 1 && w.stride(1) == w.size(0));
}

// The packed bf16 layout oneDNN picks for K×N weights (independent of the row count).
memory::desc packed_desc(int64_t k, int64_t n) {
  memory::desc src({64, k}, dt::bf16, memory::format_tag::ab);
  memory::desc wei({k, n}, dt::bf16, memory::format_tag::any);
  memory::desc dst({64, n}, dt::f32, memory::format_tag::ab);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), engine());
  return pd.weights_desc();
}

}  // namespace

// The int8 pack of the [out, in] weight w (csrc/fast_quant.cc), read as K×N.
static Weight int8_weight(const at::Tensor &w) {
  const int64_t n = w.size(0), k = w.size(1);
  auto kn = w.t().contiguous();  // no copy when w is stored transposed
  auto buf = pack_int8(kn.data_ptr<float>(), k, n);
  const int64_t P = (n + 63) / 64, wbytes = P * (q8_depth(k) / 4) * 256;
  auto *scale = reinterpret_cast<const float *>(buf.data_ptr<uint8_t>() + wbytes);
  return Weight{memory::desc({k, n}, dt::s8, memory::format_tag::ab), buf.data_ptr(), buf, scale,
                reinterpret_cast<const int32_t *>(scale + P * 64)};
}

Weight Ctx::weight(const at::Tensor &w0, Prec prec) {
  check(w0);
  at::Tensor w = plain(w0) ? w0 : w0.contiguous();
  if (prec == kF32) return Weight{f32_desc(w), w.data_ptr(), w};
  std::lock_guard<std::mutex> g(mu_);
  // One cache for both copies: a TensorImpl is at least 8-byte aligned, so its address with
  // the precision in the low bits keys the bf16 and the int8 copy of a weight apart.
  const void *key = reinterpret_cast<const char *>(w0.unsafeGetTensorImpl()) + prec;
  auto it = packed_.find(key);
  const uint32_t version = w0._version();
  if (it != packed_.end() && !it->second.impl.expired() && it->second.src == w0.data_ptr() &&
      it->second.version == version &&
      it->second.w.md.dims() == dims{w.size(1), w.size(0)})
    return it->second.w;
  Weight out;
  if (prec == kInt8) {
    out = int8_weight(w);
  } else {
    auto md = packed_desc(w.size(1), w.size(0));
    auto buf = at::empty({static_cast<int64_t>(md.get_size())}, at::kByte);
    auto &e = engine();
    memory from(f32_desc(w), e, w.data_ptr()), to(md, e, buf.data_ptr());
    dnnl::stream s(e);
    dnnl::reorder(from, to).execute(s, from, to);
    s.wait();
    out = Weight{md, buf.data_ptr(), buf};
  }
  for (auto e = packed_.begin(); e != packed_.end();)  // drop the copies of dead weights
    e = e->second.impl.expired() ? packed_.erase(e) : std::next(e);
  packed_.erase(key);
  packed_.emplace(key, Packed{c10::weak_intrusive_ptr<c10::TensorImpl>(w0.getIntrusivePtr()),
                              w0.data_ptr(), version, out});
  return out;
}

}  // namespace lx::fast

extern "C" {

// lx_relayout_linear stores an [out, in] weight transposed in memory (strides 1, out) so that
// oneDNN's GEMM reads it without repacking; values, shape and autograd leaf status are kept.
// The handle's tensor is replaced in place, so every holder of the handle sees the new one.
lx_err lx_from_blob_linear(const float *data, int64_t n, int64_t k, lx_tensor *out) {
  LX_TRY
  TORCH_CHECK(n >= 0 && k >= 0, "linear weight: negative shape [", n, ", ", k, "]");
  auto w = at::empty_strided({n, k}, {1, std::max<int64_t>(n, 1)}, at::kFloat);
  lx::prefault(w.data_ptr(), static_cast<size_t>(w.nbytes()));
  lx::transpose(data, w.data_ptr<float>(), n, k);
  *out = lx::wrap(w);
  LX_END
}

lx_err lx_relayout_linear(lx_tensor t, int copy) {
  LX_TRY
  at::NoGradGuard ng;
  TORCH_CHECK(t != nullptr, "relayout: nil tensor handle");
  auto &w = *static_cast<at::Tensor *>(t);
  TORCH_CHECK(w.dim() == 2, "relayout: a linear weight is a matrix, got ", w.sizes());
  const int64_t n = w.size(0), k = w.size(1);
  if (w.stride(0) == 1 && w.stride(1) == n) return nullptr;
  auto moved = at::empty_strided({n, k}, {1, n}, w.options());
  if (copy != 0 && w.scalar_type() == at::kFloat) {
    auto src = w.contiguous();
    lx::prefault(moved.data_ptr(), static_cast<size_t>(moved.nbytes()));
    lx::transpose(src.data_ptr<float>(), moved.data_ptr<float>(), n, k);
  } else if (copy != 0) {
    moved.copy_(w);
  }
  moved.requires_grad_(w.requires_grad());
  w = moved;
  LX_END
}

}  // extern "C"
