#!/usr/bin/env bash
# The whole ikewot test suite, from a fresh Debian 12 machine: installs what is missing, builds
# three configurations and runs every test.
#   1. Release-ish build (RelWithDebInfo): unit tests, real-peer vector tests, CLI tests.
#   2. ASan + UBSan build (gcc): the same tests under sanitizers.
#   3. libFuzzer build (clang, ASan + UBSan): replay of corpora and regressions, then each fuzz
#      target for FUZZ_SECONDS (default 60) seconds.
# Environment: JOBS (default: nproc), FUZZ_SECONDS, SKIP_SANITIZE=1, SKIP_FUZZ=1 (local iteration only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-40}
results="$root/build/test-results"

scripts/install-deps.sh
rm -rf "$results"
mkdir -p "$results"

configure() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" > "$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; exit 1; }
}

run_ctest() {  # dir, name, extra ctest args...
  local dir=$1 name=$2; shift 2
  echo "== ctest: $name"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600 --output-junit "$results/$name.xml" "$@")
}

echo "== build: main (RelWithDebInfo)"
mkdir -p build
configure build/main -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKEWOT_WITH_NS3=ON -DIKEWOT_WITH_PYTHON=ON
cmake --build build/main -j "$jobs"
run_ctest build/main main

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build: asan+ubsan"
  configure build/asan -DCMAKE_BUILD_TYPE=Debug -DIKEWOT_SANITIZE=ON -DIKEWOT_BUILD_BENCH=OFF -DIKEWOT_WITH_NS3=OFF -DIKEWOT_WITH_PYTHON=OFF
  cmake --build build/asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build/asan asan
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== build: libFuzzer (clang, asan+ubsan)"
  CC=clang CXX=clang++ configure build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKEWOT_FUZZ=ON -DIKEWOT_WITH_NS3=OFF -DIKEWOT_WITH_PYTHON=OFF
  cmake --build build/fuzz -j "$jobs"
  run_ctest build/fuzz fuzz-replay -L fuzz-replay
  scripts/fuzz.sh build/fuzz "$fuzz_seconds" "$results/fuzz.xml"
fi

# One closing line for CI: totals over every JUnit file written above.
/usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.xml"):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    for s in suites:
        for case in s.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
print(f"\nikewot tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
