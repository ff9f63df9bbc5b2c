#!/usr/bin/env bash
# Runs a fuzz target once over its seed corpus and every saved regression input (no mutation).
set -euo pipefail
target=$1; shift
inputs=()
for d in "$@"; do
  [ -d "$d" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0)
done
if [ ${#inputs[@]} -eq 0 ]; then echo "no inputs for $target"; exit 1; fi
"$target" -runs=1 "${inputs[@]}" > /dev/null 2>&1 || { "$target" -runs=1 "${inputs[@]}" 2>&1 | tail -40; exit 1; }
echo "replayed ${#inputs[@]} inputs through $(basename "$target")"
