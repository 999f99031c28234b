#!/usr/bin/env bash
# Builds cotenant (release) and runs the main job on the bundled demo data: ingest every demo
# file into a fresh SQLite store, then analyze shared infrastructure and print the summary.
# Usage: bash scripts/demo.sh   (store at build/demo/cotenant.db)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
build=build/release
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --target cotenant -- --quiet
bin="$build/cotenant"
mkdir -p build/demo
db=build/demo/cotenant.db
rm -f "$db" "$db-wal" "$db-shm"
"$bin" --db "$db" --quiet ingest demo/naming demo/feeds
"$bin" --db "$db" stats
