#!/usr/bin/env bash
# Installs every Debian package ikewot needs. Idempotent: re-running installs nothing new.
# Usage: scripts/install-deps.sh            (as root, or with sudo available)
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev clang-format
  # core libraries
  libssl-dev openssl libsqlite3-dev sqlite3 libboost-graph-dev
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # the simulation benchmark preloads tcmalloc (scripts/bench-sim.sh)
  libtcmalloc-minimal4
  # simulation
  libns3-dev libgsl-dev ns3
  # python
  pybind11-dev python3-dev python3-pybind11 python3-networkx python3-matplotlib python3-pandas
  python3-numpy python3-pytest python3-scipy
  # the analysis report is checked in headless Chromium
  chromium
  # real peers, captures and network test hosts
  strongswan strongswan-swanctl libstrongswan-standard-plugins
  libstrongswan-extra-plugins libcharon-extra-plugins tshark ike-scan nftables iproute2 iputils-ping
  # libreswan's pluto runs from the unpacked .deb (it conflicts with strongswan); these are its
  # runtime needs beyond what strongswan pulls in
  libnss3-tools libldns3 libevent-pthreads-2.1-7
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
