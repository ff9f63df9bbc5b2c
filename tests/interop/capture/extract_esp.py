#!/usr/bin/python3
"""Extracts the ESP side of a capture-esp.sh case into plain text files.

child-keys.txt   "name value" lines: the CHILD_SA's SPIs, ESP transform and
                 keys as charon logged them at chd = 4 (KEYMAT order of
                 RFC 7296 2.17; AEAD keys end with the 4-octet salt)
esp-packets.txt  "frame direction hex" lines: every ESP-in-UDP datagram
                 payload (port 4500, not a Non-ESP marker, not a keepalive);
                 direction i2r or r2i

Both daemons' logs must show the same keys (crossed SPIs); otherwise this
fails, as a vector that disagrees with itself is worse than none.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

# strongSwan ESP proposal -> (encr transform id, key bits, integ transform id)
TRANSFORMS = {
    "aes128gcm16": (20, 128, 0),
    "aes256gcm16": (20, 256, 0),
    "aes256-sha256": (12, 256, 12),
    "aes128-sha256": (12, 128, 12),
    "chacha20poly1305": (28, 0, 0),
}

KEY_NAMES = {
    "encryption initiator key": "encr_key_i_to_r",
    "encryption responder key": "encr_key_r_to_i",
    "integrity initiator key": "integ_key_i_to_r",
    "integrity responder key": "integ_key_r_to_i",
}

DUMP_HEAD = re.compile(r"\[CHD\] <[^>]*> (.+?) => (\d+) bytes @")
DUMP_LINE = re.compile(r"\[CHD\] <[^>]*>\s+\d+: ((?:[0-9A-F]{2} ?)+)")
SPIS = re.compile(r"CHILD_SA \S+ established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o")


def child_keys(log: Path):
    """Keys of the first CHILD_SA in a charon log, and its (inbound, outbound) SPIs."""
    keys = {}
    lines = log.read_text(errors="replace").splitlines()
    i = 0
    while i < len(lines):
        m = DUMP_HEAD.search(lines[i])
        if m and m.group(1) in KEY_NAMES and KEY_NAMES[m.group(1)] not in keys:
            want = int(m.group(2))
            data = bytearray()
            i += 1
            while len(data) < want and i < len(lines):
                d = DUMP_LINE.search(lines[i])
                if not d:
                    break
                data += bytes.fromhex(d.group(1).replace(" ", ""))[: want - len(data)]
                i += 1
            if len(data) != want:
                sys.exit(f"{log}: short dump for {m.group(1)}")
            keys[KEY_NAMES[m.group(1)]] = data.hex()
            continue
        i += 1
    spis = None
    for line in lines:
        s = SPIS.search(line)
        if s:
            spis = (s.group(1), s.group(2))
            break
    if not spis:
        sys.exit(f"{log}: no 'established with SPIs' line")
    return keys, spis


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case_dir")
    parser.add_argument("--initiator", required=True, help="initiator's outer address")
    parser.add_argument("--esp", required=True, help="strongSwan ESP proposal of the case")
    args = parser.parse_args()
    out = Path(args.case_dir)
    if args.esp not in TRANSFORMS:
        sys.exit(f"unknown ESP proposal {args.esp}")

    keys_i, (in_i, out_i) = child_keys(out / "charon-initiator.log")
    keys_r, (in_r, out_r) = child_keys(out / "charon-responder.log")
    if keys_i != keys_r or in_i != out_r or out_i != in_r:
        sys.exit("initiator and responder logs disagree on the CHILD_SA keys or SPIs")
    if "encr_key_i_to_r" not in keys_i:
        sys.exit("no CHILD_SA key dump in the logs (chd = 4?)")
    encr, bits, integ = TRANSFORMS[args.esp]
    fields = {
        "esp_proposal": args.esp,
        "encr_id": str(encr),
        "encr_key_bits": str(bits),
        "integ_id": str(integ),
        "spi_i": in_i,  # the initiator's inbound SPI
        "spi_r": in_r,  # the responder's inbound SPI
    }
    for name in ("encr_key_i_to_r", "integ_key_i_to_r", "encr_key_r_to_i", "integ_key_r_to_i"):
        fields[name] = keys_i.get(name, "-")
    with open(out / "child-keys.txt", "w") as f:
        f.write("# CHILD_SA keys from charon's chd = 4 log (see extract_esp.py)\n")
        for name, value in fields.items():
            f.write(f"{name} {value}\n")

    tshark = subprocess.run(
        ["tshark", "-r", str(out / "capture.pcap"), "-Y", "udp.port == 4500",
         "-T", "fields", "-e", "frame.number", "-e", "ip.src", "-e", "udp.payload"],
        check=True, capture_output=True, text=True)
    count = 0
    with open(out / "esp-packets.txt", "w") as f:
        f.write("# frame direction ESP packet (UDP payload on port 4500)\n")
        for line in tshark.stdout.splitlines():
            frame, src, payload = (line.split("\t") + ["", ""])[:3]
            if len(payload) < 16 or payload.startswith("00000000"):
                continue  # keepalive or IKE
            direction = "i2r" if src == args.initiator else "r2i"
            want_spi = in_r if direction == "i2r" else in_i
            if payload[:8] != want_spi:
                sys.exit(f"frame {frame}: SPI {payload[:8]} is not the CHILD_SA's {want_spi}")
            f.write(f"{frame} {direction} {payload}\n")
            count += 1
    if count == 0:
        sys.exit("no ESP packets in the capture")
    print(f"  esp-packets.txt: {count} ESP packets; child-keys.txt: {args.esp}, "
          f"SPIs {in_i}/{in_r}")


if __name__ == "__main__":
    main()
