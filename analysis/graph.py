"""The trust graph of a run (docs/run-format.md, "metrics.csv").

At time t the graph has an edge u -> v while u holds at least one trust record for v: a `trust`
event (node u, peer v) not withdrawn by a later `untrust` at or before t. A record is identified
by (u, v, via): `via` is None for u's own verification, else the sharer whose collection vouches,
so an `untrust` withdraws exactly the record with its (node, peer, via) and trust that u also
holds from another source stays. An edge's depth is the smallest depth among its records (the
shortest chain of checks that vouches for v); its path length is depth + 1. An edge is genuine
when every record behind it is for v's real certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import networkx as nx
import pandas as pd

from .runfolder import Run

RecordKey = tuple[int, int, "int | None"]  # (node, peer, via)


@dataclass(frozen=True)
class TrustRecord:
    node: int
    peer: int
    via: int | None
    depth: int
    genuine: bool
    collection: str | None
    since: float


def _as_via(value) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)


def _as_bool(value, default: bool) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return default
    return bool(value)


def _as_depth(value, via: int | None) -> int:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return 0 if via is None else 1
    return int(value)


class TrustState:
    """The active trust records, updated event by event in simulation-time order."""

    def __init__(self) -> None:
        self.records: dict[RecordKey, TrustRecord] = {}

    def apply(self, event: dict) -> None:
        kind = event["event"]
        if kind not in ("trust", "untrust"):
            return
        node, peer = int(event["node"]), int(event["peer"])
        if node == peer:  # trusting oneself is no edge
            return
        via = _as_via(event.get("via"))
        key = (node, peer, via)
        if kind == "trust":
            self.records[key] = TrustRecord(
                node=node, peer=peer, via=via, depth=_as_depth(event.get("depth"), via),
                genuine=_as_bool(event.get("genuine"), True),
                collection=event.get("collection"), since=float(event["t"]))
        else:
            self.records.pop(key, None)

    def edges(self) -> dict[tuple[int, int], list[TrustRecord]]:
        out: dict[tuple[int, int], list[TrustRecord]] = {}
        for record in self.records.values():
            out.setdefault((record.node, record.peer), []).append(record)
        return out


def trust_events(run: Run) -> list[dict]:
    frame = run.events[run.events["event"].isin(["trust", "untrust"])]
    return frame.to_dict("records")


def replay(run: Run, times: list[float]) -> Iterator[tuple[float, TrustState, int]]:
    """Yields (t, state, index) for each sample time in ascending order; `index` is the number
    of events (of any kind) at or before t, so callers can count other kinds up to t."""
    events = run.events.to_dict("records")
    state = TrustState()
    position = 0
    for t in sorted(times):
        while position < len(events) and events[position]["t"] <= t:
            state.apply(events[position])
            position += 1
        yield t, state, position


def build_graph(run: Run, state: TrustState) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node_id, row in run.nodes.iterrows():
        graph.add_node(int(node_id), name=row["name"], role=row["role"])
    for (u, v), records in state.edges().items():
        depth = min(r.depth for r in records)
        graph.add_edge(
            u, v, depth=depth, path_length=depth + 1,
            genuine=all(r.genuine for r in records), sources=len(records),
            vias=sorted({-1 if r.via is None else r.via for r in records}),
            collections=sorted({r.collection for r in records if r.collection}))
    return graph


def trust_graph(run: Run, t: float | None = None) -> nx.DiGraph:
    """The trust graph at time t (default: the end of the run) as a networkx DiGraph. Nodes carry
    name and role; edges carry depth, path_length, genuine, sources, vias (-1: own check) and
    collections."""
    if t is None:
        t = float(run.events["t"].max()) if len(run.events) else 0.0
    for _, state, _ in replay(run, [t]):
        return build_graph(run, state)
    raise AssertionError("replay yields once per time")
