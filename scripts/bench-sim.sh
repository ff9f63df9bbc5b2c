#!/usr/bin/env bash
# Scale benchmark of the ns-3 simulation: the large-group scenario at several sizes and thread
# counts (ns-3 runs on the main thread; with --processingDelay > 0, large-group's default, the
# engine calls run on --threads threads, sim/engine_executor.h). A run with one thread is pinned
# to one CPU; a run with more is not pinned. For each size and thread count prints nodes,
# threads, handshakes completed, set-up
# wall and CPU seconds, run wall and CPU seconds, CPU milliseconds per handshake, ns-3 events per
# wall-second, handshakes per wall-second, RSS after set-up and peak RSS, and before them the
# machine, its load and `openssl speed` for the signature and key exchange used (the crypto bound
# of a handshake: 2 signs, 2 verifies, 4 X25519 operations).
#
#   scripts/bench-sim.sh [BUILD_DIR] [SIZES] [-- LARGE_GROUP_OPTIONS...]
#   e.g. scripts/bench-sim.sh build/h3-rel "1000:10 10000:10" -- --keyType=ecdsa-p256
#   THREADS=2 scripts/bench-sim.sh build/h1-rel 100000:10     (the million-handshake run)
#
# THREADS is the list of --threads values to run each size with (default "1 2"); the speed-up
# column is the wall time of the first thread count's run of that size over this one's.
# SIZES is a list of NODES:HANDSHAKES_PER_NODE (default "1000:10 10000:10 100000:1"). BUILD_DIR
# must hold a Release build with -DIKEWOT_WITH_NS3=ON (default build/bench-sim, configured and
# built here when missing). When libtcmalloc_minimal.so.4 is installed (Debian
# libtcmalloc-minimal4) the scenario runs with it preloaded (glibc malloc spends ~7 % more CPU
# on this workload); NO_TCMALLOC=1 keeps glibc's.
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"
bench_init sim 2
build=${1:-$build}
sizes=${2:-"1000:10 10000:10 100000:1"}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
program="$build/scenarios/large-group"
if [ ! -x "$program" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIKEWOT_WITH_NS3=ON \
    -DIKEWOT_WITH_PYTHON=OFF >/dev/null
  cmake --build "$build" -j 2 --target large-group
fi
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
preload=""
[ -z "${NO_TCMALLOC:-}" ] && [ -e "$tcmalloc" ] && preload=$tcmalloc
threads_list=${THREADS:-"1 2"}
echo "machine: $(bench_machine); one-thread runs pinned to CPU $cpu; allocator: ${preload:-glibc malloc}"
echo "load before: $(bench_load)"
bench_openssl_speed ed25519 ecdsap256 ecdhx25519 | bench_python -c '
import sys
us = {}
for line in sys.stdin:
    f = line.strip().split(":")
    # +F4:i:bits:sign/s:verify/s (ECDSA), +F5:i:bits:op/s:s/op (ECDH), +F6:i:bits:name:sign/s:verify/s
    if f[0] == "+F4":
        us["ecdsa-p256"] = (1e6 / float(f[3]), 1e6 / float(f[4]))
    elif f[0] == "+F5":
        us["x25519"] = 1e6 / float(f[3])
    elif f[0] == "+F6":
        us[f[3].lower()] = (1e6 / float(f[4]), 1e6 / float(f[5]))
for key in ("ed25519", "ecdsa-p256"):
    sign, verify = us[key]
    dh = us["x25519"]
    bound = 2 * sign + 2 * verify + 4 * dh
    print(f"openssl speed: {key} sign {sign:.1f} us, verify {verify:.1f} us; x25519 "
          f"{dh:.1f} us -> crypto bound per handshake {bound / 1000:.3f} ms")
'
printf '%-7s %-7s %-10s %-7s %-7s %-8s %-8s %-9s %-8s %-9s %-9s %-8s %-8s\n' nodes threads \
  handshakes setup_s setup_cpu run_s run_cpu cpu_ms/hs speed-up events/s hs/wall-s rss0_MiB \
  peak_MiB
for size in $sizes; do
  nodes=${size%%:*}
  per_node=${size##*:}
  first=""
  for threads in $threads_list; do
    run="$work/run-$nodes-$threads"
    pin=()
    [ "$threads" = 1 ] && pin=(taskset -c "$cpu")
    LD_PRELOAD=$preload "${pin[@]}" "$program" --quiet --nodes="$nodes" \
      --handshakes="$per_node" --threads="$threads" --out="$run" "$@" >/dev/null
    first=${first:-$run}
    bench_python - "$run/summary.json" "$first/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
base = json.load(open(sys.argv[2]))
speedup = base['run_wall_seconds'] / s['run_wall_seconds'] if s['run_wall_seconds'] > 0 else 0
print(f"{s['nodes']:<7} {s['threads']:<7} {s['handshakes_ok']:<10} "
      f"{s['setup_wall_seconds']:<7.1f} {s['setup_cpu_seconds']:<7.1f} "
      f"{s['run_wall_seconds']:<8.1f} {s['run_cpu_seconds']:<8.1f} "
      f"{s['cpu_ms_per_handshake']:<9.3f} {speedup:<8.2f} {s['ns3_events_per_wall_second']:<9.0f} "
      f"{s['handshakes_per_wall_second']:<9.0f} {s['rss_after_setup_mib']:<8.0f} "
      f"{s['peak_rss_mib']:<8.0f}")
PY
  done
done
echo "load after: $(bench_load)"
