# Shared pieces of the capture scripts (sourced, not run): network namespaces,
# a throw-away PKI made with the openssl command line, charon configuration and
# start-up, tshark capture, and storing a finished case as test vectors.
#
# Traffic never leaves the namespaces created here (192.0.2.0/24 TEST-NET-1;
# the traffic selectors name TEST-NET-2/3 hosts that are never contacted).
# Everything (daemons, capture, namespaces, mounts, temp files) is torn down on
# exit, also on failure: the caller installs `cleanup` as EXIT trap.

readonly HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
readonly REPO=$(readlink -f "$HERE/../../..")
readonly VECTOR_ROOT=${IKEWOT_VECTOR_DIR:-$REPO/tests/vectors}
readonly CHARON=/usr/lib/ipsec/charon
readonly NS_A=ikw-cap-a NS_B=ikw-cap-b NS_R=ikw-cap-r

WORK=""
CASE_NAME=""
PIDS=()

log() { echo "[capture] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

teardown() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  local ns
  for ns in "$NS_A" "$NS_B" "$NS_R"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

cleanup() {
  local rc=$?
  teardown
  if [[ -n "$WORK" && -d "$WORK" && "${IKEWOT_KEEP_WORK:-0}" != 1 ]]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}


# Defaults of the globals that describe one case; each driver's
# configure_case calls this first and then changes what its case needs.
case_defaults() {
  VERSION=2
  KEYTYPE=ec256      # ec256 | ec384 | rsa2048 | rsa4096
  CHAIN=0            # 1: end-entity certs issued by an intermediate CA
  IKE_I="" IKE_R=""  # initiator / responder IKE proposals (strongSwan syntax)
  ESP="aes256gcm16"
  FRAGMENTATION=no
  FRAGMENT_SIZE=1280
  AGGRESSIVE=no
  COOKIE=0
  NAT=0
  MOBIKE=no          # yes would float IKE_AUTH to port 4500 even without NAT
  LIBIPSEC=0         # 1: userspace ESP (kernel-libipsec), see README
}

set_addresses() {
  if ((NAT)); then
    ADDR_I=192.0.2.129 ADDR_R=192.0.2.2 ADDR_I_SEEN=192.0.2.126
  else
    ADDR_I=192.0.2.1 ADDR_R=192.0.2.2 ADDR_I_SEEN=192.0.2.1
  fi
}

# ------------------------------------------------------------------ network
setup_network() {
  teardown
  ip netns add "$NS_A"
  ip netns add "$NS_B"
  ip -n "$NS_A" link set lo up
  ip -n "$NS_B" link set lo up
  if ((NAT)); then
    # A (192.0.2.129/25) -- R [masquerade] -- B (192.0.2.2/25)
    ip netns add "$NS_R"
    ip -n "$NS_R" link set lo up
    ip link add ikw-a0 netns "$NS_A" type veth peer name ikw-r0 netns "$NS_R"
    ip link add ikw-b0 netns "$NS_B" type veth peer name ikw-r1 netns "$NS_R"
    ip -n "$NS_A" addr add 192.0.2.129/25 dev ikw-a0
    ip -n "$NS_R" addr add 192.0.2.254/25 dev ikw-r0
    ip -n "$NS_R" addr add 192.0.2.126/25 dev ikw-r1
    ip -n "$NS_B" addr add 192.0.2.2/25 dev ikw-b0
    ip -n "$NS_A" link set ikw-a0 up
    ip -n "$NS_B" link set ikw-b0 up
    ip -n "$NS_R" link set ikw-r0 up
    ip -n "$NS_R" link set ikw-r1 up
    ip -n "$NS_A" route add default via 192.0.2.254
    ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
    ip netns exec "$NS_R" nft -f - <<'EOF'
table ip ikw_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "ikw-r1" masquerade
  }
}
EOF
  else
    ip link add ikw-a0 netns "$NS_A" type veth peer name ikw-b0 netns "$NS_B"
    ip -n "$NS_A" addr add 192.0.2.1/24 dev ikw-a0
    ip -n "$NS_B" addr add 192.0.2.2/24 dev ikw-b0
    ip -n "$NS_A" link set ikw-a0 up
    ip -n "$NS_B" link set ikw-b0 up
    if ((LIBIPSEC)); then
      # kernel-libipsec routes the inner traffic with these as source.
      ip -n "$NS_A" addr add 198.51.100.1/32 dev lo
      ip -n "$NS_B" addr add 203.0.113.1/32 dev lo
    fi
    if ((COOKIE)); then
      # Second address for the half-open IKE_SA that switches cookies on.
      ip -n "$NS_A" addr add 192.0.2.3/24 dev ikw-a0
    fi
  fi
}

