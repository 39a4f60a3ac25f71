// Internal to csrc/fast_*.cc: oneDNN primitives cached per shape (csrc/fast_dnnl.cc) and the
// helpers that run them.
#pragma once
#include <omp.h>

#include <functional>
#include <string>

#include "fast.h"

namespace lx::fast {

// Prim is a primitive and the scratchpad it wants (taken from the pool at each run).
struct Prim {
  dnnl::primitive p;
  dnnl::memory::desc scratch;
};

// cached returns the primitive stored under key, making it on first use (thread count of the
// calling thread's team included in the key).
Prim cached(const std::string &key, const std::function<Prim()> &make);
// fmt is printf into a std::string (cache keys).
std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
// eltwise is the oneDNN algorithm of an activation code (Act).
dnnl::algorithm eltwise(int act);
// run executes p on this thread's stream with a scratchpad from pool.
void run(const Prim &p, Pool &pool, std::unordered_map<int, dnnl::memory> args);

// Serial runs a small primitive on the calling thread alone: a parallel region costs a
// wake-up and a join (milliseconds on a loaded VM), more than splitting tiny work saves.
// The team size is part of every cache key, so the primitive is made for one thread too.
class Serial {
 public:
  explicit Serial(bool on) : old_(on ? omp_get_max_threads() : 0) {
    if (on) omp_set_num_threads(1);
  }
  ~Serial() {
    if (old_ > 0) omp_set_num_threads(old_);
  }

 private:
  int old_;
};

}  // namespace lx::fast
