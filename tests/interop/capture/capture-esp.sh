#!/bin/bash
# Captures REAL ESP traffic for core/esp's tests: two strongSwan 5.9.8 charon
# daemons with the kernel-libipsec plugin (userspace ESP over a TUN device, as
# this kernel has no ESP), each in its own network namespace; a ping runs
# through the tunnel and the ESP-in-UDP packets are stored together with the
# CHILD_SA keys that charon logs (chd = 4):
#   tests/vectors/esp/<case>/{capture.pcap, esp-packets.txt, child-keys.txt,
#   charon-initiator.log, charon-responder.log, the IKE .bin files, keys.json}
#
# Usage (as root):  tests/interop/capture/capture-esp.sh [CASE...]
#   no CASE: all cases; --list prints the case names.
# Environment: as capture-strongswan.sh (IKEWOT_VECTOR_DIR, IKEWOT_KEEP_WORK).
#
# Traffic stays inside the namespaces created here (see lib.sh); the pinged
# addresses are the TEST-NET-2/3 traffic selector hosts on the peers' lo.
set -euo pipefail

source "$(dirname "$(readlink -f "$0")")/lib.sh"
readonly OUT_ROOT=$VECTOR_ROOT/esp

readonly ALL_CASES=(
  libipsec-aes128gcm16
  libipsec-aes256-sha256
  libipsec-chacha20poly1305
)

configure_case() {
  case_defaults
  KEYTYPE=ec256 LIBIPSEC=1
  case "$1" in
    libipsec-aes128gcm16)
      IKE_I=aes128gcm16-prfsha256-ecp256 ESP=aes128gcm16 ;;
    libipsec-aes256-sha256)
      IKE_I=aes256-sha256-ecp256 ESP=aes256-sha256 ;;
    libipsec-chacha20poly1305)
      IKE_I=chacha20poly1305-prfsha256-x25519 ESP=chacha20poly1305 ;;
    *) die "unknown case '$1' (try --list)" ;;
  esac
  IKE_R=$IKE_I
  set_addresses
}

# lib.sh writes the vector configuration; the ESP capture also needs the
# CHILD_SA key dumps (chd = 4) and the routes into libipsec's TUN device.
adjust_strongswan_conf() {  # <host dir>
  sed -i -e 's/^      ike = 4$/      ike = 4\n      chd = 4\n      esp = 2/' \
    -e 's/^  install_routes = no$/  install_routes = yes/' "$1/strongswan.conf"
  grep -q 'chd = 4' "$1/strongswan.conf" || die "could not raise the chd log level"
}

run_case() {
  local name=$1
  begin_case "$name" "$name"
  write_charon_conf "$WORK/a" initiator
  write_charon_conf "$WORK/b" responder
  adjust_strongswan_conf "$WORK/a"
  adjust_strongswan_conf "$WORK/b"
  launch_charon "$NS_B" "$WORK/b"
  launch_charon "$NS_A" "$WORK/a"
  start_capture "$NS_A" ikw-a0 "$WORK/capture.pcap" "$WORK/tshark.log"

  initiate --required
  # Inner traffic: 198.51.100.1 (A's lo) -> 203.0.113.1 (B's lo), via ipsecN.
  ip netns exec "$NS_A" ping -c 4 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1 >&2 ||
    die "$name: ping through the libipsec tunnel failed"
  sleep 0.5
  finish_exchange

  local out=$OUT_ROOT/$name
  store_case "$out" "$WORK/b/charon.log" charon-responder.log
  /usr/bin/python3 "$HERE/extract_esp.py" "$out" --initiator "$ADDR_I" --esp "$ESP"
}

run_cases "$@"