# --------------------------------------------------------------------- PKI
genkey() {  # genkey <type> <out.pem>
  case "$1" in
    ec256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" 2>/dev/null ;;
    ec384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$2" 2>/dev/null ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
    rsa4096) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$2" 2>/dev/null ;;
    *) die "bad key type $1" ;;
  esac
}

# issue <key> <subject> <issuer-cert|-> <issuer-key|-> <serial> <ext> <out.pem>
issue() {
  local ext_file=$WORK/pki/ext.cnf
  printf '%b\n' "$6" > "$ext_file"
  openssl req -new -key "$1" -subj "$2" -out "$WORK/pki/req.csr"
  if [[ "$3" == - ]]; then
    openssl x509 -req -in "$WORK/pki/req.csr" -key "$1" -set_serial "$5" \
      -days 7300 -sha256 -extfile "$ext_file" -out "$7" 2>/dev/null
  else
    openssl x509 -req -in "$WORK/pki/req.csr" -CA "$3" -CAkey "$4" \
      -set_serial "$5" -days 7300 -sha256 -extfile "$ext_file" -out "$7" \
      2>/dev/null
  fi
}

make_pki() {
  local pki=$WORK/pki
  mkdir -p "$pki"
  local ca_ext='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash'
  genkey "$KEYTYPE" "$pki/ca-key.pem"
  issue "$pki/ca-key.pem" "/C=ZZ/O=ikewot test vectors/CN=ikewot test root CA" \
    - - 1 "$ca_ext" "$pki/ca.pem"
  local signer_cert=$pki/ca.pem signer_key=$pki/ca-key.pem
  if ((CHAIN)); then
    genkey "$KEYTYPE" "$pki/intermediate-key.pem"
    issue "$pki/intermediate-key.pem" \
      "/C=ZZ/O=ikewot test vectors/CN=ikewot test intermediate CA" \
      "$pki/ca.pem" "$pki/ca-key.pem" 2 \
      "$ca_ext\nauthorityKeyIdentifier=keyid" "$pki/intermediate.pem"
    signer_cert=$pki/intermediate.pem signer_key=$pki/intermediate-key.pem
  fi
  local role serial=10
  for role in initiator responder; do
    genkey "$KEYTYPE" "$pki/$role-key.pem"
    issue "$pki/$role-key.pem" "/C=ZZ/O=ikewot test vectors/CN=$role.ikewot.test" \
      "$signer_cert" "$signer_key" "$serial" \
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:$role.ikewot.test\nauthorityKeyIdentifier=keyid" \
      "$pki/$role.pem"
    serial=$((serial + 1))
  done
}

# ------------------------------------------------------------ charon config
write_strongswan_conf() {  # <host dir> <is responder>
  local dir=$1 responder=$2 extra="" kernel=kernel-netlink
  # Without ESP in the kernel, kernel-netlink cannot install CHILD_SAs: the
  # IKE_SA is still established, the CHILD_SA is refused (NO_PROPOSAL_CHOSEN).
  ((LIBIPSEC)) && kernel="kernel-libipsec kernel-netlink"
  if ((responder && COOKIE)); then
    # One half-open IKE_SA is enough to demand a COOKIE from the next peer.
    extra="dos_protection = yes
  cookie_threshold = 1
  cookie_threshold_ip = 1000
  block_threshold = 1001"
  fi
  cat > "$dir/strongswan.conf" <<EOF
charon {
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 chapoly aes sha1 sha2 hmac gcm kdf vici $kernel socket-default
  port = 500
  port_nat_t = 4500
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 2
  fragment_size = $FRAGMENT_SIZE
  $extra
  filelog {
    vectors {
      path = $dir/charon.log
      append = no
      flush_line = yes
      ike_name = yes
      default = 1
      ike = 4
      cfg = 2
      lib = 4
      net = 1
      enc = 1
    }
  }
  plugins {
    vici {
      socket = unix://$dir/charon.vici
    }
  }
}
EOF
}

