#!/usr/bin/env bash
# Is the report's graph usable with thousands of nodes (issue 6)? Generates a MISP event list
# with ACTORS threat-actor groups (two own values each) and SHARED values each held by 2-3
# groups in the same week, ingests it, writes `cotenant report --tlp red`, and loads the report
# in headless Chromium (Debian's `chromium`), printing the node and edge counts and the page's
# own timings (data-ready-ms: navigation start to fully rendered; data-graph-ms: building the
# graph and its layout). Not part of ctest; figures go to bench/RESULTS.md by hand.
# Usage: bash bench/report_graph.sh [build-dir] [actors] [shared]   (default build/release 2500 1500)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
actors=${2:-2500}
shared=${3:-1500}
bin="$build/cotenant"
[ -x "$bin" ] || { echo "$bin is missing (cmake --build $build --target cotenant)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT
python3 - "$actors" "$shared" >"$work/feed.misp.json" <<'PY'
import json, random, sys
actors, shared = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(6)
attrs = {a: [] for a in range(actors)}
def ip(i):  # distinct addresses spread over many /16s
    return f"{10 + i // 65536 % 200}.{i // 256 % 256}.{i % 256}.{1 + i % 250}"
n = 0
for a in range(actors):
    for _ in range(2):
        attrs[a].append((ip(n), "2025-01-06T00:00:00Z")); n += 1
for s in range(shared):
    week = rng.randrange(52)
    when = f"2025-{1 + week // 5:02d}-{1 + (week % 5) * 5:02d}T00:00:00Z"
    for a in rng.sample(range(actors), rng.choice((2, 2, 3))):
        attrs[a].append((f"shared-{s}.example.net", when))
events = []
for a in range(actors):
    events.append({"Event": {
        "info": f"Group {a} infrastructure", "date": "2025-01-06",
        "Orgc": {"name": f"Feed {a % 7}"},
        "Tag": [{"name": f'misp-galaxy:threat-actor="Group {a:04d}"'}, {"name": "tlp:green"}],
        "Attribute": [{"type": "domain" if v.endswith(".net") else "ip-dst",
                       "category": "Network activity", "value": v, "first_seen": t}
                      for v, t in attrs[a]]}})
json.dump({"response": events}, sys.stdout)
PY
echo "feed: $actors actors, $shared shared values, $(du -h "$work/feed.misp.json" | cut -f1)"
/usr/bin/time -f "ingest: %e s, %M KB" "$bin" --db "$work/s.db" -q ingest "$work/feed.misp.json" >/dev/null
/usr/bin/time -f "report: %e s, %M KB" "$bin" --db "$work/s.db" -q report --tlp red -o "$work/report.html"
echo "report.html: $(du -h "$work/report.html" | cut -f1)"
start=$(date +%s.%N)
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --user-data-dir="$work/profile" --window-size=1400,1000 --dump-dom "file://$work/report.html" \
  2>/dev/null >"$work/dom.html"
end=$(date +%s.%N)
echo "chromium load + render + DOM dump: $(echo "$end - $start" | bc) s (wall)"
grep -o '<body[^>]*>' "$work/dom.html" | head -1
echo "graph nodes listed: $(grep -o 'data-node=' "$work/dom.html" | wc -l) (one <li> per node)"
if [ -n "${SCREENSHOT:-}" ]; then
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --user-data-dir="$work/profile2" --window-size=1400,1000 --virtual-time-budget=60000 \
    --screenshot="$SCREENSHOT" "file://$work/report.html" 2>/dev/null >/dev/null
  echo "screenshot: $SCREENSHOT"
fi
