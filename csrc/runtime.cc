// Process-wide settings: threads, seed, handle release, version information.
#include <ATen/Parallel.h>
#include <omp.h>
#include <torch/version.h>

#include <atomic>

#include "common.h"

namespace lx {
// OpenMP keeps the team size per OS thread and Go moves goroutines between threads, so the
// setting is remembered here and re-applied by calls that run their own parallel regions.
static std::atomic<int> g_threads{0};
static thread_local int t_before_serial = 0;  // this thread's team size before lx_thread_serial_begin
int wanted_threads() {
  const int n = g_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : t_before_serial;
}
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

// The remembered setting when there is one, not the calling OS thread's own team size,
// which lx_thread_serial_begin narrows for a while.
int lx_get_num_threads(void) {
  const int n = lx::wanted_threads();
  return n > 0 ? n : at::get_num_threads();
}

// lx_thread_serial_begin makes LibTorch's own operators single-threaded on the calling OS
// thread (OpenMP's team size is per thread) and returns the size to restore. A forward's
// small elementwise and copy operators otherwise fork a team whose worker then spins for
// milliseconds on the core the other branch computes on. Fast calls set their own teams.
int lx_thread_serial_begin(void) {
  (void)at::get_num_threads();  // LibTorch's lazy per-thread setup first, so it cannot undo this
  const int old = omp_get_max_threads();
  lx::t_before_serial = old;
  omp_set_num_threads(1);
  return old;
}

// lx_thread_serial_end restores the team size and lets this thread's OpenMP workers go: a
// forward's last parallel region (batch 32's X-layers) left them spinning for milliseconds,
// into the start of the next forward's branches on the same cores (back to back at batch
// 32: 1,647-1,651 against 1,600-1,632 ms). The next parallel region starts new ones.
void lx_thread_serial_end(int old) {
  lx::t_before_serial = 0;
  if (old > 0) omp_set_num_threads(old);
  (void)omp_pause_resource_all(omp_pause_soft);  // only this thread's pool, outside a region
}

void lx_manual_seed(uint64_t seed) { at::manual_seed(seed); }

lx_err lx_runtime_info(char **out) {
  LX_TRY
  std::string s = std::string("libtorch ") + TORCH_VERSION + "\n" + at::get_parallel_info();
  *out = lx::dup_out(s);
  LX_END
}

}  // extern "C"
