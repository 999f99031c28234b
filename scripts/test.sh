#!/usr/bin/env bash
# Builds cotenant with ASan+UBSan and runs every test (unit, golden, fuzz-corpus regression,
# real-data tests over ../shared when present). Usage: bash scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh --test
build=build/test
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCOTENANT_SANITIZE=ON \
    "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -- --quiet
cd "$build"
ctest --output-on-failure --timeout 600 -j2 "$@"
