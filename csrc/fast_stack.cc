// A stack of LxmertLayers (the language encoder of a two-branch forward) run on a helper
// thread while the calling thread computes the vision side (see csrc/fast_helper.h for why a
// helper and not a second goroutine). Each layer is lx_fast_layer's; the outputs of all are
// kept (they are the hidden states). From batch 4 the stack first runs the visual feature
// encoder on the first half of the examples, which the vision side takes as soon as it is
// ready: the language layers and the relation layers cost the same there, and the encoder
// alone made the vision side the longer (before the stack: 216-227 against 212-215 ms at
// batch 8).
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "fast_blocks.h"
#include "fast_helper.h"

namespace lx::fast {

Ctx::~Ctx() {
  while (jobs.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  pool->close();
}

namespace {

struct Stack {
  Ctx *c;
  Cfg cfg;
  std::vector<lx_fast_att> atts;
  std::vector<lx_fast_ffn> ffns;
  at::Tensor x, mask;
  bool want_probs;
  std::vector<at::Tensor> outs, probs;
  std::atomic<bool> stop{false};
  std::shared_ptr<Job> job;
  // The feature encoder, when asked: its output (or failure) is published before the layers.
  bool has_fc = false;
  lx_fast_fc fc{};
  at::Tensor fc_out;
  std::exception_ptr fc_err;
  std::atomic<bool> fc_done{false};
  std::mutex mu;
  std::condition_variable cv;

  void run() {
    if (has_fc) {
      try {
        fc_out = features(*c, fc, cfg.threads);
      } catch (...) {
        fc_err = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> g(mu);
        fc_done.store(true, std::memory_order_release);
      }
      cv.notify_all();
      if (fc_err) std::rethrow_exception(fc_err);
    }
    at::Tensor h = x;
    for (size_t i = 0; i < atts.size(); i++) {
      TORCH_CHECK(!stop.load(std::memory_order_acquire), "fast layer stack: stopped before layer ", i);
      at::Tensor p;
      h = layer(*c, cfg, atts[i], ffns[i], h, mask, want_probs ? &p : nullptr);
      outs.push_back(h);
      if (want_probs) probs.push_back(p);
    }
  }

  at::Tensor features_out() {
    TORCH_CHECK(has_fc, "fast layer stack: started without the feature encoder");
    if (!spin_for([&] { return !fc_done.load(std::memory_order_acquire); }, 20000)) {
      std::unique_lock<std::mutex> lk(mu);
      cv.wait(lk, [&] { return fc_done.load(std::memory_order_acquire); });
    }
    if (fc_err) std::rethrow_exception(fc_err);
    return fc_out;
  }
};

}  // namespace

}  // namespace lx::fast

using namespace lx::fast;

extern "C" {

lx_err lx_fast_stack_start(lx_fast_ctx cp, const lx_fast_cfg *cf, int n, const lx_fast_att *atts,
                           const lx_fast_ffn *ffns, lx_tensor x, lx_tensor mask, int want_probs,
                           const lx_fast_fc *fc, lx_fast_stack *out) {
  LX_TRY
  *out = nullptr;
  auto &c = ctx_of(cp);
  TORCH_CHECK(n > 0 && atts != nullptr && ffns != nullptr, "fast layer stack: no layers (", n, ")");
  auto st = std::make_unique<Stack>();
  st->c = &c, st->cfg = cfg_of(cf);
  st->atts.assign(atts, atts + n), st->ffns.assign(ffns, ffns + n);
  st->x = rows(x, "hidden states"), st->mask = lx::opt(mask), st->want_probs = want_probs != 0;
  if (fc != nullptr) st->has_fc = true, st->fc = *fc;
  Stack *sp = st.get();
  c.jobs.fetch_add(1, std::memory_order_acq_rel);
  try {
    st->job = start([sp] {
      struct Done {  // the context may be freed once the stack no longer reads it
        Ctx *c;
        ~Done() { c->jobs.fetch_sub(1, std::memory_order_acq_rel); }
      } done{sp->c};
      sp->run();
    });
  } catch (...) {
    c.jobs.fetch_sub(1, std::memory_order_acq_rel);
    throw;
  }
  *out = st.release();
  LX_END
}

lx_err lx_fast_stack_features(lx_fast_stack s, lx_tensor *out) {
  LX_TRY
  TORCH_CHECK(s != nullptr, "fast layer stack: nil handle");
  *out = lx::wrap(static_cast<Stack *>(s)->features_out());
  LX_END
}

void lx_fast_stack_stop(lx_fast_stack s) {
  if (s != nullptr) static_cast<Stack *>(s)->stop.store(true, std::memory_order_release);
}

lx_err lx_fast_stack_wait(lx_fast_stack s, lx_tensor *outs, lx_tensor *probs) {
  LX_TRY
  TORCH_CHECK(s != nullptr, "fast layer stack: nil handle");
  auto &st = *static_cast<Stack *>(s);
  st.job->wait();
  for (size_t i = 0; i < st.outs.size(); i++) {
    outs[i] = lx::wrap(st.outs[i]);
    if (probs != nullptr) probs[i] = lx::wrap(st.probs[i]);
  }
  LX_END
}

void lx_fast_stack_free(lx_fast_stack s) {
  if (s == nullptr) return;
  std::unique_ptr<Stack> st(static_cast<Stack *>(s));
  try {
    st->job->wait();  // the helper may still be running it
  } catch (...) {
  }
}

}  // extern "C"
