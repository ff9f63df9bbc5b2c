#!/usr/bin/env bash
# Builds bench_crypto in Release, runs it and `openssl speed` for the same primitives, and writes
# the side-by-side table to docs/bench/crypto.md.
# Usage: scripts/bench-crypto.sh            (BUILD_DIR, SECONDS_PER_CASE, OUT may be overridden)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build/bench-crypto}
seconds=${SECONDS_PER_CASE:-2}
out=${OUT:-$root/docs/bench/crypto.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# -O3 brings extra (often false-positive) warnings from libstdc++ inlining; the debug build and
# CI enforce -Werror, so a measurement build does not fail on them.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIKEWOT_WITH_NS3=OFF \
  -DIKEWOT_WITH_PYTHON=OFF -DIKEWOT_WERROR=OFF >/dev/null
cmake --build "$build" -j 2 --target bench_crypto

echo "bench-crypto: running bench_crypto (${seconds}s per case)" >&2
"$build/bench/bench_crypto" --benchmark_min_time="$seconds" --benchmark_format=json \
  >"$work/ours.json"

echo "bench-crypto: running openssl speed" >&2
speed() { openssl speed -mr -seconds "$seconds" "$@" 2>/dev/null | grep '^+F'; }
{
  speed ecdhp256 ecdhp384 ecdhx25519 ffdh2048
  for cipher in aes-128-gcm aes-256-gcm chacha20-poly1305 aes-128-cbc; do
    speed -bytes 1024 -evp "$cipher"
  done
  speed -bytes 64 -hmac sha256 | sed 's/^+F:/+F64:/'
  speed -bytes 1024 -hmac sha256 | sed 's/^+F:/+F1024:/'
} >"$work/openssl.txt"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
machine="$cpu, $(nproc) cores, $(uname -sr), $(openssl version | cut -d' ' -f1-2)"
load=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$work/ours.json" "$work/openssl.txt" "$out" "$machine" "$load" "$seconds" <<'PY'
import datetime, json, sys

ours_path, speed_path, out_path, machine, load, seconds = sys.argv[1:]
ours = {}
for b in json.load(open(ours_path))["benchmarks"]:
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
    ours[b["name"]] = b["cpu_time"] * scale  # seconds per operation

# openssl speed -mr: "+F5:<i>:<bits>:<ops/s>:<s/op>" (ECDH), "+F8:..." (FFDH), "+F:<i>:<name>:<B/s>".
speed = {}
for line in open(speed_path):
    f = line.strip().split(":")
    if f[0] in ("+F5", "+F8"):
        speed[{"+F5": "ecdh", "+F8": "ffdh"}[f[0]] + f[2]] = 1.0 / float(f[3])
    elif f[0] in ("+F", "+F64", "+F1024"):
        size = 64 if f[0] == "+F64" else 1024
        speed[f"{f[2].lower()}/{size}"] = size / float(f[3])

def fmt(t):
    if t is None:
        return "—"
    return f"{t * 1e6:.1f} µs" if t >= 1e-5 else f"{t * 1e9:.0f} ns"

rows = [
    ("DH group 14 (MODP-2048): shared secret", "BM_DhSharedSecret/14", speed.get("ffdh2048"),
     "openssl: ffdhe2048 derive (RFC 7919 group, 225-bit exponent); ours: RFC 3526 group, 320-bit exponent, peer check"),
    ("DH group 19 (P-256): shared secret", "BM_DhSharedSecret/19", speed.get("ecdh256"), "ours adds the point validation"),
    ("DH group 20 (P-384): shared secret", "BM_DhSharedSecret/20", speed.get("ecdh384"), ""),
    ("DH group 31 (X25519): shared secret", "BM_DhSharedSecret/31", speed.get("ecdh253"), "ours adds the small-order check"),
    ("DH group 14: keygen", "BM_DhKeygen/14", None, "private value from OpenSslRng"),
    ("DH group 19: keygen", "BM_DhKeygen/19", None, ""),
    ("DH group 20: keygen", "BM_DhKeygen/20", None, ""),
    ("DH group 31: keygen", "BM_DhKeygen/31", None, ""),
    ("DH group 14: keygen + shared secret", "BM_DhKeygenAndSharedSecret/14", None, "one IKE_SA_INIT"),
    ("DH group 19: keygen + shared secret", "BM_DhKeygenAndSharedSecret/19", None, ""),
    ("DH group 20: keygen + shared secret", "BM_DhKeygenAndSharedSecret/20", None, ""),
    ("DH group 31: keygen + shared secret", "BM_DhKeygenAndSharedSecret/31", None, ""),
    ("HMAC-SHA-256, 64 B (keyed once)", "BM_HmacSha256/64", speed.get("hmac(sha256)/64"), ""),
    ("HMAC-SHA-256, 1 KiB (keyed once)", "BM_HmacSha256/1024", speed.get("hmac(sha256)/1024"), ""),
    ("prf(K, 64 B) one-shot, HMAC-SHA-256", "BM_PrfHmacSha256OneShot/64", speed.get("hmac(sha256)/64"),
     "ours includes fetching and keying the MAC"),
    ("AES-128-GCM seal, 1 KiB", "BM_AeadSeal/16", speed.get("aes-128-gcm/1024"), "raw Aead"),
    ("AES-256-GCM seal, 1 KiB", "BM_AeadSeal/32", speed.get("aes-256-gcm/1024"), "raw Aead"),
    ("ChaCha20-Poly1305 seal, 1 KiB", "BM_AeadSeal/0", speed.get("chacha20-poly1305/1024"), "raw Aead"),
    ("SK encrypt AES-GCM-16-128, 1 KiB", "BM_SkEncrypt/AesGcm16_128", speed.get("aes-128-gcm/1024"),
     "IV from OpenSslRng, padding, copy"),
    ("SK encrypt AES-GCM-16-128, 1 KiB, seeded RNG", "BM_SkEncrypt/AesGcm16_128_SeededRng",
     speed.get("aes-128-gcm/1024"), "same, IV from DeterministicRng"),
    ("SK encrypt AES-GCM-16-256, 1 KiB", "BM_SkEncrypt/AesGcm16_256", speed.get("aes-256-gcm/1024"), ""),
    ("SK encrypt ChaCha20-Poly1305, 1 KiB", "BM_SkEncrypt/ChaCha20Poly1305", speed.get("chacha20-poly1305/1024"), ""),
    ("SK encrypt AES-CBC-128 + HMAC-SHA-256-128, 1 KiB", "BM_SkEncrypt/AesCbc128_HmacSha256",
     (speed["aes-128-cbc/1024"] + speed["hmac(sha256)/1024"]) if "aes-128-cbc/1024" in speed and "hmac(sha256)/1024" in speed else None,
     "openssl: aes-128-cbc + hmac(sha256), 1 KiB each"),
    ("prf+ for an IKE key set (168 B, HMAC-SHA-256)", "BM_PrfPlusIkeKeySet",
     6 * speed["hmac(sha256)/64"] if "hmac(sha256)/64" in speed else None, "openssl: ≈ 6 × HMAC-SHA-256 of 64 B"),
    ("DeriveIkeSaKeys (SKEYSEED + prf+ 168 B)", "BM_DeriveIkeSaKeys",
     7 * speed["hmac(sha256)/64"] if "hmac(sha256)/64" in speed else None, "openssl: ≈ 7 × HMAC-SHA-256 of 64 B"),
]

lines = [
    "# Crypto benchmark: ikewot vs `openssl speed`",
    "",
    "Generated by `scripts/bench-crypto.sh` (do not edit by hand).",
    "",
    f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
    f"- Machine: {machine}",
    f"- Load average when measuring: {load}",
    f"- Each case ran for at least {seconds} s. Both sides report CPU time per operation "
    "(Google Benchmark `cpu_time`; `openssl speed` divides by user CPU time), so a busy machine "
    "inflates both less than wall time would.",
    "- Ratio = ikewot time / openssl time (1.00 = same cost; above 1 = our overhead).",
    "",
    "| Operation | ikewot | openssl speed | ratio | note |",
    "|---|---:|---:|---:|---|",
]
for label, name, theirs, note in rows:
    mine = ours.get(name)
    ratio = f"{mine / theirs:.2f}" if mine is not None and theirs else "—"
    lines.append(f"| {label} | {fmt(mine)} | {fmt(theirs)} | {ratio} | {note} |")
lines += [
    "",
    "`openssl speed` measures the raw primitive (ECDH/FFDH: derive only; ciphers: `-evp` on a reused "
    "context). Ours goes through the public API, so it includes peer-value validation, buffer "
    "allocation and, for SK encryption, drawing the IV and padding. For the AEAD ciphers, "
    "`openssl speed -evp` streams `EVP_EncryptUpdate` over one context and never sets a nonce, "
    "AAD or tag per buffer; our seal does all three per message (for ChaCha20-Poly1305 this "
    "includes deriving the Poly1305 key from a fresh ChaCha20 block), which is most of the gap "
    "in those rows. The OpenSslRng rows show that one `RAND_bytes` call for the IV costs more "
    "than sealing 1 KiB.",
    "",
]
open(out_path, "w").write("\n".join(lines))
print(f"bench-crypto: wrote {out_path}")
PY
