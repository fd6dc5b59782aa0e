#!/usr/bin/env bash
# npm run bench: builds what the benchmark runs (the wasm builds into dist/, bench/attn_bench.cpp natively), then
# runs bench/bench.mjs with this script's arguments (e.g. --before <an earlier dist/> to add that build's rows).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build/setup.sh
bash tools/build/build.sh
export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs it when node is not Debian's
for preset in native-release; do
  [ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" --target attn_bench >/dev/null
done
node bench/bench.mjs "$@"
# Threads: the threaded build against the single-threaded one on a GPT-2-small-sized forward, node and Chromium.
node bench/threads.mjs
