// Tensor memory policy, scoped to LibTorch's CPU tensors (not the host's malloc).
//
// glibc raises its mmap threshold each time a large block is freed, after which tensor
// buffers come from per-thread heaps; Go runs cgo calls on many OS threads, so those heaps
// fragment and RSS creeps up over thousands of forwards. Setting M_MMAP_THRESHOLD fixed that
// but changed malloc for the whole host process, and paid page faults on every fresh mapping.
// Instead, this allocator gives every tensor buffer of 128 KiB or more its own mapping, sized
// to one of four classes per power of two, and when the tensor dies keeps the mapping in a
// bounded cache for the next buffer of the same class (forwards repeat their shapes),
// returning the oldest ones to the OS beyond the cap.
// Smaller buffers use LibTorch's usual aligned malloc. binding installs it when it loads
// unless LXMERT_TENSOR_ALLOCATOR=libtorch; LXMERT_TENSOR_CACHE_MB sets the cap (0: no cache).
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include "common.h"

namespace {

constexpr size_t kHeader = 64;          // keeps data 64-byte aligned, as c10's allocator does
constexpr size_t kMapMin = 128 * 1024;  // buffers this large get their own mapping

struct Block {
  void *base;
  size_t len;
};

// MapCache holds unmapped-on-demand blocks, oldest first; it never holds more than cap bytes.
class MapCache {
 public:
  explicit MapCache(size_t cap) : cap_(cap) {}

  void *take(size_t len) {
    std::lock_guard<std::mutex> g(mu_);
    for (size_t i = blocks_.size(); i-- > 0;) {
      if (blocks_[i].len == len) {
        void *p = blocks_[i].base;
        blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
        held_ -= len;
        return p;
      }
    }
    return nullptr;
  }

  void give(void *base, size_t len) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> g(mu_);
      if (len > cap_) {
        evicted.push_back({base, len});
      } else {
        blocks_.push_back({base, len});
        held_ += len;
        size_t drop = 0;
        while (held_ > cap_) {
          held_ -= blocks_[drop].len;
          evicted.push_back(blocks_[drop++]);
        }
        blocks_.erase(blocks_.begin(), blocks_.begin() + static_cast<std::ptrdiff_t>(drop));
      }
    }
    for (const auto &b : evicted) munmap(b.base, b.len);
  }

  size_t held() {
    std::lock_guard<std::mutex> g(mu_);
    return held_;
  }

 private:
  std::mutex mu_;
  std::vector<Block> blocks_;
  size_t held_ = 0;
  size_t cap_;
};

MapCache *cache = nullptr;  // set once by lx_use_tensor_allocator, never freed

// The header before each buffer records how it was obtained: mapped bytes, or 0 for malloc.
void release(void *data) {
  if (data == nullptr) return;
  char *base = static_cast<char *>(data) - kHeader;
  size_t mapped = *reinterpret_cast<size_t *>(base);
  if (mapped == 0) {
    c10::free_cpu(base);
  } else if (cache != nullptr) {
    cache->give(base, mapped);
  } else {
    munmap(base, mapped);
  }
}

// size_class rounds a mapping up to 2^k x {1, 1.25, 1.5, 1.75} (whole pages), so that tensors
// of nearby sizes (another sequence length, another box count) reuse each other's cached
// mappings. Pages of the rounded-up tail that are never written never become resident.
size_t size_class(size_t n, size_t page) {
  size_t top = 1;
  while (top * 2 <= n) top *= 2;  // the highest power of two <= n
  size_t step = top / 4 >= page ? top / 4 : page;
  size_t c = (n + step - 1) / step * step;
  return (c + page - 1) / page * page;
}

struct TensorAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    c10::Device cpu(c10::DeviceType::CPU);
    if (n == 0) return {nullptr, nullptr, &release, cpu};
    static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    TORCH_CHECK(n <= SIZE_MAX - kHeader - page, "cannot allocate ", n, " bytes");
    void *base;
    size_t mapped = 0;
    if (n >= kMapMin) {
      mapped = size_class(n + kHeader, page);
      base = cache != nullptr ? cache->take(mapped) : nullptr;
      if (base == nullptr) {
        base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        TORCH_CHECK(base != MAP_FAILED, "out of memory: cannot map ", mapped, " bytes for a tensor");
      }
    } else {
      base = c10::alloc_cpu(n + kHeader);  // throws on failure
    }
    *reinterpret_cast<size_t *>(base) = mapped;
    void *data = static_cast<char *>(base) + kHeader;
    return {data, data, &release, cpu};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

TensorAllocator allocator;

}  // namespace

extern "C" {

lx_err lx_use_tensor_allocator(int64_t cache_bytes) {
  LX_TRY
  if (cache_bytes > 0 && cache == nullptr) cache = new MapCache(static_cast<size_t>(cache_bytes));
  // Priority above the default CPU allocator's, so LibTorch's later registrations keep ours.
  c10::SetCPUAllocator(&allocator, 10);
  LX_END
}

int64_t lx_tensor_cache_bytes(void) { return cache == nullptr ? 0 : static_cast<int64_t>(cache->held()); }

}  // extern "C"
