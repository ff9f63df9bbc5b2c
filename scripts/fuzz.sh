#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from its seed corpus
# (copied, so the committed corpus is never modified). A crash fails the run and leaves the
# reproducer in build/fuzz-artifacts/<target>/: add it to tests/fuzz/regressions/<name>/.
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS] [JUNIT_XML]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
seconds=${2:-60}
junit=${3:-}
cases=""
failures=0
count=0
for target in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target"); name=${name#fuzz_}
  work=$(mktemp -d)
  artifacts="build/fuzz-artifacts/$name"
  mkdir -p "$artifacts"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
  echo "== fuzz: $name for ${seconds}s"
  start=$(date +%s)
  if "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$artifacts/" "$work" > "$artifacts/log.txt" 2>&1; then
    status=pass
  else
    status=fail
    failures=$((failures + 1))
    tail -50 "$artifacts/log.txt"
  fi
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -m1 'stat::number_of_executed_units' "$artifacts/log.txt" | awk '{print $2}')
  echo "   $status: ${execs:-?} executions in ${elapsed}s"
  count=$((count + 1))
  if [ "$status" = pass ]; then
    cases+="<testcase classname=\"fuzz\" name=\"$name\" time=\"$elapsed\"/>"
  else
    cases+="<testcase classname=\"fuzz\" name=\"$name\" time=\"$elapsed\"><failure message=\"crash, see $artifacts\"/></testcase>"
  fi
  rm -rf "$work"
done
if [ "$count" -eq 0 ]; then echo "no fuzz targets in $build"; exit 1; fi
[ -n "$junit" ] && echo "<testsuite name=\"fuzz\" tests=\"$count\" failures=\"$failures\">$cases</testsuite>" > "$junit"
[ "$failures" -eq 0 ]
