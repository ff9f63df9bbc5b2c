"""PNG plots of one run or a sweep (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402

from . import metrics as m  # noqa: E402
from .runfolder import Run, Sweep  # noqa: E402

ROLE_COLOURS = {"person": "#4C72B0", "server": "#55A868", "attacker": "#C44E52"}
MAX_DRAWN_NODES = 150


def _save(fig, folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_growth(run: Run, series: pd.DataFrame, folder: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.step(series["t"], series["reachable_pairs_fraction"], where="post", linewidth=2,
            label="reachable without prompting (networkx)")
    if run.cpp_metrics is not None and len(run.cpp_metrics):
        ax.plot(run.cpp_metrics["t"], run.cpp_metrics["reachable_pairs_fraction"], "o",
                markersize=3, color="black", label="metrics.csv (C++)")
    if "exposure_to_attacker" in series and series["exposure_to_attacker"].max() > 0:
        ax.step(series["t"], series["exposure_to_attacker"], where="post", color="#C44E52",
                label="nodes trusting a forged certificate")
    ax.set_xlabel("simulation time (s)")
    ax.set_ylabel("fraction")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"Trust-graph growth: {run.scenario}, seed {run.seed}")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return _save(fig, folder, "growth.png")


def plot_verifications(run: Run, series: pd.DataFrame, folder: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.step(series["t"], series["verifications_everyone_checks_everyone"], where="post",
            linestyle=":", label="everyone checks everyone")
    ax.step(series["t"], series["verifications_without_sharing"], where="post", linestyle="--",
            label="needed without sharing")
    ax.step(series["t"], series["verifications_done"], where="post", linewidth=2,
            label="phone verifications done")
    ax.set_xlabel("simulation time (s)")
    ax.set_ylabel("verifications")
    # Checking everyone grows with n^2 and would flatten the two curves that matter: past a
    # factor of 20, a log axis (linear below 1, so zero stays visible) shows all three.
    others = max(series["verifications_without_sharing"].max(),
                 series["verifications_done"].max(), 1)
    if series["verifications_everyone_checks_everyone"].max() > 20 * others:
        ax.set_yscale("symlog", linthresh=1)
        ax.set_ylabel("verifications (log scale)")
    ax.set_title("Manual verifications: done vs needed")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return _save(fig, folder, "verifications.png")


def plot_structure(series: pd.DataFrame, folder: str) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.step(series["t"], series["largest_component"], where="post",
              label="largest strongly connected")
    left.step(series["t"], series["largest_weak_component"], where="post", linestyle="--",
              label="largest weakly connected")
    left.step(series["t"], series["strong_components"], where="post", linestyle=":",
              label="strongly connected components")
    left.set_xlabel("simulation time (s)")
    left.set_ylabel("nodes / count")
    left.set_title("Components of the trust graph")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    right.step(series["t"], series["mean_path_length"], where="post", label="mean")
    right.step(series["t"], series["max_path_length"], where="post", label="max")
    right.set_xlabel("simulation time (s)")
    right.set_ylabel("path length (depth + 1)")
    right.set_title("Path length of trust edges")
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    return _save(fig, folder, "structure.png")


def plot_degrees(graph: nx.DiGraph, folder: str) -> str:
    table = m.degree_distribution(graph)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    width = 0.4
    ax.bar(table["degree"] - width / 2, table["in_count"], width, label="in-degree (trusted by k)")
    ax.bar(table["degree"] + width / 2, table["out_count"], width, label="out-degree (trusts k)")
    ax.set_xlabel("degree k")
    ax.set_ylabel("nodes")
    ax.set_title("Degree distribution at the end of the run")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return _save(fig, folder, "degrees.png")


def plot_depth(run: Run, folder: str) -> str:
    table = m.depth_effect(run)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    labels = ["0 (no sharing)" if c == 0 else str(c) for c in table["cap"]]
    ax.bar(labels, table["reachable_pairs_fraction"], color="#4C72B0", label="reachable pairs")
    if table["exposure_to_attacker"].max() > 0:
        ax.plot(labels, table["exposure_to_attacker"], "o-", color="#C44E52",
                label="exposed nodes")
    ax.set_xlabel("delegation depth cap")
    ax.set_ylabel("fraction")
    ax.set_ylim(0, 1.05)
    ax.set_title("Effect of the delegation depth (end of run)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return _save(fig, folder, "depth.png")


def plot_conditional(table: pd.DataFrame, folder: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.step(table["t"], table["trusting_pairs"], where="post", label="all trusting pairs")
    ax.step(table["t"], table["pairs_via_conditional"], where="post",
            label="resting on a conditional import")
    ax.set_xlabel("simulation time (s)")
    ax.set_ylabel("pairs")
    ax.set_title("Conditional collections")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, folder, "conditional.png")


def plot_graph(run: Run, graph: nx.DiGraph, folder: str) -> str | None:
    if graph.number_of_nodes() > MAX_DRAWN_NODES:
        return None
    fig, ax = plt.subplots(figsize=(7, 6))
    layout = nx.spring_layout(graph, seed=1) if graph.number_of_nodes() > 12 else \
        nx.circular_layout(graph)
    colours = [ROLE_COLOURS.get(graph.nodes[n].get("role"), "#8172B2") for n in graph.nodes]
    own = [(u, v) for u, v, d in graph.edges(data=True) if d["depth"] == 0 and d["genuine"]]
    shared = [(u, v) for u, v, d in graph.edges(data=True) if d["depth"] > 0 and d["genuine"]]
    forged = [(u, v) for u, v, d in graph.edges(data=True) if not d["genuine"]]
    nx.draw_networkx_nodes(graph, layout, node_color=colours, node_size=300, ax=ax)
    if graph.number_of_nodes() <= 40:
        nx.draw_networkx_labels(graph, layout, labels={n: graph.nodes[n].get("name", n)
                                                       for n in graph.nodes},
                                font_size=7, ax=ax)
    nx.draw_networkx_edges(graph, layout, edgelist=own, edge_color="black", width=1.5,
                           arrows=True, ax=ax, connectionstyle="arc3,rad=0.08")
    nx.draw_networkx_edges(graph, layout, edgelist=shared, edge_color="#4C72B0", style="dashed",
                           arrows=True, ax=ax, connectionstyle="arc3,rad=0.08")
    nx.draw_networkx_edges(graph, layout, edgelist=forged, edge_color="#C44E52", width=2,
                           arrows=True, ax=ax, connectionstyle="arc3,rad=0.08")
    ax.set_title("Trust graph at the end (black: own check, blue dashed: via a collection, "
                 "red: forged)", fontsize=9)
    ax.axis("off")
    return _save(fig, folder, "graph.png")


def plot_connections(table: pd.DataFrame, folder: str) -> str | None:
    if table.empty:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(table["how"], table["attempts"], color="#CCCCCC", label="attempts")
    ax.bar(table["how"], table["ok"], color="#55A868", label="succeeded")
    ax.set_ylabel("connections")
    ax.set_title("Connections by how the peer was authenticated")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return _save(fig, folder, "connections.png")


def plot_sweep(sweep: Sweep, table: pd.DataFrame, parameter: str, folder: str) -> str:
    """Final figures against one swept parameter: mean over seeds with min..max bars."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for column, label in (("reachable_pairs_fraction", "reachable without prompting"),
                          ("saved_fraction", "verifications saved vs no sharing"),
                          ("exposure_to_attacker", "exposed to an attacker")):
        if column not in table or table[column].isna().all():
            continue
        grouped = table.groupby(parameter)[column].agg(["mean", "min", "max"]).reset_index()
        x = grouped[parameter].astype(str)
        ax.errorbar(x, grouped["mean"], yerr=[grouped["mean"] - grouped["min"],
                                              grouped["max"] - grouped["mean"]],
                    marker="o", capsize=3, label=label)
    ax.set_xlabel(parameter)
    ax.set_ylabel("fraction (mean over seeds, min..max)")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(f"Sweep over {parameter} ({len(sweep.runs)} runs)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in parameter)
    return _save(fig, folder, f"sweep-{safe}.png")
