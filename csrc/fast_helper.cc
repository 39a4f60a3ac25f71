// The helper threads (csrc/fast_helper.h): a process-wide set that grows to the number of
// jobs running at once. An idle helper spins briefly for its next job (the steps of a
// forward follow each other within microseconds), then sleeps.
#include "fast_helper.h"

#include <thread>
#include <vector>

namespace lx::fast {

namespace {

constexpr int kJobSpins = 20000;   // ~0.4 ms of pause before a waiter sleeps
constexpr int kIdleSpins = 20000;  // and before an idle helper sleeps

class Helper {
 public:
  void give(std::shared_ptr<Job> j) {
    {
      std::lock_guard<std::mutex> g(mu_);
      job_ = std::move(j);
      ready_.store(true, std::memory_order_release);
    }
    cv_.notify_one();
  }
  void loop();

 private:
  std::shared_ptr<Job> job_;
  std::atomic<bool> ready_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

std::mutex idle_mu;
std::vector<Helper *> idle;  // helpers waiting for a job; they live as long as the process

void Helper::loop() {
  for (;;) {
    if (!spin_for([&] { return !ready_.load(std::memory_order_acquire); }, kIdleSpins)) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return ready_.load(std::memory_order_acquire); });
    }
    std::shared_ptr<Job> j;
    {
      std::lock_guard<std::mutex> g(mu_);
      j = std::move(job_);
      ready_.store(false, std::memory_order_relaxed);
    }
    j->execute();
    {  // idle again before the job's end is published: its waiter may start the next at once
      std::lock_guard<std::mutex> g(idle_mu);
      idle.push_back(this);
    }
    j->finish();
  }
}

}  // namespace

void Job::execute() {
  try {
    fn_();
  } catch (...) {
    err_ = std::current_exception();
  }
  fn_ = nullptr;  // drop what the function holds before the waiter goes on
}

void Job::finish() {
  {
    std::lock_guard<std::mutex> g(mu_);
    done_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void Job::wait() {
  if (!spin_for([&] { return !done_.load(std::memory_order_acquire); }, kJobSpins)) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return done_.load(std::memory_order_acquire); });
  }
  if (err_) std::rethrow_exception(err_);
}

std::shared_ptr<Job> start(std::function<void()> fn) {
  auto j = std::make_shared<Job>(std::move(fn));
  Helper *h = nullptr;
  {
    std::lock_guard<std::mutex> g(idle_mu);
    if (!idle.empty()) {
      h = idle.back();
      idle.pop_back();
    }
  }
  if (h == nullptr) {
    h = new Helper();  // never freed: helpers serve the whole process
    std::thread([h] { h->loop(); }).detach();
  }
  h->give(j);
  return j;
}

}  // namespace lx::fast
