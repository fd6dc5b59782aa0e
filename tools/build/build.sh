#!/usr/bin/env bash
# Builds the wasm flavours (SIMD, scalar, and SIMD with threads) and packs them into dist/. Incremental: fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs acorn from here when node is not Debian's
for preset in wasm-simd wasm-scalar wasm-threads; do
  cmake --preset "$preset" >/dev/null  # every time: a build folder configured before keeps up with the presets
  cmake --build --preset "$preset" --target attention_module
done
node tools/build/bundle.mjs
