// The long mutation run of the model-file loader: `npm run fuzz-model` builds this with ASan + UBSan and
// loads a million mutated files. Usage: fuzz_model_file [rounds] [seed]
#include <chrono>
#include <cstdio>
#include <string>

#include "model_file_fuzz.hpp"

int main(int argc, char** argv) {
  const std::size_t rounds = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 1;
  const auto start = std::chrono::steady_clock::now();
  std::size_t rejected = 0;
  for (bool causal : {false, true}) {
    rejected += fuzz_model_file(attn::save_model(small_model(causal), causal), seed + causal, rounds / 2);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu mutated model files in %.0f s: %zu rejected with an error, %zu loaded and ran, no crash\n", rounds,
              seconds, rejected, rounds - rejected);
}
