// The long mutation run of checkpoint loading (safetensors header and data, config.json, the tokenizer's files):
// `npm run fuzz-checkpoint` builds this with ASan + UBSan and loads a million mutated checkpoints, spread over
// the three fixtures. Usage: fuzz_checkpoint [rounds] [seed]
#include <chrono>
#include <cstdio>
#include <string>

#include "checkpoint_fuzz.hpp"

int main(int argc, char** argv) {
  const std::size_t rounds = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 1;
  const auto start = std::chrono::steady_clock::now();
  std::size_t rejected = 0, seed_offset = 0;
  for (const char* model : {"bert", "distilbert", "gpt2"}) {
    rejected += fuzz_checkpoint(checkpoint_fixture(model), seed + seed_offset++, rounds / 3);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu mutated checkpoints in %.0f s: %zu rejected with an error, %zu loaded and ran, no crash\n",
              rounds / 3 * 3, seconds, rejected, rounds / 3 * 3 - rejected);
}
