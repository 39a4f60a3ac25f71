// Activation buffers recycled between forwards (see Pool in fast.h).
#include <cstdlib>

#include "fast.h"

namespace lx::fast {

namespace {
// Rounds up to the next eighth of a power of two (at most 12.5% waste), at least 4 KiB.
size_t size_class(size_t n) {
  if (n <= 4096) return 4096;
  size_t p = 1;
  while (p * 2 <= n) p *= 2;
  size_t step = p / 8;
  return (n + step - 1) / step * step;
}
}  // namespace

Pool::~Pool() { close(); }

void *Pool::get(size_t bytes, size_t *rounded) {
  size_t n = size_class(bytes);
  *rounded = n;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = free_.find(n);
    if (it != free_.end()) {
      void *p = it->second;
      free_.erase(it);
      cached_ -= n;
      return p;
    }
  }
  void *p = std::aligned_alloc(64, n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void Pool::put(void *p, size_t n) {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (!closed_ && cached_ + n <= cap_) {
      free_.emplace(n, p);
      cached_ += n;
      return;
    }
  }
  std::free(p);
}

void Pool::close() {
  std::lock_guard<std::mutex> g(mu_);
  closed_ = true;
  for (auto &kv : free_) std::free(kv.second);
  free_.clear();
  cached_ = 0;
}

at::Tensor Pool::tensor(at::IntArrayRef sizes, at::ScalarType type) {
  int64_t numel = 1;
  for (auto s : sizes) numel *= s;
  size_t n = 0;
  void *p = get(std::max<int64_t>(numel, 1) * c10::elementSize(type), &n);
  auto self = shared_from_this();
  // The deleter holds the pool alive: a tensor may outlive the model that made it.
  return at::from_blob(
      p, sizes, [self, n](void *q) { self->put(q, n); }, at::TensorOptions().dtype(type));
}

}  // namespace lx::fast
