// Loops split between threads (cpp/src/parallel.hpp): every index once, in aligned parts, and a model's run
// that is the same, bit for bit, on one thread and on several.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "attn/model.hpp"
#include "helpers.hpp"
#include "parallel.hpp"

using namespace testing;

namespace {

// Runs the test body with `count` threads, and puts back one thread however it ends.
struct WithThreads {
  explicit WithThreads(std::size_t count) { attn::parallel::set_threads(count); }
  ~WithThreads() { attn::parallel::set_threads(1); }
};

}  // namespace

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
TEST_CASE("a single-threaded wasm build refuses more threads, naming the argument", "[parallel]") {
  CHECK_THROWS_WITH(attn::parallel::set_threads(2), Catch::Contains("threads: this build has one thread"));
  attn::parallel::set_threads(1);
  std::size_t parts = 0;
  attn::parallel::for_parts(1000, 1, 1e9, 1.0, [&](std::size_t begin, std::size_t end) {
    ++parts;
    CHECK(end - begin == 1000);
  });
  CHECK(parts == 1);
}
#else
TEST_CASE("for_parts covers each index once, in aligned parts, on several threads", "[parallel]") {
  for (std::size_t threads : {1, 2, 3}) {
    WithThreads with(threads);
    for (std::size_t count : {0, 1, 7, 64, 65, 1000}) {
      for (std::size_t align : {1, 16}) {
        std::vector<std::atomic<int>> seen(count);
        std::mutex mutex;
        std::set<std::thread::id> ran_on;
        std::size_t parts = 0;
        attn::parallel::for_parts(count, align, 1e9, 1.0, [&](std::size_t begin, std::size_t end) {
          {
            std::lock_guard<std::mutex> lock(mutex);
            ran_on.insert(std::this_thread::get_id()), ++parts;
            if (end != count) CHECK((end - begin) % align == 0);
          }
          for (std::size_t i = begin; i < end; ++i) ++seen[i];
        });
        for (std::size_t i = 0; i < count; ++i) REQUIRE(seen[i] == 1);
        const std::size_t pieces = (count + align - 1) / align;
        CHECK(parts == (threads == 1 ? std::min<std::size_t>(1, pieces) : std::min(4 * threads, pieces)));
        CHECK(ran_on.size() <= parts);  // the caller runs the parts nobody else claimed
      }
    }
    // Parts that take a while: every thread gets one (the others wake long before the caller is done).
    {
      std::mutex mutex;
      std::set<std::thread::id> ran_on;
      attn::parallel::for_parts(threads, 1, 1e9, 1.0, [&](std::size_t, std::size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::lock_guard<std::mutex> lock(mutex);
        ran_on.insert(std::this_thread::get_id());
      });
      CHECK(ran_on.size() == threads);
    }
    // A part that throws: the others still run, and the caller gets the exception once they have.
    {
      std::atomic<std::size_t> ran{0};
      CHECK_THROWS_AS(attn::parallel::for_parts(4 * threads, 1, 1e9, 1.0, [&](std::size_t begin, std::size_t end) {
        ran += end - begin;
        if (begin == 0) throw std::bad_alloc();
      }), std::bad_alloc);
      CHECK(ran == 4 * threads);
    }
    // Too little work for more than one thread, and a loop inside a part: one part each.
    std::size_t parts = 0;
    attn::parallel::for_parts(100, 1, 10.0, 8.0, [&](std::size_t, std::size_t) { ++parts; });
    CHECK(parts == 1);
    std::atomic<std::size_t> inner{0};
    attn::parallel::for_parts(threads, 1, 1e9, 1.0, [&](std::size_t, std::size_t) {
      attn::parallel::for_parts(10, 1, 1e9, 1.0, [&](std::size_t, std::size_t) { ++inner; });
    });
    CHECK(inner == threads);
  }
  CHECK_THROWS_WITH(attn::parallel::set_threads(0), Catch::Contains("threads: expected 1 to 8, got 0"));
}

TEST_CASE("a model's run is the same, bit for bit, on 1, 2 and 3 threads", "[parallel][model]") {
  // Big enough that every projection, the heads and the MLP's activation are split.
  attn::ModelConfig config;
  config.name = "wide";
  config.vocabSize = 50, config.dModel = 256, config.heads = 4, config.layers = 2, config.dFF = 2048;
  config.maxLength = 80, config.causal = true;
  attn::Transformer model(config);
  Random random(7);
  for (float& x : model.parameters()) x += random.uniform(-0.1f, 0.1f);
  std::vector<std::int32_t> ids(80);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = std::int32_t(i * 7 % 50);
  attn::RunOptions options;
  options.hidden = options.logits = options.projections = true;
  const auto one = model.run(ids, options);
  for (std::size_t threads : {2, 3}) {
    WithThreads with(threads);
    const auto several = model.run(ids, options);
    CHECK(several.attentions == one.attentions);
    CHECK(several.hidden == one.hidden);
    CHECK(several.logits == one.logits);
    CHECK(several.queries == one.queries);
  }
}
#endif
