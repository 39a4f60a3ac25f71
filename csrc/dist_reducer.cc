// DDP-style gradient averaging on the c10d Gloo group. c10d's own Reducer cannot be used:
// its header includes torch/csrc/distributed/autograd, which Debian's libtorch-dev does not
// ship. This one uses the same autograd entry points: a post hook on each parameter's
// gradient accumulator (fired once its gradient is complete), buckets launched strictly in
// index order (so every rank issues the same collectives in the same order) and an engine
// callback at the end of the backward that waits for them and writes the averages back.
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <mutex>
#include <vector>

#include "common.h"
#include "dist.h"
#include "dist_internal.h"

namespace {

struct Bucket {
  std::vector<size_t> params;  // indices into Reducer::params, in bucket order
  std::vector<int64_t> offsets;
  int64_t numel = 0;
  at::Tensor flat;
  size_t pending = 0;  // parameters still without a gradient in this backward
  c10::intrusive_ptr<c10d::Work> work;
};

struct Reducer {
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  std::vector<at::Tensor> params;
  std::vector<size_t> bucket_of;  // parameter -> bucket
  std::vector<Bucket> buckets;
  std::vector<std::pair<std::shared_ptr<torch::autograd::Node>, uintptr_t>> hooks;
  std::vector<char> ready;
  std::mutex mu;
  bool armed = false, queued = false;
  size_t next = 0;  // next bucket to launch

  ~Reducer() {
    for (auto &h : hooks) h.first->del_post_hook(h.second);
  }

  void reset() {
    armed = queued = false;
    next = 0;
    std::fill(ready.begin(), ready.end(), 0);
    for (auto &b : buckets) {
      b.pending = b.params.size();
      b.work.reset();
    }
  }

  // hook runs after parameter i's gradient accumulator.
  void hook(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    if (!armed || ready[i]) return;
    ready[i] = 1;
    if (!queued) {
      queued = true;
      torch::autograd::Engine::get_default_engine().queue_callback([this] { finalize(); });
    }
    buckets[bucket_of[i]].pending--;
    while (next < buckets.size() && buckets[next].pending == 0) launch(buckets[next++]);
  }

  void launch(Bucket &b) {
    at::NoGradGuard ng;
    for (size_t k = 0; k < b.params.size(); k++) {
      const auto &p = params[b.params[k]];
      b.flat.narrow(0, b.offsets[k], p.numel()).copy_(p.grad().reshape(-1));
    }
    std::vector<at::Tensor> one{b.flat};
    b.work = pg->allreduce(one);
  }

  void finalize() {
    std::lock_guard<std::mutex> lock(mu);
    at::NoGradGuard ng;
    if (next < buckets.size()) {
      size_t missing = 0;
      while (missing < params.size() && ready[missing]) missing++;
      reset();
      TORCH_CHECK(false, "data parallel: parameter ", missing, " (shape ", params[missing].sizes(),
                  ") got no gradient in this backward; every parameter must take part in the loss");
    }
    const double n = pg->getSize();
    try {
      for (auto &b : buckets) {
        b.work->wait();
        b.flat.div_(n);
        for (size_t k = 0; k < b.params.size(); k++) {
          auto &p = params[b.params[k]];
          p.mutable_grad().copy_(b.flat.narrow(0, b.offsets[k], p.numel()).view(p.sizes()));
        }
      }
    } catch (...) {
      reset();
      throw;
    }
    reset();
  }
};

Reducer &reducer(lx_reducer r) {
  if (r == nullptr) throw std::invalid_argument("nil or closed reducer");
  return *static_cast<Reducer *>(r);
}

}  // namespace

extern "C" {

lx_err lx_reducer_new(lx_pg pg, const lx_tensor *params, int n, int64_t bucket_bytes,
                      int64_t first_bucket_bytes, lx_reducer *out) {
  LX_TRY
  auto &g = lx::group(pg);
  TORCH_CHECK(n > 0 && params != nullptr, "reducer: no parameters");
  TORCH_CHECK(bucket_bytes > 0 && first_bucket_bytes > 0, "reducer: bucket sizes must be positive");
  auto r = std::make_unique<Reducer>();
  r->pg = g.pg;
  for (int i = 0; i < n; i++) {
    const auto &p = lx::T(params[i]);
    TORCH_CHECK(p.is_leaf() && p.requires_grad(), "reducer: tensor ", i,
                " is not a parameter (a leaf that requires gradients)");
    TORCH_CHECK(p.scalar_type() == at::kFloat, "reducer: parameter ", i, " is ", p.scalar_type(),
                ", not float32");
    r->params.push_back(p);
  }
  // Gradients arrive roughly in reverse order of the parameters: bucket 0 holds the last
  // ones and is small, so that the first allreduce starts early in the backward.
  r->bucket_of.resize(n);
  Bucket cur;
  int64_t cap = first_bucket_bytes;
  for (int i = n - 1; i >= 0; i--) {
    cur.params.push_back(i);
    cur.offsets.push_back(cur.numel);
    cur.numel += r->params[i].numel();
    r->bucket_of[i] = r->buckets.size();
    if (cur.numel * 4 >= cap || i == 0) {
      cur.flat = at::empty({cur.numel}, at::kFloat);
      r->buckets.push_back(std::move(cur));
      cur = Bucket();
      cap = bucket_bytes;
    }
  }
  r->ready.assign(n, 0);
  r->reset();
  for (int i = 0; i < n; i++) {
    auto acc = torch::autograd::impl::grad_accumulator(r->params[i]);
    Reducer *self = r.get();
    size_t idx = i;
    auto key = acc->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [self, idx](const torch::autograd::variable_list &outputs,
                    const torch::autograd::variable_list &) {
          self->hook(idx);
          return outputs;
        }));
    r->hooks.emplace_back(std::move(acc), key);
  }
  *out = r.release();
  LX_END
}

lx_err lx_reducer_prepare(lx_reducer r) {
  LX_TRY
  auto &red = reducer(r);
  std::lock_guard<std::mutex> lock(red.mu);
  red.reset();
  red.armed = true;
  LX_END
}

lx_err lx_reducer_buckets(lx_reducer r, int64_t *params, int64_t *bytes, int cap, int *n) {
  LX_TRY
  auto &red = reducer(r);
  *n = static_cast<int>(red.buckets.size());
  for (int i = 0; i < *n && i < cap; i++) {
    params[i] = static_cast<int64_t>(red.buckets[i].params.size());
    bytes[i] = red.buckets[i].numel * 4;
  }
  LX_END
}

void lx_reducer_free(lx_reducer r) { delete static_cast<Reducer *>(r); }

}  // extern "C"
