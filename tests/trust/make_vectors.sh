#!/usr/bin/env bash
# Builds tests/trust/vectors/openssl-collection.der WITHOUT ikewot: the DER is written by the
# small independent encoder below (Python), the entry signature by `openssl dgst -sign`, and the
# CMS SignedData by `openssl cms -sign`. ikewot must open it (collection_format_test.cc), which
# shows the format in docs/collections.md is implementable from its description.
# Run once; the outputs are committed. Needs openssl and /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/vectors"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$work/sharer.key"
openssl req -new -x509 -key "$work/sharer.key" -subj /CN=vector-sharer -days 36500 \
  -addext basicConstraints=critical,CA:FALSE -out vector-sharer.pem
openssl ecparam -name prime256v1 -genkey -noout -out "$work/peer.key"
openssl req -new -x509 -key "$work/peer.key" -subj /CN=vector-peer -days 36500 \
  -addext basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:peer.example.org \
  -outform DER -out vector-peer.der
openssl x509 -in vector-sharer.pem -outform DER -out "$work/sharer.der"

der() {  # step: tbs | entry
  /usr/bin/python3 - "$@" <<'PY'
import hashlib, sys
work, step = sys.argv[1], sys.argv[2]

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        octets = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        head = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + head + body

seq = lambda *parts: tlv(0x30, b''.join(parts))
integer = lambda v: tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big'))
octets = lambda b: tlv(0x04, b)
gentime = lambda s, tag=0x18: tlv(tag, s.encode())
utf8 = lambda s: tlv(0x0c, s.encode())

sharer = open(f'{work}/sharer.der', 'rb').read()
peer = open('vector-peer.der', 'rb').read()
if step == 'tbs':
    policy = seq(gentime('20260101000000Z', 0x81), tlv(0xa2, utf8('ike-auth')))
    tbs = seq(integer(1), octets(hashlib.sha256(sharer).digest()), peer, policy, seq(),
              gentime('20250101000000Z'))
    open(f'{work}/tbs.der', 'wb').write(tbs)
else:
    tbs = open(f'{work}/tbs.der', 'rb').read()
    sig = open(f'{work}/sig.der', 'rb').read()
    ecdsa_with_sha256 = seq(tlv(0x06, bytes.fromhex('2a8648ce3d040302')))
    entry = seq(tbs, ecdsa_with_sha256, tlv(0x03, b'\x00' + sig))
    collection = seq(integer(1), integer(3), gentime('20250101000000Z'), seq(entry),
                     tlv(0xa0, octets(bytes([0x11]) * 32)))
    open(f'{work}/content.der', 'wb').write(collection)
PY
}

der "$work" tbs
openssl dgst -sha256 -sign "$work/sharer.key" -out "$work/sig.der" "$work/tbs.der"
der "$work" entry
openssl cms -sign -binary -nodetach -nosmimecap -in "$work/content.der" \
  -signer vector-sharer.pem -inkey "$work/sharer.key" -outform DER \
  -econtent_type 2.25.332980536656001608846225005175991688267 -out openssl-collection.der
openssl cms -verify -inform DER -in openssl-collection.der -noverify -out /dev/null
echo "wrote $(pwd)/openssl-collection.der"
