#!/bin/bash
# Captures real IKE exchanges between a strongSwan 5.9.8 initiator (charon) and
# a libreswan 4.10 responder (pluto), each in its own network namespace:
#   tests/vectors/libreswan/<case>/{capture.pcap, NN-<exchange>-<dir>.bin,
#   charon-initiator.log, pluto-responder.log, keys.json, *.der, *-key.pem}
#
# libreswan conflicts with Debian's strongswan package, so pluto runs from the
# unpacked .deb:
#   apt-get download libreswan && dpkg -x libreswan_*.deb build/libreswan
# (needs libnss3-tools, libldns3 and libevent-pthreads-2.1-7 installed).
#
# Usage (as root):  tests/interop/capture/capture-libreswan.sh [CASE...]
# Environment: LIBRESWAN_ROOT (default <repo>/build/libreswan), plus those of
#   capture-strongswan.sh. Traffic stays inside the namespaces; see lib.sh.
set -euo pipefail

source "$(dirname "$(readlink -f "$0")")/lib.sh"
readonly OUT_ROOT=$VECTOR_ROOT/libreswan
readonly LIBRESWAN_ROOT=${LIBRESWAN_ROOT:-$REPO/build/libreswan}
readonly PLUTO=$LIBRESWAN_ROOT/usr/libexec/ipsec/pluto
readonly WHACK=$LIBRESWAN_ROOT/usr/libexec/ipsec/whack
readonly ADDCONN=$LIBRESWAN_ROOT/usr/libexec/ipsec/addconn

readonly ALL_CASES=(
  ikev2-ecdsa-ecp256-aesgcm
  ikev1-main-rsa
)

# Sets the globals that describe one case. PLUTO_* are libreswan's syntax for
# the same algorithms the strongSwan initiator proposes.
configure_case() {
  case_defaults
  case "$1" in
    ikev2-ecdsa-ecp256-aesgcm)
      IKE_I=aes256gcm16-prfsha256-ecp256 ESP=aes256gcm16
      PLUTO_VERSION="ikev2=insist" PLUTO_AUTHBY=ecdsa
      PLUTO_IKE="aes_gcm256-sha2_256;dh19" PLUTO_ESP=aes_gcm256 ;;
    ikev1-main-rsa)
      VERSION=1 KEYTYPE=rsa2048 IKE_I=aes256-sha256-modp2048 ESP=aes256-sha256
      PLUTO_VERSION="ikev2=no" PLUTO_AUTHBY=rsasig
      PLUTO_IKE="aes256-sha2_256;modp2048" PLUTO_ESP=aes256-sha2_256 ;;
    *) die "unknown case '$1' (try --list)" ;;
  esac
  IKE_R=$IKE_I
  set_addresses
}

# NSS database with the CA (trusted) and the responder's certificate and key.
make_nss_db() {  # <host dir>
  local dir=$1
  mkdir -p "$dir/nss"
  certutil -N -d "sql:$dir/nss" --empty-password
  certutil -A -d "sql:$dir/nss" -n ikewot-ca -t "CT,," -i "$WORK/pki/ca.pem"
  openssl pkcs12 -export -in "$WORK/pki/responder.pem" \
    -inkey "$WORK/pki/responder-key.pem" -name responder \
    -out "$dir/responder.p12" -passout pass:ikewot
  pk12util -i "$dir/responder.p12" -d "sql:$dir/nss" -W ikewot > /dev/null
}

write_ipsec_conf() {  # <host dir>
  local dir=$1
  mkdir -p "$dir/run"
  : > "$dir/ipsec.secrets"
  cat > "$dir/ipsec.conf" <<EOF
config setup
    logfile=$dir/pluto.log
    logappend=no
    plutodebug=all
    uniqueids=no
    ikev1-policy=accept

conn ikw
    $PLUTO_VERSION
    authby=$PLUTO_AUTHBY
    ike=$PLUTO_IKE
    esp=$PLUTO_ESP
    fragmentation=no
    left=$ADDR_R
    leftid=@responder.ikewot.test
    leftcert=responder
    leftsendcert=always
    leftsubnet=203.0.113.1/32
    right=$ADDR_I
    rightid=@initiator.ikewot.test
    rightca=%same
    rightsubnet=198.51.100.1/32
    auto=add
EOF
}

start_pluto() {  # <netns> <host dir>
  local ns=$1 dir=$2
  # pluto runs its helpers (addconn, _updown) from the compiled-in
  # /usr/libexec/ipsec: overlay the unpacked copy there, in this mount
  # namespace only.
  ip netns exec "$ns" unshare -m --propagation private sh -c \
    'mount -t tmpfs none /run &&
     mount -t overlay overlay -o "lowerdir=$3/usr/libexec:/usr/libexec" /usr/libexec &&
     exec "$2" --nofork --config "$1/ipsec.conf" \
       --nssdir "$1/nss" --rundir "$1/run" --secretsfile "$1/ipsec.secrets" \
       --ipsecdir "$1" --dumpdir "$1/run"' \
    sh "$dir" "$PLUTO" "$LIBRESWAN_ROOT" > "$dir/pluto.stdout" 2>&1 &
  PIDS+=($!)
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -S "$dir/run/pluto.ctl" ]] && return 0
    sleep 0.1
  done
  cat "$dir/pluto.stdout" >&2 || true
  die "pluto in $ns did not open its control socket"
}

run_case() {
  local name=$1
  [[ -x "$PLUTO" ]] || die "no pluto at $PLUTO (see the header of this script)"
  begin_case "$name" "libreswan/$name"
  write_charon_conf "$WORK/a" initiator
  make_nss_db "$WORK/b"
  write_ipsec_conf "$WORK/b"
  start_pluto "$NS_B" "$WORK/b"
  ip netns exec "$NS_B" "$WHACK" --ctlsocket "$WORK/b/run/pluto.ctl" --listen >&2 ||
    die "whack --listen failed"
  ip netns exec "$NS_B" "$ADDCONN" --ctlsocket "$WORK/b/run/pluto.ctl" \
    --config "$WORK/b/ipsec.conf" ikw >&2 ||
    die "addconn failed; see $WORK/b/pluto.log"
  launch_charon "$NS_A" "$WORK/a"
  start_capture "$NS_A" ikw-a0 "$WORK/capture.pcap" "$WORK/tshark.log"

  # Without ESP support the CHILD_SA fails; the IKE SA is what counts.
  initiate
  sleep 1
  finish_exchange
  require_established a

  store_case "$OUT_ROOT/$name" "$WORK/b/pluto.log" pluto-responder.log \
    --responder-log pluto-responder.log --responder-kind pluto
}

run_cases "$@"
