// DDP-style gradient averaging on the c10d Gloo group. c10d's own Reducer cannot be used:
// its header includes torch/csrc/distributed/autograd, which Debian's libtorch-dev does not
// ship. This one uses the same autograd entry points: a post hook on each parameter's
// gradient accumulator (fired once its gradient is complete), buckets launched strictly in
// index order (so every rank issues the same collectives in the same order), parameters the
// loss does not reach marked ready before the backward (find_unused_parameters), and an
// engine callback at the end of the backward that waits for every bucket and writes the
// averages back.
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "common.h"
#include "dist.h"
#include "dist_internal.h"

namespace {

struct Bucket {
  std::vector<size_t> params;  // indices into Reducer::params, in bucket order
  std::vector<int64_t> offsets;
  int64_t numel = 0;  // of the gradients; the flat buffer then holds one flag per parameter
  at::Tensor flat;
  size_t pending = 0;  // parameters not yet ready in this backward
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

  // mark records that parameter i's gradient is final for this backward and launches every
  // bucket, in order, whose gradients all are.
  void mark(size_t i) {
    if (ready[i]) return;
    ready[i] = 1;
    buckets[bucket_of[i]].pending--;
    while (next < buckets.size() && buckets[next].pending == 0) launch(buckets[next++]);
  }

  // prepare arms the reducer for the backward of loss. Parameters the loss does not depend
  // on (the vision side of LXMERT's last cross layer, for a QA loss) get no gradient from
  // it: they are ready now, so that their buckets do not hold back the later ones (DDP's
  // find_unused_parameters).
  void prepare(const at::Tensor &loss) {
    reset();
    armed = true;
    std::unordered_set<torch::autograd::Node *> seen;
    std::vector<torch::autograd::Node *> todo;
    if (loss.grad_fn()) todo.push_back(loss.grad_fn().get());
    while (!todo.empty()) {
      auto node = todo.back();
      todo.pop_back();
      if (!seen.insert(node).second) continue;
      for (const auto &e : node->next_edges())
        if (e.function) todo.push_back(e.function.get());
    }
    for (size_t i = 0; i < params.size(); i++)
      if (!seen.count(hooks[i].first.get())) mark(i);
  }

  // hook runs after parameter i's gradient accumulator.
  void hook(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    if (!armed) return;
    if (!queued) {
      queued = true;
      torch::autograd::Engine::get_default_engine().queue_callback([this] { finalize(); });
    }
    mark(i);
  }

  // launch starts the bucket's all-reduce: the gradients (zeros where a parameter has none)
  // and a 1 per parameter that has one, so that afterwards a parameter no rank had a
  // gradient for keeps none, as in a single process.
  void launch(Bucket &b) {
    at::NoGradGuard ng;
    for (size_t k = 0; k < b.params.size(); k++) {
      const auto &p = params[b.params[k]];
      auto view = b.flat.narrow(0, b.offsets[k], p.numel());
      const bool has = p.grad().defined();
      if (has)
        view.copy_(p.grad().reshape(-1));
      else
        view.zero_();
      b.flat[b.numel + static_cast<int64_t>(k)].fill_(has ? 1.0 : 0.0);
    }
    std::vector<at::Tensor> one{b.flat};
    b.work = pg->allreduce(one);
  }

  void finalize() {
    std::lock_guard<std::mutex> lock(mu);
    at::NoGradGuard ng;
    const double n = pg->getSize();
    try {
      // A parameter whose hook did not run has its final gradient (or none) all the same.
      for (size_t i = 0; i < params.size(); i++) mark(i);
      for (auto &b : buckets) {
        b.work->wait();
        b.flat.div_(n);
        auto flags = b.flat.narrow(0, b.numel, b.params.size());
        for (size_t k = 0; k < b.params.size(); k++) {
          auto &p = params[b.params[k]];
          if (flags[k].item<float>() == 0) continue;  // no rank has a gradient for it
          auto avg = b.flat.narrow(0, b.offsets[k], p.numel()).view(p.sizes());
          if (p.grad().defined())
            p.mutable_grad().copy_(avg);
          else
            p.mutable_grad() = avg.clone();
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
      cur.flat = at::empty({cur.numel + static_cast<int64_t>(cur.params.size())}, at::kFloat);
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

lx_err lx_reducer_prepare(lx_reducer r, lx_tensor loss) {
  LX_TRY
  auto &red = reducer(r);
  std::lock_guard<std::mutex> lock(red.mu);
  red.prepare(lx::T(loss));
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
