"""Shared by the report generators inside scripts/bench-*.sh: reading Google Benchmark JSON
and `openssl speed -mr` output, and the date line every report carries."""
import datetime
import json

_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load_runs(*paths):
    """Benchmark name (without /min_time:... and /iterations:...) -> its JSON record."""
    runs = {}
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                runs[b["name"].split("/min_time")[0].split("/iterations")[0]] = b
    return runs


def cpu_seconds(run):
    """CPU seconds per iteration of one benchmark record."""
    return run["cpu_time"] * _UNIT_SECONDS[run["time_unit"]]


def openssl_speed(path, block_bytes=1024):
    """Seconds per operation from `openssl speed -mr` lines, keyed like "ecdsa256-verify",
    "rsa2048-sign", "ecdh253", "ffdh2048", and "aes-128-gcm/1024" (a block of that many
    bytes). Lines: +F2/+F4:i:bits:sign/s:verify/s (RSA/ECDSA), +F5/+F8:i:bits:ops/s:s/op
    (ECDH/FFDH), +F:i:name:bytes/s (one -bytes size, `block_bytes`; the callers retag lines
    as +F64:, +F1024: ... where they ran several sizes)."""
    speed = {}
    with open(path) as f:
        for line in f:
            fields = line.strip().split(":")
            tag = fields[0]
            if tag in ("+F2", "+F4"):
                kind = "rsa" if tag == "+F2" else "ecdsa"
                speed[f"{kind}{fields[2]}-sign"] = 1.0 / float(fields[3])
                speed[f"{kind}{fields[2]}-verify"] = 1.0 / float(fields[4])
            elif tag in ("+F5", "+F8"):
                speed[("ecdh" if tag == "+F5" else "ffdh") + fields[2]] = 1.0 / float(fields[3])
            elif tag == "+F" or (tag[2:].isdigit() and int(tag[2:]) >= 16):
                size = int(tag[2:]) if tag != "+F" else block_bytes
                speed[f"{fields[2].lower()}/{size}"] = size / float(fields[3])
    return speed


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
