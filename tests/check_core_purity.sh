#!/usr/bin/env bash
# core/ must not touch the world: no sockets, clocks, ns-3 or pybind11 (see docs/architecture.md).
set -euo pipefail
root=${1:-$(dirname "$0")/..}
# Durations from <chrono> are fine; reading a clock is not: the caller passes `now`.
hits=$(grep -RnE '#include *<(sys/socket\.h|netinet/|arpa/inet\.h|netdb\.h|poll\.h|sys/epoll\.h|ns3/|pybind11/|random>|thread>)|_clock::now|\bclock_gettime\(|\bgettimeofday\(|\btime\((nullptr|NULL|0)\)|\bgetenv\(|\brand\(|\bsrand\(|\bRAND_bytes\(' "$root/core" | grep -v '^[^:]*/crypto/random\.cc:' || true)
if [ -n "$hits" ]; then
  echo "core/ touches the world:"
  echo "$hits"
  exit 1
fi
echo "core purity: ok ($(find "$root/core" -name '*.cc' -o -name '*.h' | wc -l) files checked)"
