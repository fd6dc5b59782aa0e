#include "parallel.hpp"

#include <algorithm>
#include <string>

#include "attn/attention.hpp"  // ArgumentError

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define ATTN_SINGLE_THREAD 1
#else
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace attn::parallel {
namespace {

thread_local bool inside_part = false;  // true on a thread running a part (nested loops run there alone)

#if ATTN_SINGLE_THREAD
constexpr std::size_t pool_threads() { return 1; }
#else
// The other threads wait for a job, each runs its part of it, and the last to finish tells the caller.
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
    // Each starts from the job count as it is now, so that it cannot miss a job posted before it first looks.
    for (std::size_t i = 1; i < count; ++i) workers_.emplace_back([this, i, seen = generation_] { serve(i, seen); });
  }

  // part(i) for i in [0, parts), part 0 on the calling thread.
  void run(std::size_t parts, const std::function<void(std::size_t)>& part) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &part, parts_ = parts, pending_ = parts - 1, ++generation_;
    }
    wake_.notify_all();
    inside_part = true;
    part(0);
    inside_part = false;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void serve(std::size_t index, std::size_t seen) {
    inside_part = true;
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= parts_) continue;  // a job with fewer parts than threads
      const std::function<void(std::size_t)>* job = job_;
      lock.unlock();
      (*job)(index);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t parts_ = 0, pending_ = 0, generation_ = 0;
  bool stopping_ = false;
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

void for_parts(std::size_t count, std::size_t align, double work, double min_work,
               const std::function<void(std::size_t, std::size_t)>& body) {
  align = std::max<std::size_t>(align, 1);
  const std::size_t units = (count + align - 1) / align;  // whole aligned pieces to share out
  std::size_t parts = std::min(units, inside_part ? 1 : pool_threads());
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