write_swanctl_conf() {  # <host dir> <role: initiator|responder>
  local dir=$1 role=$2 peer local_addr remote_addr proposals
  if [[ $role == initiator ]]; then
    peer=responder local_addr=$ADDR_I remote_addr=$ADDR_R proposals=$IKE_I
  else
    peer=initiator local_addr=$ADDR_R remote_addr=$ADDR_I_SEEN proposals=$IKE_R
  fi
  mkdir -p "$dir/swanctl/x509" "$dir/swanctl/x509ca" "$dir/swanctl/private"
  cp "$WORK/pki/$role.pem" "$dir/swanctl/x509/"
  cp "$WORK/pki/$role-key.pem" "$dir/swanctl/private/"
  cp "$WORK/pki/ca.pem" "$dir/swanctl/x509ca/"
  if ((CHAIN)); then
    cp "$WORK/pki/intermediate.pem" "$dir/swanctl/x509ca/"
  fi
  # Traffic selectors name (unused) TEST-NET-2/3 hosts behind each peer; no
  # traffic is ever sent to them.
  local ts_local=198.51.100.1 ts_remote=203.0.113.1
  if [[ $role == responder ]]; then ts_local=203.0.113.1 ts_remote=198.51.100.1; fi
  cat > "$dir/swanctl/swanctl.conf" <<EOF
connections {
  ikw {
    version = $VERSION
    local_addrs = $local_addr
    remote_addrs = $remote_addr
    proposals = $proposals
    aggressive = $AGGRESSIVE
    fragmentation = $FRAGMENTATION
    send_cert = always
    encap = no
    mobike = $MOBIKE
    dpd_delay = 0
    local {
      auth = pubkey
      certs = $role.pem
      id = $role.ikewot.test
    }
    remote {
      auth = pubkey
      id = $peer.ikewot.test
    }
    children {
      ikw {
        mode = tunnel
        local_ts = $ts_local/32
        remote_ts = $ts_remote/32
        esp_proposals = $ESP
        start_action = none
      }
    }
  }
EOF
  if [[ $role == responder ]] && ((COOKIE)); then
    # ike-scan's IKE_SA_INIT from 192.0.2.3 must be accepted so that it
    # stays half-open; its default IKEv2 offer includes AES-CBC/SHA1.
    cat >> "$dir/swanctl/swanctl.conf" <<EOF
  halfopen {
    version = 2
    local_addrs = $ADDR_R
    remote_addrs = 192.0.2.3
    proposals = aes256-sha1-modp2048, aes128-sha1-modp2048
    local { auth = pubkey; certs = $role.pem; }
    remote { auth = pubkey; }
  }
EOF
  fi
  echo "}" >> "$dir/swanctl/swanctl.conf"
}

start_charon() {  # <netns> <host dir>
  local ns=$1 dir=$2
  # Private /run per daemon: charon keeps its pid file and lock there.
  ip netns exec "$ns" unshare -m --propagation private sh -c \
    'mount -t tmpfs none /run && exec env STRONGSWAN_CONF="$1/strongswan.conf" "$2"' \
    sh "$dir" "$CHARON" > "$dir/charon.stdout" 2>&1 &
  PIDS+=($!)
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -S "$dir/charon.vici" ]] && return 0
    sleep 0.1
  done
  cat "$dir/charon.stdout" >&2 || true
  die "charon in $ns did not open its vici socket"
}

swanctl_in() {  # <netns> <host dir> <swanctl args...>
  local ns=$1 dir=$2
  shift 2
  ip netns exec "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" \
    swanctl "$@" --uri "unix://$dir/charon.vici"
}

start_capture() {  # <netns> <iface> <out.pcap> <log>
  # Non-first IP fragments carry no UDP header: keep them for reassembly.
  ip netns exec "$1" tshark -i "$2" -F pcap -w "$3" \
    -f '(udp port 500 or udp port 4500 or (ip[6:2] & 0x1fff != 0)) and not host 192.0.2.3' \
    > "$4" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  local i
  for ((i = 0; i < 100; i++)); do
    if grep -q "Capturing on" "$4" 2>/dev/null; then
      # tshark announces the capture slightly before dumpcap really reads.
      sleep 1
      CAPTURE_PID=$pid
      return 0
    fi
    sleep 0.1
  done
  cat "$4" >&2
  die "tshark did not start"
}

stop_capture() {
  # SIGINT lets tshark flush and close the file; under load it sometimes misses the first one,
  # so ask again, then TERM, then KILL rather than hang the capture run.
  local tries
  for tries in INT INT TERM KILL; do
    kill -"$tries" "$CAPTURE_PID" 2>/dev/null || break
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$CAPTURE_PID" 2>/dev/null || break 2
      sleep 0.3
    done
  done
  wait "$CAPTURE_PID" 2>/dev/null || true
}

