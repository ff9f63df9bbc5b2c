"""Writes run folders (docs/run-format.md) by hand, for tests whose expected metrics are derived
independently of the code under test."""

from __future__ import annotations

import csv
import json
import os


def write_run(folder: str, names: list[str], events: list[dict], *, scenario: str = "hand-made",
              seed: int = 1, parameters: dict | None = None, roles: dict[int, str] | None = None,
              summary: dict | None = None, metrics_rows: list[dict] | None = None,
              version: int = 1) -> str:
    os.makedirs(folder, exist_ok=True)
    info = {"format": "ikewot-run", "version": version, "scenario": scenario, "seed": seed,
            "run": 1, "parameters": parameters or {"nodes": len(names)},
            "ikewot_version": "0.1.0", "ns3_version": "3.37",
            "started_utc": "2026-11-27T10:00:00Z", "wall_seconds": 0.1,
            "sim_seconds": max((e["t"] for e in events), default=0.0)}
    with open(os.path.join(folder, "run.json"), "w") as handle:
        json.dump(info, handle)
    with open(os.path.join(folder, "nodes.csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "role", "address", "fingerprint", "identification"])
        for i, name in enumerate(names):
            role = (roles or {}).get(i, "person")
            writer.writerow([i, name, role, f"10.0.0.{i + 1}", f"{i:064x}",
                             "00000 00000 00000 00000 00000 00000"])
    with open(os.path.join(folder, "events.jsonl"), "w") as handle:
        for event in events:
            handle.write(json.dumps(event) + "\n")
    if metrics_rows is not None:
        columns = ["t", "trusting_pairs", "reachable_pairs_fraction", "verifications_done",
                   "verifications_without_sharing", "mean_path_length", "max_path_length",
                   "largest_component", "exposure_to_attacker"]
        with open(os.path.join(folder, "metrics.csv"), "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in metrics_rows:
                writer.writerow(row)
    if summary is not None:
        with open(os.path.join(folder, "summary.json"), "w") as handle:
            json.dump(summary, handle)
    return folder


def verify(t, node, peer, ok=True):
    return {"t": t, "node": node, "event": "verify", "peer": peer, "ok": ok, "duration_s": 30.0}


def trust(t, node, peer, via=None, depth=0, genuine=True, collection=None):
    return {"t": t, "node": node, "event": "trust", "peer": peer, "via": via, "depth": depth,
            "genuine": genuine, "collection": collection}


def untrust(t, node, peer, via=None, reason="collection disabled"):
    return {"t": t, "node": node, "event": "untrust", "peer": peer, "via": via, "reason": reason}


# Alice (0), Bob (1), Carol (2), Dave (3) and Mallory (4, a malicious sharer). Every expected
# figure in test_analysis.py is worked out by hand from this list (see the comments there).
FRIENDS = ["alice", "bob", "carol", "dave", "mallory"]
FRIENDS_ROLES = {4: "attacker"}
FRIENDS_EVENTS = [
    verify(1.0, 0, 1), trust(1.0, 0, 1),
    verify(1.0, 0, 2), trust(1.0, 0, 2),
    verify(1.0, 0, 3), trust(1.0, 0, 3),
    verify(2.0, 1, 0), trust(2.0, 1, 0),
    verify(2.5, 3, 1, ok=False),
    {"t": 3.0, "node": 0, "event": "share", "collection": "0/1", "entries": 3,
     "recipients": "all"},
    {"t": 3.0, "node": 1, "event": "import", "from": 0, "collection": "0/1", "entries": 3,
     "ok": True, "reason": None},
    {"t": 3.0, "node": 1, "event": "enable", "collection": "0/1", "from": 0,
     "condition": "connected:0"},
    trust(3.0, 1, 2, via=0, depth=1, collection="0/1"),
    trust(3.0, 1, 3, via=0, depth=1, collection="0/1"),
    verify(4.0, 2, 0), trust(4.0, 2, 0),
    {"t": 4.0, "node": 2, "event": "import", "from": 0, "collection": "0/1", "entries": 3,
     "ok": True, "reason": None},
    trust(4.0, 2, 1, via=0, depth=1, collection="0/1"),
    trust(4.0, 2, 3, via=0, depth=1, collection="0/1"),
    verify(5.0, 3, 2), trust(5.0, 3, 2),
    trust(5.0, 3, 1, via=2, depth=2, collection="2/1"),
    trust(5.0, 3, 0, via=2, depth=1, collection="2/1"),
    untrust(6.0, 1, 3, via=0),
    verify(6.5, 3, 4), trust(6.5, 3, 4),
    trust(7.0, 3, 1, via=4, depth=1, genuine=False, collection="4/1"),
    {"t": 7.5, "node": 3, "event": "connect", "peer": 1, "ok": True, "how": "collection",
     "via": 4, "reason": None, "duration_ms": 12.5, "nat": False},
    {"t": 7.6, "node": 0, "event": "connect", "peer": 1, "ok": True, "how": "verified",
     "via": None, "reason": None, "duration_ms": 10.5, "nat": False},
    {"t": 7.7, "node": 1, "event": "connect", "peer": 3, "ok": False, "how": "none",
     "via": None, "reason": "unknown certificate", "duration_ms": 30.0, "nat": False},
    untrust(8.0, 3, 1, via=4, reason="collection 4/1 removed"),
]
