// Splitting a loop between threads: the threaded wasm build (Emscripten pthreads) and native builds run a loop's
// parts on `threads()` threads, the calling thread taking the first part; the other wasm builds have one thread
// and run the loop as it is. Parts are contiguous and fixed by (count, threads, align) alone, so a result does not
// depend on which thread computed what: with any number of threads it is the same, bit for bit.
#pragma once

#include <cstddef>
#include <functional>

namespace attn::parallel {

// The threads a loop is split between, the caller included (1: no other threads). set_threads starts or stops
// threads to match (at most kMaxThreads); call it while no loop runs. The single-threaded wasm builds refuse
// more than 1 (ArgumentError).
constexpr std::size_t kMaxThreads = 8;
void set_threads(std::size_t count);
std::size_t threads();
// The most threads this build can run: kMaxThreads, or 1 in the single-threaded wasm builds.
std::size_t max_threads();

// body(begin, end) for contiguous parts of [0, count) that together cover it, each but the last a multiple of
// `align` long, a few per thread, taken by the threads as they get to them; returns when all are done. At most
// work / min_work parts (`work`: what the whole loop costs, in any unit), so that small loops stay on one thread. If a part throws, the other
// parts still run and the first exception is rethrown here. A loop started inside a part runs on that part's
// thread alone.
void for_parts(std::size_t count, std::size_t align, double work, double min_work,
               const std::function<void(std::size_t begin, std::size_t end)>& body);

}  // namespace attn::parallel