# ---------------------------------------------------------------- one case
# begin_case <case> <label>: the case's globals (configure_case, from the
# driver), a fresh PKI and the namespaces.
begin_case() {
  CASE_NAME=$1
  configure_case "$1"
  log "=== $2"
  rm -rf "$WORK/pki" "$WORK/a" "$WORK/b"
  mkdir -p "$WORK/a" "$WORK/b"
  make_pki
  setup_network
}

# write_charon_conf <host dir> <role: initiator|responder>
write_charon_conf() {
  write_strongswan_conf "$1" "$([[ $2 == responder ]] && echo 1 || echo 0)"
  write_swanctl_conf "$1" "$2"
}

# launch_charon <netns> <host dir>: start the daemon and load its swanctl.conf.
launch_charon() {
  start_charon "$1" "$2"
  swanctl_in "$1" "$2" --load-all --file "$2/swanctl/swanctl.conf" >> "$WORK/swanctl.log"
}

# initiate [--required]: the initiator (host a) brings up IKE_SA and CHILD_SA.
# Without ESP in the kernel the CHILD_SA fails and swanctl reports failure;
# only --required makes that fatal.
initiate() {
  swanctl_in "$NS_A" "$WORK/a" --initiate --child ikw --timeout 30 >&2 && return 0
  [[ "${1:-}" != --required ]] || die "$CASE_NAME: CHILD_SA did not come up"
}

# finish_exchange: the initiator deletes the IKE_SA, then capture and
# namespaces stop.
finish_exchange() {
  swanctl_in "$NS_A" "$WORK/a" --terminate --ike ikw --timeout 10 >&2 || true
  sleep 1
  stop_capture
  teardown
}

# require_established <host>...: each host's charon log shows the IKE SA.
require_established() {
  local host
  for host in "$@"; do
    grep -qE '(IKE_SA|ISAKMP_SA) ikw\[[0-9]+\] established' "$WORK/$host/charon.log" ||
      die "$CASE_NAME: no IKE_SA established in $WORK/$host/charon.log"
  done
}

trim_log() {  # <in> <out>: drop daemon start-up, keep the exchange onwards
  # (charon: "initiating"/"received packet"; pluto: "*received N bytes")
  awk 'found || /initiating|received packet|\*received [0-9]+ bytes/ {found = 1} found' \
    "$1" > "$2"
}

# store_case <out dir> <responder log> <responder log name> [extract args...]
# Writes the capture, the initiator's log, the certificates, one .bin per
# datagram and keys.json into <out dir>, and checks tshark finds nothing
# malformed.
store_case() {
  local out=$1 resp_log=$2 resp_name=$3
  shift 3
  rm -rf "$out"
  mkdir -p "$out"
  cp "$WORK/capture.pcap" "$out/capture.pcap"
  trim_log "$WORK/a/charon.log" "$out/charon-initiator.log"
  trim_log "$resp_log" "$out/$resp_name"
  local f
  for f in ca initiator responder intermediate; do
    [[ -f "$WORK/pki/$f.pem" ]] || continue
    openssl x509 -in "$WORK/pki/$f.pem" -outform DER -out "$out/$f.der"
  done
  # Throw-away keys, kept so that tests can also verify AUTH signatures.
  cp "$WORK/pki/initiator-key.pem" "$WORK/pki/responder-key.pem" "$out/"
  /usr/bin/python3 "$HERE/split_datagrams.py" "$out/capture.pcap" "$out" \
    --initiator "$ADDR_I" --ike-version "$VERSION"
  /usr/bin/python3 "$HERE/extract_keys.py" "$out" --ike-version "$VERSION" "$@"
  if tshark -r "$out/capture.pcap" -V 2>&1 | grep -qi malformed; then
    die "$(basename "$out"): tshark reports a malformed packet"
  fi
  log "$(basename "$out"): $(ls "$out"/*.bin | wc -l) datagrams -> $out"
}

# begin_run: root check, temp folder, traps.
begin_run() {
  [[ $(id -u) == 0 ]] || die "must run as root (network namespaces)"
  WORK=$(mktemp -d /tmp/ikw-capture.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

# run_cases [--list | CASE...]: the drivers' main. Needs ALL_CASES and
# run_case <case> from the driver; no CASE runs them all.
run_cases() {
  if [[ "${1:-}" == --list ]]; then
    printf '%s\n' "${ALL_CASES[@]}"
    exit 0
  fi
  local cases=("$@")
  ((${#cases[@]})) || cases=("${ALL_CASES[@]}")
  begin_run
  local c
  for c in "${cases[@]}"; do
    run_case "$c"
  done
}
