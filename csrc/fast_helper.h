// Helper threads: C++ threads that run part of a forward while the calling thread runs the
// rest (csrc/fast_helper.cc). Internal to csrc.
//
// Why not two Go threads: while two goroutines are inside C calls on a two-processor Go
// runtime, no processor is idle, so the runtime's monitor takes each calling thread's
// processor away every 20 µs and wakes spare threads to look for work; on two cores they
// preempt the compute threads. Batch 1 at 2 threads: 65 ms per forward against 59 ms with a
// spare processor (GOMAXPROCS=4). With the second thread a helper, one Go thread is in C and
// the runtime stays quiet.
#pragma once
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

namespace lx::fast {

// Job is a function running on a helper thread.
class Job {
 public:
  explicit Job(std::function<void()> fn) : fn_(std::move(fn)) {}
  // wait returns once the function has returned; it rethrows what the function threw.
  void wait();
  // execute calls the function on this thread and keeps what it threw; finish then
  // releases the waiter (the helper's side).
  void execute();
  void finish();

 private:
  std::function<void()> fn_;
  std::atomic<bool> done_{false};
  std::exception_ptr err_;
  std::mutex mu_;
  std::condition_variable cv_;
};

// start runs fn on an idle helper thread (a new one when none is idle) and returns its job.
std::shared_ptr<Job> start(std::function<void()> fn);

// spin_for spins up to spins pauses while busy() holds and reports whether it ended: a short
// wait costs no wake-up; after it the caller sleeps.
template <class Busy>
inline bool spin_for(Busy busy, int spins) {
  for (int i = 0; i < spins; i++) {
    if (!busy()) return true;
    __builtin_ia32_pause();
  }
  return !busy();
}

}  // namespace lx::fast
