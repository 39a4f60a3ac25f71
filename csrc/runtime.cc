// Process-wide settings: threads, seed, handle release, version information.
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <atomic>

#include "common.h"

namespace lx {
// OpenMP keeps the team size per OS thread and Go moves goroutines between threads, so the
// setting is remembered here and re-applied by calls that run their own parallel regions.
static std::atomic<int> g_threads{0};
int wanted_threads() { return g_threads.load(std::memory_order_relaxed); }
}  // namespace lx

extern "C" {

void lx_free(lx_tensor t) { delete static_cast<at::Tensor *>(t); }

char lx_oom_message[] = "out of memory (while reporting an error)";

void lx_free_str(char *s) {
  if (s != lx_oom_message) std::free(s);
}

void lx_set_num_threads(int n) {
  lx::g_threads.store(n, std::memory_order_relaxed);
  at::set_num_threads(n);
}

int lx_get_num_threads(void) { return at::get_num_threads(); }

void lx_manual_seed(uint64_t seed) { at::manual_seed(seed); }

lx_err lx_runtime_info(char **out) {
  LX_TRY
  std::string s = std::string("libtorch ") + TORCH_VERSION + "\n" + at::get_parallel_info();
  *out = lx::dup_out(s);
  LX_END
}

}  // extern "C"
