"""The trust graph of a run (docs/run-format.md, "metrics.csv"), defined exactly as the C++ metrics
(sim/trust_metrics.cc, Boost.Graph) define it so both can be compared sample by sample:

At time t (events at or before t count) the graph has an edge u -> v when the last trust or
untrust event for (node u, peer v) is a `trust` event. A `trust` event replaces what u held for
v (the simulation emits a new one when the depth or the sharer changes); an `untrust` event
removes the edge. Self-trust (u == v) is ignored. An edge carries the depth, `genuine`, `via`
and `collection` of its last trust event; its path length is depth + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import networkx as nx
import pandas as pd

from .runfolder import Run


@dataclass(frozen=True)
class TrustRecord:
    """What node u holds for peer v: the fields of the last trust event."""

    node: int
    peer: int
    via: int | None  # None: u's own verification
    depth: int
    genuine: bool
    collection: str | None
    since: float


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


class TrustState:
    """The trust edges, updated event by event in simulation-time order."""

    def __init__(self) -> None:
        self.records: dict[tuple[int, int], TrustRecord] = {}

    def apply(self, event: dict) -> None:
        kind = event["event"]
        if kind not in ("trust", "untrust") or _missing(event.get("peer")):
            return
        node, peer = int(event["node"]), int(event["peer"])
        if node == peer:
            return
        if kind == "untrust":
            self.records.pop((node, peer), None)
            return
        via = None if _missing(event.get("via")) else int(event["via"])
        depth = event.get("depth")
        genuine = event.get("genuine")
        collection = event.get("collection")
        self.records[(node, peer)] = TrustRecord(
            node=node, peer=peer, via=via, depth=0 if _missing(depth) else int(depth),
            genuine=True if _missing(genuine) else bool(genuine),
            collection=collection if isinstance(collection, str) else None,
            since=float(event["t"]))


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
    for (u, v), r in state.records.items():
        graph.add_edge(u, v, depth=r.depth, path_length=r.depth + 1, genuine=r.genuine,
                       via=-1 if r.via is None else r.via, collection=r.collection or "",
                       since=r.since)
    return graph


def trust_graph(run: Run, t: float | None = None) -> nx.DiGraph:
    """The trust graph at time t (default: the end of the run) as a networkx DiGraph. Nodes carry
    name and role; edges carry depth, path_length, genuine, via (-1: own check), collection and
    since (the time of the trust event)."""
    if t is None:
        t = float(run.events["t"].max()) if len(run.events) else 0.0
    for _, state, _ in replay(run, [t]):
        return build_graph(run, state)
    raise AssertionError("replay yields once per time")
