"""Trust-graph growth metrics (defined in docs/analysis.md), computed with networkx from the
events alone, so they can be checked against the C++ metrics (metrics.csv, Boost.Graph)."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd

from .graph import TrustState, build_graph, replay, trust_graph
from .runfolder import METRIC_COLUMNS, Run

# Events after which the metrics can change.
_GROWTH_EVENTS = ("trust", "untrust", "verify")
MAX_DEFAULT_SAMPLES = 400


def default_times(run: Run) -> list[float]:
    """The C++ sample times when metrics.csv exists (so both can be compared row by row), else
    every time a trust, untrust or verify event happened (thinned to MAX_DEFAULT_SAMPLES)."""
    if run.cpp_metrics is not None and len(run.cpp_metrics):
        return [float(t) for t in run.cpp_metrics["t"]]
    changes = run.events[run.events["event"].isin(_GROWTH_EVENTS)]["t"].unique().tolist()
    times = sorted({0.0, *changes})
    if len(times) > MAX_DEFAULT_SAMPLES:
        picks = np.linspace(0, len(times) - 1, MAX_DEFAULT_SAMPLES).round().astype(int)
        times = [times[i] for i in sorted(set(picks))]
    return times


def _ok(value) -> bool:
    return value is True or (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                             and value == 1) or (isinstance(value, np.bool_) and bool(value))


def _needed_pairs_over_events(run: Run) -> list[int]:
    """For each event index i, the number of distinct ordered pairs (u, v), u != v, that needed a
    verification without sharing among the first i events: u verified v (ok), or u and v
    connected (ok; both orders). The C++ RunWriter counts the same."""
    seen: set[tuple[int, int]] = set()
    counts = [0]
    for event in run.events[["node", "event", "peer", "ok"]].to_dict("records"):
        kind, peer = event["event"], event["peer"]
        if kind in ("verify", "connect") and _ok(event["ok"]) and peer is not None and not (
                isinstance(peer, float) and math.isnan(peer)):
            u, v = int(event["node"]), int(peer)
            if u != v:
                seen.add((u, v))
                if kind == "connect":
                    seen.add((v, u))
        counts.append(len(seen))
    return counts


def snapshot_metrics(run: Run, state: TrustState, verifications_done: int,
                     verifications_needed: int) -> dict:
    """The metrics.csv figures (and a few more) for one state of the trust edges."""
    n = run.node_count
    graph = build_graph(run, state)
    pairs = graph.number_of_edges()
    lengths = [d["path_length"] for _, _, d in graph.edges(data=True)]
    exposed = {u for u, _, d in graph.edges(data=True) if not d["genuine"]}
    strong = list(nx.strongly_connected_components(graph)) if n else []
    weak = list(nx.weakly_connected_components(graph)) if n else []
    all_pairs = n * (n - 1)
    return {
        "trusting_pairs": pairs,
        "reachable_pairs_fraction": pairs / all_pairs if all_pairs else 0.0,
        "verifications_done": verifications_done,
        "verifications_without_sharing": verifications_needed,
        "mean_path_length": float(np.mean(lengths)) if lengths else 0.0,
        "max_path_length": int(max(lengths)) if lengths else 0,
        "largest_component": max((len(c) for c in strong), default=0),
        "exposure_to_attacker": len(exposed) / n if n else 0.0,
        # Beyond metrics.csv:
        "verifications_everyone_checks_everyone": all_pairs,
        "saved_vs_no_sharing": verifications_needed - verifications_done,
        "saved_vs_everyone": all_pairs - verifications_done,
        "pairs_via_collections": sum(1 for _, _, d in graph.edges(data=True) if d["depth"] > 0),
        "strong_components": len(strong),
        "largest_weak_component": max((len(c) for c in weak), default=0),
        "weak_components": len(weak),
        "exposed_nodes": len(exposed),
    }


def metrics_over_time(run: Run, times: list[float] | None = None) -> pd.DataFrame:
    """One row per sample time: the metrics.csv columns first, then the extra figures."""
    times = default_times(run) if times is None else list(times)
    verify_ok = run.events["event"].eq("verify") & run.events["ok"].map(_ok)
    verified_before = np.concatenate([[0], np.cumsum(verify_ok.to_numpy(dtype=int))])
    needed_before = _needed_pairs_over_events(run)
    rows = []
    for t, state, index in replay(run, times):
        row = {"t": t}
        row.update(snapshot_metrics(run, state, int(verified_before[index]),
                                    needed_before[index]))
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=list(METRIC_COLUMNS))
    return frame


def compare_with_cpp(run: Run, python_metrics: pd.DataFrame | None = None,
                     tolerance: float = 1e-4) -> pd.DataFrame | None:
    """Per metrics.csv column: the largest difference between the C++ and the networkx value at
    the same sample times, and whether it is within `tolerance` (metrics.csv prints fractions
    with 6 and the mean path length with 4 decimals; counts must be equal). None when the run
    has no metrics.csv."""
    if run.cpp_metrics is None:
        return None
    ours = python_metrics if python_metrics is not None else metrics_over_time(
        run, [float(t) for t in run.cpp_metrics["t"]])
    theirs = run.cpp_metrics.reset_index(drop=True)
    if len(ours) != len(theirs):
        ours = metrics_over_time(run, [float(t) for t in theirs["t"]])
    rows = []
    for column in METRIC_COLUMNS[1:]:
        diff = (ours[column].astype(float) - theirs[column].astype(float)).abs()
        worst = int(diff.idxmax()) if len(diff) else 0
        allowed = tolerance if column in ("reachable_pairs_fraction", "mean_path_length",
                                          "exposure_to_attacker") else 0.0
        rows.append({
            "metric": column,
            "max_abs_difference": float(diff.max()) if len(diff) else 0.0,
            "agree": bool((diff <= allowed).all()),
            "worst_t": float(theirs["t"].iloc[worst]) if len(diff) else math.nan,
        })
    return pd.DataFrame(rows)


def degree_distribution(graph: nx.DiGraph) -> pd.DataFrame:
    """How many nodes have each in-degree (trusted by k others) and out-degree (trust k others)."""
    ins = Counter(d for _, d in graph.in_degree())
    outs = Counter(d for _, d in graph.out_degree())
    degrees = sorted(set(ins) | set(outs))
    return pd.DataFrame({"degree": degrees,
                         "in_count": [ins.get(d, 0) for d in degrees],
                         "out_count": [outs.get(d, 0) for d in degrees]})


def hop_distances(graph: nx.DiGraph) -> pd.DataFrame:
    """Shortest directed hop counts between all ordered pairs that are connected at all: how far
    apart nodes are in the web of trust (a distance-k pair could trust each other with delegation
    depth k - 1)."""
    counts: Counter = Counter()
    for _, lengths in nx.all_pairs_shortest_path_length(graph):
        for distance in lengths.values():
            if distance > 0:
                counts[distance] += 1
    return pd.DataFrame({"hops": sorted(counts), "pairs": [counts[k] for k in sorted(counts)]})


def depth_effect(run: Run, t: float | None = None) -> pd.DataFrame:
    """What a delegation cap would leave at time t: for cap c = 0 (no sharing), 1 (only what a
    sharer checked personally), 2, ... the pairs still trusting and the nodes still exposed (an
    edge counts under cap c when its depth is <= c)."""
    graph = trust_graph(run, t)
    n = run.node_count
    max_depth = max((d["depth"] for _, _, d in graph.edges(data=True)), default=0)
    rows = []
    for cap in range(0, max(max_depth, 1) + 1):
        kept = [(u, v, d) for u, v, d in graph.edges(data=True) if d["depth"] <= cap]
        exposed = {u for u, _, d in kept if not d["genuine"]}
        rows.append({"cap": cap, "trusting_pairs": len(kept),
                     "reachable_pairs_fraction": len(kept) / (n * (n - 1)) if n > 1 else 0.0,
                     "exposure_to_attacker": len(exposed) / n if n else 0.0})
    return pd.DataFrame(rows)


def depth_histogram(graph: nx.DiGraph) -> pd.DataFrame:
    counts = Counter(d["depth"] for _, _, d in graph.edges(data=True))
    return pd.DataFrame({"depth": sorted(counts), "pairs": [counts[k] for k in sorted(counts)]})


def conditional_collections(run: Run) -> set[tuple[int, str]]:
    """(importing node, collection) for every import that was ever enabled or disabled under a
    condition other than 'always' (a condition belongs to one node's import of a collection)."""
    frame = run.events[run.events["event"].isin(["enable", "disable"])]
    out = set()
    for row in frame.to_dict("records"):
        condition = row.get("condition")
        if isinstance(condition, str) and condition and condition != "always":
            if isinstance(row.get("collection"), str):
                out.add((int(row["node"]), row["collection"]))
    return out


def conditional_effect(run: Run, times: list[float] | None = None) -> pd.DataFrame:
    """Over time: trusting pairs, and those that rest on a conditional import (so exist only
    while the condition holds, e.g. while connected to the company server)."""
    conditional = conditional_collections(run)
    times = default_times(run) if times is None else times
    rows = []
    for t, state, _ in replay(run, times):
        only_conditional = sum(1 for r in state.records.values()
                               if (r.node, r.collection) in conditional)
        rows.append({"t": t, "trusting_pairs": len(state.records),
                     "pairs_via_conditional": only_conditional})
    return pd.DataFrame(rows)


def sharer_exposure(run: Run) -> pd.DataFrame:
    """Exposure to a malicious sharer: for each sharer whose collections ever made someone trust a
    non-genuine certificate, how many trust events and distinct nodes, and for whom (peers).
    Sharer -1 stands for the nodes' own checks (a forged certificate accepted directly)."""
    trust = run.events_of("trust")
    bad = trust[trust["genuine"].map(lambda g: g is False or (isinstance(g, (bool, np.bool_)) and not g))]
    rows = []
    for via, group in bad.groupby(bad["via"].map(lambda v: -1 if v is None or pd.isna(v) else int(v))):
        rows.append({"sharer": int(via), "records": len(group),
                     "nodes_exposed": group["node"].nunique(),
                     "impersonated_peers": sorted(int(p) for p in group["peer"].unique()),
                     "first_t": float(group["t"].min())})
    return pd.DataFrame(rows, columns=["sharer", "records", "nodes_exposed", "impersonated_peers",
                                       "first_t"])


def connection_outcomes(run: Run) -> pd.DataFrame:
    """`connect` events by how the peer was authenticated, with success counts and durations."""
    frame = run.events_of("connect")
    if frame.empty:
        return pd.DataFrame(columns=["how", "attempts", "ok", "median_duration_ms"])
    rows = []
    for how, group in frame.groupby(frame["how"].fillna("none")):
        durations = pd.to_numeric(group["duration_ms"], errors="coerce").dropna()
        rows.append({"how": how, "attempts": len(group),
                     "ok": int(group["ok"].map(_ok).sum()),
                     "median_duration_ms": float(durations.median()) if len(durations) else math.nan})
    return pd.DataFrame(rows)


def probe_outcomes(run: Run) -> dict:
    frame = run.events_of("probe")
    if frame.empty:
        return {"probes": 0}
    rtt = pd.to_numeric(frame["rtt_ms"], errors="coerce").dropna()
    return {"probes": len(frame), "ok": int(frame["ok"].map(_ok).sum()),
            "nat": int(frame["nat"].map(lambda v: bool(v) if v is not None and not (
                isinstance(v, float) and pd.isna(v)) else False).sum()),
            "median_rtt_ms": float(rtt.median()) if len(rtt) else math.nan}


def summarize(run: Run) -> dict:
    """The figures the text summary and the report lead with (end of the run)."""
    over_time = metrics_over_time(run)
    final = {c: over_time[c].iloc[-1] for c in over_time.columns} if len(over_time) else {}
    graph = trust_graph(run)
    out = {
        "scenario": run.scenario, "seed": run.seed, "nodes": run.node_count,
        "attackers": len(run.attackers()), "events": len(run.events),
        "finished": run.finished,
        "sim_seconds": run.info.get("sim_seconds"),
        "final": {k: (float(v) if isinstance(v, (float, np.floating)) else int(v))
                  for k, v in final.items()},
        "edges_by_depth": dict(zip(depth_histogram(graph)["depth"].astype(int).tolist(),
                                   depth_histogram(graph)["pairs"].astype(int).tolist())),
        "probes": probe_outcomes(run),
    }
    check = compare_with_cpp(run)
    if check is not None:
        out["cpp_agreement"] = {row["metric"]: row["agree"] for _, row in check.iterrows()}
    return out
