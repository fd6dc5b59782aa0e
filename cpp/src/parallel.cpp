#include "parallel.hpp"

#include <algorithm>
#include <string>

#include "attn/attention.hpp"  // ArgumentError

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define ATTN_SINGLE_THREAD 1
#else
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>
#endif

namespace attn::parallel {
namespace {

thread_local bool inside_part = false;  // true on a thread running a part (nested loops run there alone)

#if ATTN_SINGLE_THREAD
constexpr std::size_t pool_threads() { return 1; }
#else
// A job's parts are claimed one at a time, by the calling thread and by whichever other threads are awake, so a
// thread that has not started yet (a wasm thread's worker still loading) or has no CPU at the moment costs
// nothing: the caller runs what nobody claimed. The caller returns once every part is done and no other thread
// still looks at the job.
class Pool {
 public:
  ~Pool() { resize(1); }
  std::size_t threads() const { return workers_.size() + 1; }

  void resize(std::size_t count) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    stopping_ = false;
    for (std::size_t i = 1; i < count; ++i) workers_.emplace_back([this, seen = generation_.load()] { serve(seen); });
  }

  // part(i) for each i in [0, parts), on this thread and the others.
  void run(std::size_t parts, const std::function<void(std::size_t)>& part) {
    bool sleepers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &part, parts_ = parts, next_ = 0, finished_ = 0, ++generation_;
      sleepers = sleeping_ > 0;
    }
    if (sleepers) wake_.notify_all();  // (a wake is a futex call, tens of µs in a browser: only when one sleeps)
    inside_part = true;
    claim(part, parts);
    inside_part = false;
    const auto done = [&] { return finished_ == parts && busy_ == 0; };
    spin_until(done);
    std::unique_lock<std::mutex> lock(mutex_);
    caller_waits_ = true;
    done_.wait(lock, done);
    caller_waits_ = false;
    job_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));  // e.g. bad_alloc: the caller's to report
  }

 private:
  void claim(const std::function<void(std::size_t)>& part, std::size_t parts) {
    for (std::size_t i; (i = next_.fetch_add(1)) < parts;) {
      try {
        part(i);
      } catch (...) {  // kept for the caller, once every part has ended (its frames hold what the parts read)
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (finished_.fetch_add(1) + 1 == parts) {
        std::lock_guard<std::mutex> lock(mutex_);  // (under the lock: the caller cannot miss it between check and wait)
        if (caller_waits_) done_.notify_all();
      }
    }
  }

  // Checks `ready` for a short while before the caller blocks on a condition variable: a forward pass posts a
  // job every few hundred microseconds, and a thread woken from a futex wait took long enough in Chromium to cost
  // a tenth of the second thread's gain. Short, so that a busy machine loses little to it.
  template <class Ready>
  static void spin_until(const Ready& ready) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    for (unsigned i = 1; !ready(); ++i) {
      if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return;
    }
  }

  // seen: the job count when the thread was made, so that it takes only jobs posted after.
  void serve(std::size_t seen) {
    inside_part = true;
    for (;;) {
      spin_until([&] { return stopping_ || generation_ != seen; });
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleeping_;
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      --sleeping_;
      if (stopping_) return;
      seen = generation_;
      if (!job_) continue;  // it ended before this thread woke
      const std::function<void(std::size_t)>& job = *job_;
      const std::size_t parts = parts_;
      ++busy_;
      lock.unlock();
      claim(job, parts);
      lock.lock();
      if (--busy_ == 0 && caller_waits_) done_.notify_all();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* job_ = nullptr;  // the job under way, guarded by mutex_
  std::size_t parts_ = 0;
  std::atomic<std::size_t> generation_{0}, busy_{0};         // (written under mutex_) busy_: others claiming parts
  std::atomic<std::size_t> next_{0}, finished_{0};          // the next part to claim, the parts done
  std::exception_ptr error_;                                 // the first exception a part threw
  std::size_t sleeping_ = 0;                                 // (guarded by mutex_) threads waiting on wake_
  bool caller_waits_ = false;                                // (guarded by mutex_) the caller waits on done_
  std::atomic<bool> stopping_{false};
};

Pool& pool() {
  static Pool instance;
  return instance;
}
std::size_t pool_threads() { return pool().threads(); }
#endif

}  // namespace

void set_threads(std::size_t count) {
  if (count < 1 || count > kMaxThreads) {
    throw ArgumentError("threads", "expected 1 to " + std::to_string(kMaxThreads) + ", got " + std::to_string(count));
  }
#if ATTN_SINGLE_THREAD
  if (count > 1) throw ArgumentError("threads", "this build has one thread; the threaded build runs more");
#else
  if (count != pool().threads()) pool().resize(count);
#endif
}

std::size_t threads() { return pool_threads(); }

std::size_t max_threads() {
#if ATTN_SINGLE_THREAD
  return 1;
#else
  return kMaxThreads;
#endif
}

void for_parts(std::size_t count, std::size_t align, double work, double min_work,
               const std::function<void(std::size_t, std::size_t)>& body) {
  align = std::max<std::size_t>(align, 1);
  const std::size_t units = (count + align - 1) / align;  // whole aligned pieces to share out
  // A few parts per thread: a thread that loses its CPU for a while (a busy machine) then holds up one small part.
  constexpr std::size_t kPartsPerThread = 4;
  const std::size_t threads = inside_part ? 1 : pool_threads();
  std::size_t parts = threads == 1 ? 1 : std::min(units, threads * kPartsPerThread);
  if (min_work > 0) parts = std::min(parts, std::max<std::size_t>(1, std::size_t(work / min_work)));
  if (parts <= 1) {
    if (count > 0) body(0, count);
    return;
  }
#if !ATTN_SINGLE_THREAD
  const auto bound = [&](std::size_t i) { return std::min(count, units * i / parts * align); };
  pool().run(parts, [&](std::size_t i) { body(bound(i), bound(i + 1)); });
#endif
}

}  // namespace attn::parallel
