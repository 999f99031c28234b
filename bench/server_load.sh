#!/usr/bin/env bash
# Bounded loopback load test of `cotenant serve` (issue 6): wrk, 30 s per endpoint, against a
# store holding the demo data. Not part of ctest. Results go to bench/RESULTS.md by hand.
# Usage: bash bench/server_load.sh [build-dir]   (default build/release; wrk from Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOTENANT_SANITIZE=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_FLAGS=-Wno-restrict >/dev/null
fi
cmake --build "$build" -j2 --target cotenant -- --quiet
bin="$build/cotenant"
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/load.db"
"$bin" --db "$db" -q ingest demo/ >/dev/null
token=$("$bin" --db "$db" token add load --org "Load test" --tlp amber 2>/dev/null)
"$bin" --db "$db" serve --port 0 --threads 2 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.log" | cut -d: -f2)
echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ); server: 2 I/O threads;" \
     "build: $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" | cut -d= -f2)," \
     "sanitizers: $(grep -m1 COTENANT_SANITIZE: "$build/CMakeCache.txt" | cut -d= -f2)"
for target in "/api/stats" "/api/pairs" "/api/lookup?value=203.0.113.45" \
              "/taxii2/api/collections/2c4d3f6a-7b8e-4c1d-9e0f-a1b2c3d4e5f6/objects/?limit=100"; do
  echo "== GET $target  (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -t2 -c16 -d30s --timeout 5s --latency \
      -H "Authorization: Bearer $token" -H "Accept: application/taxii+json;version=2.1" \
      "http://127.0.0.1:$port$target" | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx|Socket errors"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
