#!/usr/bin/env bash
# The main job: the default scenario, its summary and its plots.
#
#   scripts/main.sh                      # hobby-group, 300 people, seed 1
#   scripts/main.sh four-friends         # another scenario (scenarios/*.cc; see docs/scenarios.md)
#   scripts/main.sh hobby-group --nodes=1000 --graph=ba --seed=7   # any of the scenario's options
#
# 1. installs what is missing (apt) and builds the simulation and the Python package;
# 2. runs the scenario: real IKEv2 (probes, IKE_AUTH, CHILD SAs, ESP) and real crypto inside ns-3
#    nodes; people verify identification strings by phone, share collections, import them and
#    connect to friends of friends without asking anyone;
# 3. prints the run's summary (python3 -m ikewot.analysis summary) and writes the report with its
#    plots (python3 -m ikewot.analysis report): out/main/<scenario>/report/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-$(nproc)}

scenario=${1:-hobby-group}
if [ $# -gt 0 ]; then shift; fi
if [ $# -eq 0 ] && [ "$scenario" = hobby-group ]; then
  set -- --nodes=300
fi
if [ ! -f "scenarios/${scenario//-/_}.cc" ]; then
  echo "main.sh: no scenario '$scenario'; there are: $(ls scenarios/*.cc | xargs -n1 basename | sed 's/\.cc$//; s/_/-/g' | tr '\n' ' ')" >&2
  exit 2
fi
out="$root/out/main/$scenario"

scripts/install-deps.sh
echo "== build (ns-3 simulation and the Python package; the first build takes a while)"
cmake -S . -B build/main -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKEWOT_WITH_NS3=ON \
  -DIKEWOT_WITH_PYTHON=ON > build-main.configure.log 2>&1 || { cat build-main.configure.log; exit 1; }
rm -f build-main.configure.log
cmake --build build/main -j "$jobs" --target "$scenario" ikewot ikewot_python_package > /dev/null

echo "== run: $scenario $*  (output: $out)"
rm -rf "$out"
build/main/scenarios/"$scenario" --out="$out" "$@"

export PYTHONPATH="$root/build/main/python${PYTHONPATH:+:$PYTHONPATH}"
echo
echo "== summary"
/usr/bin/python3 -m ikewot.analysis summary "$out"
echo
echo "== report"
/usr/bin/python3 -m ikewot.analysis report "$out"
echo "plots: $(ls "$out"/report/*.png | tr '\n' ' ')"
