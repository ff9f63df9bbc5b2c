#!/usr/bin/python3
"""Writes keys.json for one captured case from charon's level-4 logs.

charon (strongSwan 5.9.8, filelog `ike = 4`) dumps every derived secret as
    NN[IKE] <ikw|1> SKEYSEED => 32 bytes @ 0x...
    NN[IKE] <ikw|1>    0: CD 59 00 34 ...  ascii
The keys are taken from charon-initiator.log; when the responder is charon
too, charon-responder.log must hold an identical derivation (checked). A
libreswan responder (pluto) keeps its keys inside NSS and never logs them, so
there only the recomputations below check the values. Values that charon does not log directly
are recovered and then checked against the logged ones:
  IKEv2: SPIs and nonces come from the two logged AUTH inputs
         ("octets = message + nonce + prf(Sk_px, IDx')", RFC 7296 2.15);
         SKEYSEED = prf(Ni | Nr, g^ir) and both prf(SK_px, IDx') are
         recomputed here, and the logged IKE_SA_INIT messages must equal the
         captured .bin files.
  IKEv1: cookies and nonces come from the captured plaintext messages;
         SKEYID = prf(Ni_b | Nr_b, g^xy) and SKEYID_d are recomputed here
         (RFC 2409 5, signature authentication).
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import struct
import sys

LINE_RE = re.compile(r"^(\d+)\[(\w+)\] (?:<[^>]*> )?(.*)$")
DUMP_HEAD_RE = re.compile(r"^(.*?) => (\d+) bytes @ 0x[0-9a-f]+$")
DUMP_ROW_RE = re.compile(r"^\s*\d+: ((?:[0-9A-F]{2} )*[0-9A-F]{2})")

DH_GROUPS = {
    "MODP_1024": 2, "MODP_1536": 5, "MODP_2048": 14, "MODP_3072": 15,
    "MODP_4096": 16, "ECP_256": 19, "ECP_384": 20, "ECP_521": 21,
    "CURVE_25519": 31, "CURVE_448": 32,
}
PRF_HASHES = {
    "PRF_HMAC_SHA1": hashlib.sha1, "PRF_HMAC_SHA2_256": hashlib.sha256,
    "PRF_HMAC_SHA2_384": hashlib.sha384, "PRF_HMAC_SHA2_512": hashlib.sha512,
}
IKEV2_KEYS = [
    ("shared Diffie Hellman secret", "shared_secret"), ("SKEYSEED", "skeyseed"),
    ("Sk_d secret", "sk_d"), ("Sk_ai secret", "sk_ai"),
    ("Sk_ar secret", "sk_ar"), ("Sk_ei secret", "sk_ei"),
    ("Sk_er secret", "sk_er"), ("Sk_pi secret", "sk_pi"),
    ("Sk_pr secret", "sk_pr"),
]
IKEV1_KEYS = [
    ("shared Diffie Hellman secret", "shared_secret"), ("SKEYID", "skeyid"),
    ("SKEYID_d", "skeyid_d"), ("SKEYID_a", "skeyid_a"),
    ("SKEYID_e", "skeyid_e"), ("encryption key Ka", "encryption_key"),
]
AUTH_OCTETS = "octets = message + nonce + prf(Sk_px, IDx')"
SUMMARY_RE = re.compile(
    r"^(?:generating|parsed) (\w+) (request|response) (\d+) \[ (.*?) ?\]$")
IKEV2_SK = 46
IKEV2_SKF = 53
IKEV1_KE = 4
IKEV1_NONCE = 10


class LogDump:
    def __init__(self, thread, label, data):
        self.thread, self.label, self.data = thread, label, data


def parse_log(path):
    """Returns (dumps, messages): the %B dumps and the plain log messages."""
    dumps, messages, open_dump = [], [], {}
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            match = LINE_RE.match(raw.rstrip("\n"))
            if not match:
                continue
            thread, text = match.group(1), match.group(3)
            row = DUMP_ROW_RE.match(text)
            if row and thread in open_dump:
                open_dump[thread][1].extend(bytes.fromhex(row.group(1)))
                continue
            if thread in open_dump:
                label, data, expected = open_dump.pop(thread)
                if len(data) != expected:
                    sys.exit("%s: dump '%s' has %d of %d bytes" %
                             (path, label, len(data), expected))
                dumps.append(LogDump(thread, label, bytes(data)))
            head = DUMP_HEAD_RE.match(text)
            if head:
                open_dump[thread] = (head.group(1), bytearray(),
                                     int(head.group(2)))
            else:
                messages.append(text)
    for thread, (label, data, expected) in open_dump.items():
        if len(data) != expected:
            sys.exit("%s: dump '%s' truncated" % (path, label))
        dumps.append(LogDump(thread, label, bytes(data)))
    return dumps, messages


def key_blocks(dumps, names):
    """Groups consecutive key dumps (per thread) that start a derivation."""
    first_label = names[0][0]
    wanted = dict(names)
    blocks, current = [], None
    for dump in dumps:
        if dump.label == first_label:
            current = {"_thread": dump.thread}
            blocks.append(current)
        if current is not None and dump.label in wanted \
                and dump.thread == current["_thread"] \
                and wanted[dump.label] not in current:
            current[wanted[dump.label]] = dump.data
    for block in blocks:
        del block["_thread"]
    return blocks


def selected_proposal(messages):
    found = [m.split(": ", 1)[1] for m in messages
             if m.startswith("selected proposal: IKE:")]
    if not found:
        sys.exit("no 'selected proposal' in log")
    return found[-1]


def split_suite(suite):
    """IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519 -> parts."""
    parts = suite.split(":", 1)[1].split("/")
    prf = next((p for p in parts if p.startswith("PRF_")), None)
    group = next((p for p in parts if p in DH_GROUPS), None)
    integ = next((p for p in parts if p.startswith(("HMAC_", "AES_XCBC",
                                                     "AES_CMAC"))), None)
    encr = parts[0]
    if prf is None or group is None:
        sys.exit("cannot split suite %s" % suite)
    return encr, integ, prf, group


def prf(prf_name, key, data):
    return hmac.new(key, data, PRF_HASHES[prf_name]).digest()


def bin_files(case_dir):
    return sorted(f for f in os.listdir(case_dir) if f.endswith(".bin"))


def read_bin(case_dir, name):
    with open(os.path.join(case_dir, name), "rb") as f:
        return f.read()


def hexs(data):
    return data.hex() if data is not None else ""


def matching_block(blocks, reference, fields):
    for block in blocks:
        if all(block.get(f) == reference.get(f) for f in fields):
            return True
    return False


def charon_payload_summaries(messages):
    """{"IKE_AUTH request 1": "IDi CERT ..."} from charon's message lines.

    charon lists the payloads of each message it generates or parses, the
    inner payloads for SK-protected ones. Lines of single RFC 7383 fragments
    ("EF(1/5)") are skipped: the reassembled message has its own line. For a
    repeated message (IKE_SA_INIT after COOKIE or INVALID_KE_PAYLOAD) the last
    line wins, which is the one that belongs to the established SA.
    """
    summaries = {}
    for text in messages:
        match = SUMMARY_RE.match(text)
        if not match or match.group(4).startswith("EF("):
            continue
        key = "%s %s %s" % match.group(1, 2, 3)
        summaries[key] = match.group(4)
    return summaries


def ikev2(case_dir, init_dumps, init_msgs, resp_dumps):
    """resp_dumps is None when the responder's log has no key dumps."""
    blocks = [b for b in key_blocks(init_dumps, IKEV2_KEYS) if "sk_pr" in b]
    if len(blocks) != 1:
        sys.exit("expected one IKEv2 key derivation in initiator log, got %d" %
                 len(blocks))
    keys = blocks[0]
    fields = [name for _, name in IKEV2_KEYS]
    if resp_dumps is not None and \
            not matching_block(key_blocks(resp_dumps, IKEV2_KEYS), keys, fields):
        sys.exit("responder log has no derivation equal to the initiator's")
    suite = selected_proposal(init_msgs)
    encr, integ, prf_name, group = split_suite(suite)

    octets = [d.data for d in init_dumps if d.label == AUTH_OCTETS]
    own = [o for o in octets if not o[19] & 0x20]     # IKE_SA_INIT request
    peer = [o for o in octets if o[19] & 0x20]        # IKE_SA_INIT response
    if len(own) != 1 or len(peer) != 1:
        sys.exit("expected two AUTH octet dumps in initiator log")
    own, peer = own[0], peer[0]
    prf_len = len(keys["sk_pi"])

    def split_octets(blob):
        msg_len = struct.unpack("!I", blob[24:28])[0]
        return (blob[:msg_len], blob[msg_len:len(blob) - prf_len],
                blob[len(blob) - prf_len:])

    request, nr, prf_i = split_octets(own)
    response, ni, prf_r = split_octets(peer)
    spi_i, spi_r = response[0:8], response[8:16]
    if request[0:8] != spi_i:
        sys.exit("initiator SPI differs between the two IKE_SA_INIT messages")

    # Cross-checks of what was recovered from the dumps.
    if prf(prf_name, ni + nr, keys["shared_secret"]) != keys["skeyseed"]:
        sys.exit("recomputed SKEYSEED differs from charon's")
    id_dumps = [d.data for d in init_dumps if d.label == "IDx'"]
    if prf(prf_name, keys["sk_pi"], id_dumps[0]) != prf_i:
        sys.exit("prf(SK_pi, IDi') differs from the AUTH octets")
    if prf(prf_name, keys["sk_pr"], id_dumps[1]) != prf_r:
        sys.exit("prf(SK_pr, IDr') differs from the AUTH octets")
    files = bin_files(case_dir)
    init_req = [f for f in files if read_bin(case_dir, f) == request]
    init_resp = [f for f in files if read_bin(case_dir, f) == response]
    if len(init_req) != 1 or len(init_resp) != 1:
        sys.exit("the logged IKE_SA_INIT messages are not among the .bin files")

    protected = [f for f in files if read_bin(case_dir, f)[16] in
                 (IKEV2_SK, IKEV2_SKF)]
    return {
        "ike_version": 2,
        "suite": suite,
        "encryption": encr, "integrity": integ, "prf": prf_name,
        "dh_group": group, "dh_group_number": DH_GROUPS[group],
        "spi_i": spi_i.hex(), "spi_r": spi_r.hex(),
        "ni": ni.hex(), "nr": nr.hex(),
        **{name: hexs(keys.get(name)) for name in fields},
        "ike_sa_init_request": init_req[0],
        "ike_sa_init_response": init_resp[0],
        "sk_protected": protected,
        "charon_payloads": charon_payload_summaries(init_msgs),
        "notes": ("AEAD suites have no SK_ai/SK_ar (empty) and SK_ei/SK_er "
                  "end with the 4-octet GCM salt (RFC 5282 7.1) or "
                  "ChaCha20-Poly1305 salt (RFC 7634 2)."
                  if integ is None else ""),
    }


