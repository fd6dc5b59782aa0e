#!/usr/bin/env bash
# Builds one native tool with a CMake preset and runs it from the repository root:
#   tools/build/run-native.sh PRESET TARGET [ARGS...]   e.g. tools/build/run-native.sh native-release train_model --steps 100
set -euo pipefail
cd "$(dirname "$0")/../.."
preset=$1 target=$2
shift 2
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target "$target" >/dev/null
exec "build/$preset/$target" "$@"
