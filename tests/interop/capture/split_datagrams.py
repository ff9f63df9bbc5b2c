#!/usr/bin/python3
"""Writes every IKE datagram of a capture as its own file.

Output names are NN-<exchange>-<request|response>.bin, NN counting from 00 in
capture order. Each file is the raw IKE message: IP fragments are reassembled
by tshark and the 4-byte non-ESP marker of UDP port 4500 is removed. NAT
keepalives (a single 0xFF octet) and ESP-in-UDP are skipped.

IKEv2 tells requests from responses by the R flag of the header. IKEv1 has no
such flag: there "request" means sent by the IKE initiator (--initiator) and
"response" sent by the responder.

A summary, datagrams.json, lists every file with its frame number, addresses,
ports, exchange, message ID and first payload type.
"""

import argparse
import json
import os
import struct
import subprocess
import sys

IKEV2_EXCHANGES = {
    34: "IKE_SA_INIT",
    35: "IKE_AUTH",
    36: "CREATE_CHILD_SA",
    37: "INFORMATIONAL",
    43: "IKE_INTERMEDIATE",
}
IKEV1_EXCHANGES = {
    2: "MAIN_MODE",
    4: "AGGRESSIVE",
    5: "INFORMATIONAL_V1",
    6: "TRANSACTION",
    32: "QUICK_MODE",
}
IKE_HEADER_LEN = 28
NON_ESP_MARKER = b"\x00\x00\x00\x00"


def read_udp_payloads(pcap):
    """Yields (frame, src, dst, sport, dport, payload) for every UDP datagram."""
    fields = ["frame.number", "ip.src", "ip.dst", "udp.srcport", "udp.dstport",
              "udp.payload"]
    cmd = ["tshark", "-r", pcap, "-Y", "udp", "-T", "fields",
           "-E", "separator=|", "-o", "ip.defragment:TRUE"]
    for field in fields:
        cmd += ["-e", field]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        frame, src, dst, sport, dport, payload = line.split("|")
        yield (int(frame), src, dst, int(sport), int(dport),
               bytes.fromhex(payload.replace(":", "")))


def classify(message, version, from_initiator):
    if len(message) < IKE_HEADER_LEN:
        raise ValueError("datagram shorter than an IKE header")
    next_payload, ver, exchange, flags, msg_id, length = struct.unpack(
        "!BBBBII", message[16:IKE_HEADER_LEN])
    if length != len(message):
        raise ValueError(
            "IKE header length %d differs from datagram length %d" %
            (length, len(message)))
    if ver >> 4 != version:
        raise ValueError("major version %d, expected %d" % (ver >> 4, version))
    if version == 2:
        name = IKEV2_EXCHANGES.get(exchange, "EXCHANGE_%d" % exchange)
        direction = "response" if flags & 0x20 else "request"
    else:
        name = IKEV1_EXCHANGES.get(exchange, "EXCHANGE_%d" % exchange)
        direction = "request" if from_initiator else "response"
    return name, direction, msg_id, next_payload, flags


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pcap")
    parser.add_argument("outdir")
    parser.add_argument("--initiator", required=True,
                        help="IP address of the IKE initiator in the capture")
    parser.add_argument("--ike-version", type=int, choices=(1, 2), required=True)
    args = parser.parse_args()

    for name in os.listdir(args.outdir):
        if name.endswith(".bin"):
            os.remove(os.path.join(args.outdir, name))

    index = []
    for frame, src, dst, sport, dport, payload in read_udp_payloads(args.pcap):
        if 4500 in (sport, dport):
            if payload == b"\xff":
                continue  # NAT keepalive
            if not payload.startswith(NON_ESP_MARKER):
                continue  # ESP in UDP
            payload = payload[len(NON_ESP_MARKER):]
        elif 500 not in (sport, dport):
            continue
        try:
            exchange, direction, msg_id, first, flags = classify(
                payload, args.ike_version, src == args.initiator)
        except ValueError as err:
            sys.exit("frame %d: %s" % (frame, err))
        filename = "%02d-%s-%s.bin" % (len(index), exchange, direction)
        with open(os.path.join(args.outdir, filename), "wb") as out:
            out.write(payload)
        index.append({
            "file": filename, "frame": frame, "src": "%s:%d" % (src, sport),
            "dst": "%s:%d" % (dst, dport), "exchange": exchange,
            "direction": direction, "message_id": msg_id,
            "flags": flags, "first_payload": first, "length": len(payload),
        })
    if not index:
        sys.exit("no IKE datagrams in %s" % args.pcap)
    first = open(os.path.join(args.outdir, index[0]["file"]), "rb").read()
    if first[8:16] != bytes(8) or index[0]["direction"] != "request":
        sys.exit("capture does not start with the initiator's first message "
                 "(responder SPI zero): did the capture start too late?")
    with open(os.path.join(args.outdir, "datagrams.json"), "w") as out:
        json.dump(index, out, indent=2)
        out.write("\n")
    for entry in index:
        print("  %-32s frame %3d %5d bytes %s -> %s" % (
            entry["file"], entry["frame"], entry["length"], entry["src"],
            entry["dst"]))


if __name__ == "__main__":
    main()
