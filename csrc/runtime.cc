// Process-wide settings: threads, seed, handle release, version information.
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "common.h"

extern "C" {

void lx_free(lx_tensor t) { delete static_cast<at::Tensor *>(t); }

char lx_oom_message[] = "out of memory (while reporting an error)";

void lx_free_str(char *s) {
  if (s != lx_oom_message) std::free(s);
}

void lx_set_num_threads(int n) { at::set_num_threads(n); }

int lx_get_num_threads(void) { return at::get_num_threads(); }

void lx_manual_seed(uint64_t seed) { at::manual_seed(seed); }

lx_err lx_runtime_info(char **out) {
  LX_TRY
  std::string s = std::string("libtorch ") + TORCH_VERSION + "\n" + at::get_parallel_info();
  *out = lx::dup_out(s);
  LX_END
}

}  // extern "C"
