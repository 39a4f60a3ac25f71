// oneDNN primitives of the fast path: one per shape, created on first use and cached for the
// process (they hold no data: the memory is passed at each execution). oneDNN's scratchpads
// come from the model's pool, so one primitive may run on several threads at once.
#include <cstdarg>
#include <cstdio>

#include "fast_prim.h"

namespace lx::fast {

using dnnl::memory;

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

namespace {
dnnl::stream &stream() {
  thread_local dnnl::stream s(engine());
  return s;
}
}  // namespace

// cached returns the primitive stored under key, making it on first use. The thread count
// is part of every key: oneDNN sizes its work split when the primitive is created.
Prim cached(const std::string &key, const std::function<Prim()> &make) {
  static std::mutex mu;
  static std::unordered_map<std::string, Prim> cache;
  std::string k = key + "|t" + std::to_string(omp_get_max_threads());
  {
    std::lock_guard<std::mutex> g(mu);
    auto it = cache.find(k);
    if (it != cache.end()) return it->second;
  }
  Prim p = make();
  std::lock_guard<std::mutex> g(mu);
  if (cache.size() > 4096) cache.clear();  // many shapes: start over rather than grow
  cache.emplace(k, p);
  return p;
}

std::string fmt(const char *f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

dnnl::algorithm eltwise(int act) {
  switch (act) {
    case kRelu:
      return dnnl::algorithm::eltwise_relu;
    case kTanh:
      return dnnl::algorithm::eltwise_tanh;
    case kSigmoid:
      return dnnl::algorithm::eltwise_logistic;
    default:
      return dnnl::algorithm::eltwise_gelu_erf;
  }
}

void run(const Prim &p, Pool &pool, std::unordered_map<int, memory> args) {
  Scratch s(pool, p.scratch.get_size());
  args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.scratch, engine(), s.ptr));
  p.p.execute(stream(), args);
}

Team::Team(int n) : old_(omp_get_max_threads()) {
  int want = n > 0 ? n : lx::wanted_threads();
  if (want > 0 && old_ != want) omp_set_num_threads(want);
}

Team::~Team() {
  if (omp_get_max_threads() != old_) omp_set_num_threads(old_);
}

}  // namespace lx::fast
