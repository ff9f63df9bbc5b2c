"""ike-scan against the same daemon as ikewot, and what it learned, for the comparison table.

ike-scan (Debian's 1.9.5) speaks IKEv1 only as far as the responder's first answer: main mode
MM1 -> MM2 (the accepted transform and vendor IDs) or aggressive mode AM1 -> AM2 (also the
responder's identity, and whatever certificate and signature it sends, which ike-scan neither
parses nor verifies). Its KE data is random octets and it never sends MM3/AM3, so it never
learns a key, cannot check a signature and cannot evaluate NAT-D.

`scan` runs it in a host's namespace with `--multiline` and parses the answer into a dict:
    {"answer": "Main Mode Handshake" | "Aggressive Mode Handshake" | "Notify" | "none",
     "notify": "NO-PROPOSAL-CHOSEN" ..., "transform": "Enc=AES KeyLength=256 ...",
     "vendor_ids": [{"raw": hex, "name": text}], "identity": "ID_FQDN gw.ikewot.test",
     "certificate": bool, "signature": bool, "nat_d": count, "payloads": [raw lines]}
"""

import re

# RFC 2409 Appendix A numbers for --trans=(attr=value,...): AES-CBC-256, SHA2-256, RSA
# signatures, MODP-2048 -- the IKEV1_IKE suite of the daemons (harness/daemon.py).
IKEV1_RSA_TRANSFORM = "(1=7,14=256,2=4,3=3,4=14)"


def scan(host, target, aggressive=False, transform=None, ident="ike-scan@ikewot.test"):
    """ike-scan from `host` to `target`; returns (argv, parsed dict, stdout)."""
    argv = ["ike-scan", "--multiline", "--sport=0", "--retry=2", "--timeout=1000"]
    if aggressive:
        argv += ["--aggressive", "--dhgroup=14", f"--id={ident}", "--idtype=3"]
    if transform:
        argv.append(f"--trans={transform}")
    argv.append(target)
    done = host.run(*argv, check=False, timeout=30)
    return argv, parse(done.stdout), done.stdout


def parse(text):
    learned = {"answer": "none", "notify": None, "transform": None, "vendor_ids": [],
               "identity": None, "certificate": False, "signature": False, "nat_d": 0,
               "payloads": []}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^\S+\t(.*)$", line)
        if not m or "Starting ike-scan" in line or "Ending ike-scan" in line:
            continue
        head = m.group(1).strip()
        if head.startswith("Notify message"):
            learned["answer"] = "Notify"
            n = re.search(r"\(([^)]+)\)", head)
            learned["notify"] = n.group(1) if n else head
        elif "Handshake returned" in head:
            learned["answer"] = head.replace(" returned", "")
        elif head.startswith("Unexpected IKE payload returned"):
            # e.g. an encrypted-looking Informational: HASH then a Notification line.
            learned["answer"] = "Informational"
        for sub in lines[i + 1:]:
            if not sub.startswith("\t"):
                break
            _payload(learned, sub.strip())
        break  # one target
    return learned


def _payload(learned, item):
    learned["payloads"].append(item)
    if item.startswith("SA="):
        learned["transform"] = item[4:-1] if item.endswith(")") else item[3:]
    elif item.startswith("VID="):
        m = re.match(r"VID=([0-9a-fA-F]+)(?:\s+\((.*)\))?", item)
        if m:
            learned["vendor_ids"].append({"raw": m.group(1).lower(), "name": m.group(2)})
    elif item.startswith("ID("):
        m = re.match(r"ID\(Type=([^,]+), Value=(.*)\)$", item)
        learned["identity"] = f"{m.group(1)} {m.group(2)}" if m else item
    elif re.match(r"(Cert|Certificate)", item):
        learned["certificate"] = True
    elif re.match(r"(Signature|SIG)", item):
        learned["signature"] = True
    elif item.startswith("Notification=("):
        m = re.match(r"Notification=\(Type=([^,)]+)", item)
        learned["notify"] = m.group(1) if m else item
    elif item.startswith("NAT-D"):
        learned["nat_d"] += 1
