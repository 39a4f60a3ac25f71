// The inference fast path (eval, no autograd): oneDNN primitives on the tensors' own memory,
// created once per shape and reused, with GEMM epilogues (bias, activation, residual), and
// activation buffers recycled by a per-model pool. Internal to csrc/fast_*.cc.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace lx {
int wanted_threads();  // the process's intra-op thread setting (csrc/runtime.cc)
}

namespace lx::fast {

using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

// Epilogue of a linear layer, applied to x·Wᵀ + b before the result is stored.
enum Act { kNone = -1, kGelu = 0, kRelu = 1, kTanh = 2, kSigmoid = 3 };

// Pool hands out tensors whose storage returns to it when the tensor dies, so that the
// buffers of one forward serve the next (no page faults, no mmap churn). Sizes are rounded
// to eighths of a power of two so that nearby shapes share buffers. Thread-safe.
class Pool : public std::enable_shared_from_this<Pool> {
 public:
  explicit Pool(size_t cap) : cap_(cap) {}
  ~Pool();
  at::Tensor tensor(at::IntArrayRef sizes, at::ScalarType type);
  void *get(size_t bytes, size_t *rounded);
  void put(void *p, size_t rounded);
  void close();  // drop the cache; buffers still in use are freed when returned
  size_t cached() const { return cached_; }

 private:
  std::mutex mu_;
  std::unordered_multimap<size_t, void *> free_;
  size_t cached_ = 0, cap_;
  bool closed_ = false;
};

// Scratch is a pool buffer for the duration of one call.
struct Scratch {
  Scratch(Pool &p, size_t bytes) : pool(p) { ptr = p.get(bytes, &size); }
  ~Scratch() { pool.put(ptr, size); }
  Scratch(const Scratch &) = delete;
  Scratch &operator=(const Scratch &) = delete;
  Pool &pool;
  void *ptr;
  size_t size;
};

// Precision of a fast-path linear layer: float32, bfloat16 (inputs and weights, float32
// accumulation) or int8 dynamic quantization (s8 weights per output column, u8 activations
// per row, int32 accumulation).
enum Prec { kF32 = 0, kBF16 = 1, kInt8 = 2 };

// A weight as oneDNN reads it: f32 in the tensor's own memory (K×N "ab" when the [out,in]
// weight is stored transposed, "ba" when row-major) or a packed bf16 copy; or our packed s8
// copy (md s8 K×N, a tag only: see pack_int8 for the layout), with its per-column scales and
// zero-point corrections.
struct Weight {
  dnnl::memory::desc md;
  void *data;
  at::Tensor keep;               // what owns data
  const float *scale = nullptr;  // int8: max|w[:,n]|/127 per column (padded to 64)
  const int32_t *zsum = nullptr;  // int8: -128·Σ_k q[k,n] per column (padded to 64)
  bool s8() const { return scale != nullptr; }
};

// Ctx is one model's fast-path state: the pool and the bf16 / int8 copies of its weights,
// each rebuilt when its source tensor changes (a training step, a load).
class Ctx {
 public:
  Ctx() : pool(std::make_shared<Pool>(size_t(512) << 20)) {}
  ~Ctx();
  std::shared_ptr<Pool> pool;
  // Jobs on helper threads using this context (csrc/fast_stack.cc); freeing it waits for them.
  std::atomic<int> jobs{0};
  Weight weight(const at::Tensor &w, Prec p);

 private:
  // A packed copy is keyed by its source tensor's address; the weak reference tells a live
  // source from a dead one whose address (and data pointer, version 0) a new tensor reuses.
  struct Packed {
    c10::weak_intrusive_ptr<c10::TensorImpl> impl;
    const void *src;
    uint32_t version;
    Weight w;
  };
  std::mutex mu_;
  std::unordered_map<const void *, Packed> packed_;
};

// Precision of the linear layers of one call.
struct Cfg {
  int heads;
  int act;
  float eps;
  Prec prec;
  int threads;
};

dnnl::engine &engine();
// Team sets this OS thread's OpenMP team size to n (0: the process setting) for one call and
// restores it after, so that later ATen ops on the thread keep their own setting.
class Team {
 public:
  explicit Team(int n = 0);
  ~Team();
  Team(const Team &) = delete;
  Team &operator=(const Team &) = delete;

