#!/usr/bin/env bash
# Every test: the C++ suite natively (release, then ASan + UBSan) and as wasm (SIMD and scalar) under node,
# then the JS API tests and the browser tests. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs acorn from here when node is not Debian's
started=$SECONDS

step() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - started)); }
configure() { [ -f "build/$1/build.ninja" ] || cmake --preset "$1" >/dev/null; }
# Runs a test command; shows its last $1 lines when it passes and its whole output (last 300 lines) when it fails.
summary() {
  local lines=$1 log
  shift
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then tail -n "$lines" "$log"; rm -f "$log"; else tail -n 300 "$log"; rm -f "$log"; return 1; fi
}

for preset in native-release native-sanitize; do
  step "C++ suite, $preset (ctest)"
  configure "$preset"
  cmake --build --preset "$preset" --target attn_tests
  summary 3 ctest --preset "$preset" --parallel 2
done

for preset in wasm-simd wasm-scalar; do
  step "C++ suite, $preset (node)"
  configure "$preset"
  cmake --build --preset "$preset" --target attn_tests
  summary 2 node "build/$preset/attn_tests.js" --use-colour no
done

step "dist/ (both wasm builds, ES module, classic scripts, the offline file)"
bash tools/build/build.sh
node tools/build/build-offline.mjs

step "JS API and browser tests (node --test)"
node --test --test-concurrency=1 tests/js/ tests/e2e/

step "all tests passed"