def ikev1_payloads(message):
    """Yields (type, body) of the plaintext payload chain of an ISAKMP msg."""
    next_type, offset = message[16], 28
    while next_type != 0:
        if offset + 4 > len(message):
            sys.exit("truncated ISAKMP payload")
        following, _, length = struct.unpack("!BBH", message[offset:offset + 4])
        yield next_type, message[offset + 4:offset + length]
        next_type, offset = following, offset + length


def ikev1(case_dir, init_dumps, init_msgs, resp_dumps):
    blocks = [b for b in key_blocks(init_dumps, IKEV1_KEYS) if "skeyid_e" in b]
    if len(blocks) != 1:
        sys.exit("expected one IKEv1 key derivation in initiator log, got %d" %
                 len(blocks))
    keys = blocks[0]
    key_dumps = [d for d in init_dumps if d.label == "encryption key Ka"]
    if key_dumps:
        keys["encryption_key"] = key_dumps[0].data
    fields = [name for _, name in IKEV1_KEYS if name != "encryption_key"]
    if resp_dumps is not None and \
            not matching_block(key_blocks(resp_dumps, IKEV1_KEYS), keys, fields):
        sys.exit("responder log has no derivation equal to the initiator's")
    suite = selected_proposal(init_msgs)
    encr, integ, prf_name, group = split_suite(suite)

    with open(os.path.join(case_dir, "datagrams.json")) as f:
        index = json.load(f)
    nonces = {}
    for entry in index:
        message = read_bin(case_dir, entry["file"])
        if message[19] & 0x01:
            continue  # encrypted
        for ptype, body in ikev1_payloads(message):
            if ptype == IKEV1_NONCE:
                nonces.setdefault(entry["direction"], body)
    ni, nr = nonces.get("request"), nonces.get("response")
    if ni is None or nr is None:
        sys.exit("no plaintext nonces in the captured phase 1 messages")
    first = read_bin(case_dir, index[0]["file"])
    second = read_bin(case_dir, index[1]["file"])
    cky_i, cky_r = first[0:8], second[8:16]
    if prf(prf_name, ni + nr, keys["shared_secret"]) != keys["skeyid"]:
        sys.exit("recomputed SKEYID differs from charon's")
    skeyid_d = prf(prf_name, keys["skeyid"],
                   keys["shared_secret"] + cky_i + cky_r + b"\x00")
    if skeyid_d != keys["skeyid_d"]:
        sys.exit("recomputed SKEYID_d differs from charon's")
    protected = [e["file"] for e in index
                 if read_bin(case_dir, e["file"])[19] & 0x01]
    return {
        "ike_version": 1,
        "suite": suite,
        "encryption": encr, "integrity": integ, "prf": prf_name,
        "dh_group": group, "dh_group_number": DH_GROUPS[group],
        "spi_i": cky_i.hex(), "spi_r": cky_r.hex(),
        "ni": ni.hex(), "nr": nr.hex(),
        **{name: hexs(keys.get(name)) for _, name in IKEV1_KEYS},
        "encrypted": protected,
        "notes": "spi_i/spi_r are the ISAKMP cookies CKY-I/CKY-R; ni/nr are "
                 "the nonce payload bodies; encryption_key is Ka (RFC 2409 "
                 "Appendix B), SKEYID_e cut or expanded to the key length.",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case_dir")
    parser.add_argument("--ike-version", type=int, choices=(1, 2), required=True)
    parser.add_argument("--responder-log", default="charon-responder.log")
    parser.add_argument("--responder-kind", choices=("charon", "pluto"),
                        default="charon")
    args = parser.parse_args()
    init_dumps, init_msgs = parse_log(
        os.path.join(args.case_dir, "charon-initiator.log"))
    resp_dumps = None
    if args.responder_kind == "charon":
        resp_dumps, _ = parse_log(
            os.path.join(args.case_dir, args.responder_log))
    if args.ike_version == 2:
        result = ikev2(args.case_dir, init_dumps, init_msgs, resp_dumps)
    else:
        result = ikev1(args.case_dir, init_dumps, init_msgs, resp_dumps)
    if resp_dumps is not None:
        result["source"] = ("charon-initiator.log (strongSwan 5.9.8), "
                            "confirmed by %s" % args.responder_log)
    else:
        result["source"] = ("charon-initiator.log (strongSwan 5.9.8); the "
                            "libreswan responder does not log keys (NSS)")
    with open(os.path.join(args.case_dir, "keys.json"), "w") as out:
        json.dump(result, out, indent=2)
        out.write("\n")
    print("  keys.json: %s, %d protected datagrams" % (
        result["suite"],
        len(result.get("sk_protected", result.get("encrypted", [])))))


if __name__ == "__main__":
    main()
