#!/bin/bash
# Captures real IKE exchanges between two strongSwan charon daemons, each in
# its own network namespace, and stores them as test vectors:
#   tests/vectors/strongswan/<case>/{capture.pcap, NN-<exchange>-<dir>.bin,
#   charon-initiator.log, charon-responder.log, keys.json, *.der, *-key.pem}
#
# Usage (as root):  tests/interop/capture/capture-strongswan.sh [CASE...]
#   no CASE: all cases; --list prints the case names.
# Environment: IKEWOT_VECTOR_DIR overrides the output root (default
#   <repo>/tests/vectors); IKEWOT_KEEP_WORK=1 keeps the temporary folder.
#
# Traffic stays inside the namespaces created here; see lib.sh.
set -euo pipefail

source "$(dirname "$(readlink -f "$0")")/lib.sh"
readonly OUT_ROOT=$VECTOR_ROOT/strongswan

readonly ALL_CASES=(
  ikev2-ecdsa-x25519-aesgcm
  ikev2-rsa-modp2048-aescbc
  ikev2-chacha20-ecp384
  ikev2-invalid-ke
  ikev2-cookie
  ikev2-fragmented
  ikev2-nat
  ikev2-libipsec-child
  ikev1-main-cert
  ikev1-aggressive-cert
)

# ---------------------------------------------------------------- case table
# Sets the globals that describe one case.
configure_case() {
  case_defaults
  case "$1" in
    ikev2-ecdsa-x25519-aesgcm)
      IKE_I=aes256gcm16-prfsha256-x25519 ;;
    ikev2-rsa-modp2048-aescbc)
      KEYTYPE=rsa2048 IKE_I=aes256-sha256-modp2048 ESP=aes256-sha256 ;;
    ikev2-chacha20-ecp384)
      KEYTYPE=ec384 IKE_I=chacha20poly1305-prfsha384-ecp384 ;;
    ikev2-invalid-ke)
      # The initiator leads with x25519; the responder only accepts ecp256.
      IKE_I=aes256gcm16-prfsha256-x25519-ecp256
      IKE_R=aes256gcm16-prfsha256-ecp256 ;;
    ikev2-cookie)
      IKE_I=aes256gcm16-prfsha256-x25519 COOKIE=1 ;;
    ikev2-fragmented)
      KEYTYPE=rsa4096 CHAIN=1 IKE_I=aes256-sha256-modp2048 ESP=aes256-sha256
      FRAGMENTATION=yes FRAGMENT_SIZE=576 ;;
    ikev2-nat)
      IKE_I=aes256gcm16-prfsha256-x25519 NAT=1 MOBIKE=yes ;;
    ikev2-libipsec-child)
      # kernel-libipsec installs the CHILD_SA in userspace, so IKE_AUTH
      # completes with SA/TSi/TSr; it also fakes NAT-D to force UDP encap.
      KEYTYPE=ec384 IKE_I=aes128gcm16-prfsha384-ecp384 ESP=aes128gcm16
      LIBIPSEC=1 ;;
    ikev1-main-cert)
      VERSION=1 KEYTYPE=rsa2048 IKE_I=aes256-sha256-modp2048 ESP=aes256-sha256 ;;
    ikev1-aggressive-cert)
      VERSION=1 AGGRESSIVE=yes IKE_I=aes128-sha256-ecp256 ESP=aes128-sha256 ;;
    *) die "unknown case '$1' (try --list)" ;;
  esac
  [[ -n "$IKE_R" ]] || IKE_R=$IKE_I
  set_addresses
}

run_case() {
  local name=$1
  begin_case "$name" "$name"
  write_charon_conf "$WORK/a" initiator
  write_charon_conf "$WORK/b" responder
  launch_charon "$NS_B" "$WORK/b"
  launch_charon "$NS_A" "$WORK/a"
  start_capture "$NS_A" ikw-a0 "$WORK/capture.pcap" "$WORK/tshark.log"

  if ((COOKIE)); then
    # A real IKE_SA_INIT from 192.0.2.3 that is never continued: the
    # responder holds it half-open, which reaches cookie_threshold = 1.
    ip netns exec "$NS_A" ike-scan --ikev2 --dhgroup=14 --sport=0 \
      --bindip=192.0.2.3 --sourceip=192.0.2.3 --retry=1 192.0.2.2 >&2 || true
  fi

  # What counts is that both daemons established the IKE_SA (checked below).
  initiate
  sleep 1
  finish_exchange
  require_established a b
  if ((LIBIPSEC)); then
    grep -q 'CHILD_SA ikw{[0-9]*} established' "$WORK/a/charon.log" ||
      die "$name: CHILD_SA not established in $WORK/a/charon.log"
  fi

  store_case "$OUT_ROOT/$name" "$WORK/b/charon.log" charon-responder.log
}

run_cases "$@"
