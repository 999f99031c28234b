#!/usr/bin/env bash
# Builds cotenant (release) and runs the main job on the bundled demo data: ingest every demo
# file into a fresh SQLite store, then analyze shared infrastructure and print the summary.
# Usage: bash scripts/demo.sh   (writes build/demo/: cotenant.db, analysis.md, analysis.json,
# report.html)
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
rm -f "$db.analysis.json"
lists=(--warninglists demo/lists/warninglists --asn demo/lists/asn.csv)
echo "== ingest: naming data, then every feed (2 broken records are planted on purpose)"
"$bin" --db "$db" --quiet ingest demo/naming demo/feeds
echo
echo "== the analyst's alias overrides (a Telegram channel is Copper Lantern's)"
"$bin" --db "$db" actors --overrides demo/analyst-aliases.txt
echo
"$bin" --db "$db" stats
echo
echo "== analysis: every pair of actors that shares something, strongest first"
"$bin" --db "$db" --quiet analyze "${lists[@]}" --limit 0 -o build/demo/analysis.md
"$bin" --db "$db" --json --quiet analyze "${lists[@]}" --limit 0 --no-state \
  -o build/demo/analysis.json
sed -n '/^| # | pair/,/^$/p' build/demo/analysis.md
echo "== why the strongest pair: evidence x hypothesis matrix and timeline"
"$bin" --db "$db" explain 'Copper Lantern' 'Velvet Hornet' --max-evidence 3 "${lists[@]}"
"$bin" --db "$db" report -o build/demo/report.html --tlp red "${lists[@]}"
echo
echo "Full analysis: build/demo/analysis.md (Markdown), build/demo/analysis.json (JSON);"
echo "report: build/demo/report.html (open it in a browser, works offline)."
