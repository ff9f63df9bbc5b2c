# Shared by the scripts/bench-*.sh scripts (source it, do not run it): where things are, the
# Release build of a benchmark binary, pinning to one core, and what to record about the
# machine and its load next to every result.
#
#   . "$(dirname "$0")/bench-lib.sh"
#   bench_init NAME SECONDS   sets root, build, cpu, seconds, out and work (a temporary
#                             directory removed on exit); NAME picks build/bench-NAME and
#                             docs/bench/NAME.md, SECONDS is the default time per case
#   bench_build TARGET...     configures $build as Release (ns-3 and Python off) and builds
#   bench_pinned CMD...       runs CMD on CPU $cpu only (taskset)
#   bench_openssl_speed ALG...  `openssl speed -mr -seconds $seconds` on CPU $cpu, its result
#                             lines (+F...) only; bench_lib.py parses them
#   bench_load                the load average now: "0.52 0.61 0.70"
#   bench_machine             "CPU model, N cores, kernel, OpenSSL version"
#   bench_python ARG...       /usr/bin/python3 with scripts/ on the module path (bench_lib.py)
#
# Environment overrides: BUILD_DIR, CPU, SECONDS_PER_CASE, OUT.

bench_init() {
  bench_name=$1
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=${BUILD_DIR:-$root/build/bench-$1}
  cpu=${CPU:-1}
  seconds=${SECONDS_PER_CASE:-$2}
  out=${OUT:-$root/docs/bench/$1.md}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

bench_build() {
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIKEWOT_WITH_NS3=OFF \
    -DIKEWOT_WITH_PYTHON=OFF >/dev/null
  local target
  for target in "$@"; do
    cmake --build "$build" -j 2 --target "$target"
  done
}

bench_pinned() {
  taskset -c "$cpu" "$@"
}

bench_openssl_speed() {
  echo "bench-$bench_name: running openssl speed $* on CPU $cpu" >&2
  bench_pinned openssl speed -mr -seconds "$seconds" "$@" 2>/dev/null | grep '^+F'
}

bench_load() {
  cut -d' ' -f1-3 /proc/loadavg
}

bench_machine() {
  local model
  model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  echo "$model, $(nproc) cores, $(uname -sr), $(openssl version | cut -d' ' -f1-2)"
}

bench_python() {
  PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 "$@"
}