 private:
  int old_;
};

// y[M,N] = act(x[M,K]·Wᵀ + b) (+ resid[M,N]); x, y and resid are row-major with the given
// leading dimensions; x and y of type xt / yt (f32 or bf16).
void linear(Ctx &c, const void *x, dt xt, int64_t M, int64_t K, int64_t ldx, const Weight &w,
            int64_t N, const float *bias, int act, const float *resid, void *y, dt yt);
// sgemm_linear is linear for float32 rows, a dense float32 weight and a bias through oneDNN's
// sgemm kernels where they beat its matmul primitive (csrc/fast_sgemm.cc); false, with
// nothing done, elsewhere.
bool sgemm_linear(Ctx &c, const float *x, int64_t M, int64_t K, int64_t ldx, const Weight &w, int64_t N,
                  const float *bias, int act, const float *resid, float *y);
// skinny_linear is y[M,N] = x[M,K]·w[K,N] (+ bias[N]) (+ resid[M,N]) for few rows on one
// thread, w row-major with row stride ldw (a linear weight stored transposed, or a block of
// one), x, resid and y with row strides ldx, ldr and ldy. Needs AVX-512 (skinny_available).
bool skinny_available();
void skinny_linear(const float *x, int64_t M, int64_t K, int64_t ldx, const float *w, int64_t ldw,
                   int64_t N, const float *bias, const float *resid, int64_t ldr, float *y,
                   int64_t ldy);
// skinny_linear_bf16 is the same for bf16 rows x (row stride ldx) and the block of a packed
// bf16 weight from input row k0 (even) and output column n0 (a multiple of 64), when
// skinny_bf16_fits(w.md) (oneDNN's BA16a64b2a layout, even K) and the CPU has AVX512-BF16
// (skinny_bf16_available); bias starts at column n0.
bool skinny_bf16_available();
bool skinny_bf16_fits(const dnnl::memory::desc &w, int64_t K, int64_t N);
void skinny_linear_bf16(const void *x, int64_t M, int64_t K, int64_t ldx, const Weight &w,
                        int64_t k0, int64_t n0, int64_t N, const float *bias, const float *resid,
                        int64_t ldr, float *y, int64_t ldy);
// linear_part is one thread's block of a linear layer: y[M, nc] (row stride ldy) = x[M, kc]
// (row stride ldx) · the weight's input rows [k0, k0+kc) and output columns [n0, n0+nc)
// (+ bias[n0:n0+nc]) (+ resid, row stride ldr); x is f32 or bf16 as xt, y f32. False when
// our kernels cannot take it (no AVX-512, the weight's layout or type): nothing is computed.
bool linear_part_fits(dt xt, const Weight &w, int64_t K, int64_t N, int64_t k0, int64_t kc,
                      int64_t n0, int64_t nc);
bool linear_part(const void *x, dt xt, int64_t M, int64_t ldx, const Weight &w, int64_t K,
                 int64_t N, int64_t k0, int64_t kc, int64_t n0, int64_t nc, const float *bias,
                 const float *resid, int64_t ldr, float *y, int64_t ldy);
// QRows are activation rows quantized for int8 GEMMs: u8 = round(x/scale)+128, row stride ld
// (≥ K rounded up to 4, the padding 128), scale[m] = max|x[m,:]|/127 (0 for an all-zero row).
struct QRows {
  const uint8_t *q;
  const float *scale;
  int64_t ld;
};
// Padded depth of int8 rows and weights: K rounded up to a multiple of 4 (one VNNI group).
inline int64_t q8_depth(int64_t K) { return (K + 3) / 4 * 4; }
// quantize_rows fills q [M, q8_depth(K)] and scale [M] from f32 rows x (row stride ldx).
void quantize_rows(const float *x, int64_t ldx, int64_t M, int64_t K, uint8_t *q, float *scale);
// pack_int8 quantizes a [K, N] row-major f32 matrix into the s8 layout the int8 kernels read:
// panels of 64 columns, each q8_depth(K)/4 groups of 64 columns × 4 consecutive K values
// (256 bytes); then scale and zsum, P·64 each (P panels). Returns the byte buffer.
at::Tensor pack_int8(const float *w, int64_t K, int64_t N);
// linear_int8 is y[M,N] = act(dequant(x·Wq) + b) (+ resid) for quantized rows x and an int8
// weight: VNNI kernels where the CPU has them (int8_vnni_available), portable loops
// otherwise or when int8_portable is set on the calling thread; split over the calling
// thread's OpenMP team when it has more than one thread.
bool int8_vnni_available();
extern thread_local bool int8_portable;
void linear_int8(Ctx &c, const QRows &x, int64_t M, int64_t K, const Weight &w, int64_t N,
                 const float *bias, int act, const float *resid, float *y);
// In-place activation act of n float32 values.
void activate(Ctx &c, float *y, int64_t n, int act);
// In-place LayerNorm over the last dimension of x[M,N] (f32, contiguous).
void layer_norm(Ctx &c, float *x, int64_t M, int64_t N, const at::Tensor &g, const at::Tensor &b,
                float eps);
// Multi-head attention core: q [B,Lq,H] and k, v [B,Lk,H] (row strides ldq / ldk), additive
// mask [B,1,1,Lk] or undefined; probs [B,heads,Lq,Lk] (written), ctx [B,Lq,H] (row stride ldc).
void attention(Ctx &c, int64_t B, int64_t Lq, int64_t Lk, int64_t H, int heads, const float *q,
               int64_t ldq, const float *k, const float *v, int64_t ldk, const at::Tensor &mask,
               float *probs, float *ctx, int64_t ldc);
// f32 -> bf16 copy of n elements (round to nearest even).
void to_bf16(const float *src, void *dst, int64_t n);
// f32 rows src [M, K] (row stride ld) -> contiguous bf16 rows dst [M, K].
void to_bf16_rows(const float *src, int64_t ld, void *dst, int64_t M, int64_t K);

}  // namespace lx::fast
