#!/usr/bin/env bash
# Scale benchmark of the ns-3 simulation: the large-group scenario at several sizes. For each
# size prints nodes, handshakes, set-up and run wall seconds, ns-3 events per second, handshakes
# per wall-second and peak RSS (from the scenario's summary.json and /usr/bin/time).
#
#   scripts/bench-sim.sh [BUILD_DIR] [SIZES]      e.g. scripts/bench-sim.sh build/main "1000:10 10000:1"
#
# SIZES is a list of NODES:HANDSHAKES_PER_NODE (default "1000:10 10000:1 100000:10"). The build
# is the caller's (it needs ns-3: -DIKEWOT_WITH_NS3=ON); runs are not pinned, the scenario is
# timed by wall clock.
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"
bench_init sim 0
build=${1:-build/main}
sizes=${2:-"1000:10 10000:1 100000:10"}
program="$build/scenarios/large-group"
[ -x "$program" ] || { echo "bench-sim: $program not built (configure with -DIKEWOT_WITH_NS3=ON)" >&2; exit 1; }
printf '%-8s %-11s %-8s %-8s %-12s %-12s %-10s\n' nodes handshakes setup_s run_s events/s hs/wall-s rss_MiB
for size in $sizes; do
  nodes=${size%%:*}
  per_node=${size##*:}
  /usr/bin/time -f '%M' -o "$work/rss-$nodes" "$program" --quiet --nodes="$nodes" \
    --handshakes="$per_node" --out="$work/run-$nodes" >/dev/null
  bench_python - "$work/run-$nodes/summary.json" "$work/rss-$nodes" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rss_mib = int(open(sys.argv[2]).read().split()[-1]) / 1024
print(f"{s['nodes']:<8} {s['handshakes_ok']:<11} {s['setup_wall_seconds']:<8.1f} "
      f"{s['run_wall_seconds']:<8.1f} {s['ns3_events_per_wall_second']:<12.0f} "
      f"{s['handshakes_per_wall_second']:<12.0f} {rss_mib:<10.0f}")
PY
done
