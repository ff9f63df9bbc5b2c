"""One self-contained HTML report per run or sweep: RUN_DIR/report/index.html with every plot
embedded (data: URIs, so the file can be mailed on its own) and also written as PNG files beside
it."""

from __future__ import annotations

import base64
import datetime
import html
import json
import os

import pandas as pd

from . import metrics as m
from . import plots
from .graph import trust_graph
from .runfolder import Run, Sweep

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 980px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
.card { background: #f5f7fa; border-radius: 6px; padding: .6em 1em; min-width: 11em; }
.card b { display: block; font-size: 1.6em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9em; }
table { border-collapse: collapse; font-size: .9em; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
th { background: #f0f0f0; } td.l, th.l { text-align: left; }
.bad { color: #b00; } .good { color: #070; } .note { color: #666; font-size: .9em; }
"""


def _img(path: str, caption: str) -> str:
    with open(path, "rb") as handle:
        data = base64.b64encode(handle.read()).decode("ascii")
    name = html.escape(os.path.basename(path))
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{name}" '
            f'data-file="{name}"><figcaption>{html.escape(caption)}</figcaption></figure>')


def _table(frame: pd.DataFrame, left: tuple[str, ...] = ()) -> str:
    if frame is None or frame.empty:
        return '<p class="note">(none)</p>'
    head = "".join(f'<th class="{"l" if c in left else ""}">{html.escape(str(c))}</th>'
                   for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            value = row[c]
            if isinstance(value, float):
                text = f"{value:.4g}"
            else:
                text = str(value)
            cells.append(f'<td class="{"l" if c in left else ""}">{html.escape(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _card(label: str, value: str) -> str:
    return f'<div class="card"><b>{html.escape(value)}</b>{html.escape(label)}</div>'


def _page(title: str, body: str) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{body}"
            f'<p class="note">Made by python3 -m ikewot.analysis on {stamp}.</p></body></html>\n')


def run_report(run: Run, out_dir: str | None = None) -> str:
    """Writes the report of one run; returns the path of index.html."""
    out_dir = out_dir or os.path.join(run.path, "report")
    os.makedirs(out_dir, exist_ok=True)
    series = m.metrics_over_time(run)
    graph = trust_graph(run)
    final = series.iloc[-1] if len(series) else None
    n = run.node_count
    parts = []
    params = ", ".join(f"{k}={v}" for k, v in run.parameters.items()) or "(none)"
    parts.append(f'<p>Scenario <b>{html.escape(run.scenario)}</b>, seed {html.escape(str(run.seed))}, '
                 f'{n} nodes, {len(run.events)} events'
                 f'{"" if run.finished else " — <span class=bad>run did not finish (no summary.json)</span>"}'
                 f'.<br><span class="note">Parameters: {html.escape(params)}. Folder: '
                 f'{html.escape(run.path)}</span></p>')
    if final is not None:
        cards = [
            _card("pairs reachable without prompting", f"{final['reachable_pairs_fraction']:.1%}"),
            _card("phone verifications done", str(int(final["verifications_done"]))),
            _card("saved vs no sharing", str(int(final["saved_vs_no_sharing"]))),
            _card("saved vs everyone checks everyone", str(int(final["saved_vs_everyone"]))),
            _card("largest strongly connected component",
                  f"{int(final['largest_component'])} of {n}"),
            _card("nodes trusting a forged certificate", f"{final['exposure_to_attacker']:.1%}"),
        ]
        parts.append(f'<div class="figures">{"".join(cards)}</div>')

    check = m.compare_with_cpp(run, None)
    if check is not None:
        ok = bool(check["agree"].all())
        parts.append(f'<p class="{"good" if ok else "bad"}">C++ metrics (metrics.csv, Boost.Graph) '
                     f'and networkx {"agree on every sample" if ok else "DISAGREE"} '
                     f'({len(run.cpp_metrics)} samples).</p>')

    parts.append("<h2>Growth</h2>")
    parts.append(_img(plots.plot_growth(run, series, out_dir),
                      "Fraction of ordered node pairs (u, v) where u trusts v without a new "
                      "verification."))
    parts.append(_img(plots.plot_verifications(run, series, out_dir),
                      "Phone verifications done, against those needed without sharing (one per "
                      "pair that verified or connected) and n(n-1) (everyone checks everyone)."))
    parts.append(_img(plots.plot_structure(series, out_dir),
                      "Components of the trust graph (strongly connected: as metrics.csv) and "
                      "path lengths (depth + 1) of its edges."))
    parts.append("<h2>Structure at the end</h2>")
    drawn = plots.plot_graph(run, graph, out_dir)
    if drawn:
        parts.append(_img(drawn, "Who trusts whom at the end of the run."))
    parts.append(_img(plots.plot_degrees(graph, out_dir), "In- and out-degrees."))
    parts.append(_table(m.hop_distances(graph)))
    parts.append('<p class="note">Ordered pairs by directed hop distance in the trust graph.</p>')

    parts.append("<h2>Delegation depth</h2>")
    parts.append(_img(plots.plot_depth(run, out_dir),
                      "What would remain if delegation were capped (cap 0: no sharing)."))
    parts.append(_table(m.depth_effect(run)))

    conditional = m.conditional_collections(run)
    if conditional:
        parts.append("<h2>Conditional collections</h2>")
        table = m.conditional_effect(run)
        parts.append(_img(plots.plot_conditional(table, out_dir),
                          "Conditional imports (node: collection): " +
                          ", ".join(f"{n}: {c}" for n, c in sorted(conditional))))

    exposure = m.sharer_exposure(run)
    parts.append("<h2>Exposure to a malicious sharer</h2>")
    if exposure.empty:
        parts.append('<p class="good">No node trusted a forged certificate.</p>')
    else:
        shown = exposure.copy()
        # Sharer -1: the node's own check accepted the forged certificate (e.g. a man in the
        # middle answered the probe and the phone call did not catch it).
        shown["sharer"] = shown["sharer"].map(lambda s: "own check" if s == -1 else str(s))
        parts.append(_table(shown))

    connections = m.connection_outcomes(run)
    if not connections.empty:
        parts.append("<h2>Connections</h2>")
        drawn = plots.plot_connections(connections, out_dir)
        if drawn:
            parts.append(_img(drawn, "connect events by how the peer was authenticated"))
        parts.append(_table(connections, left=("how",)))
    probes = m.probe_outcomes(run)
    if probes.get("probes"):
        parts.append("<h2>Probes</h2>" + _table(pd.DataFrame([probes])))
    if run.summary:
        parts.append("<h2>Scenario summary (summary.json)</h2><pre>" +
                     html.escape(json.dumps(run.summary, indent=2)) + "</pre>")
    index = os.path.join(out_dir, "index.html")
    with open(index, "w", encoding="utf-8") as handle:
        handle.write(_page(f"ikewot run: {run.scenario} (seed {run.seed})", "".join(parts)))
    return index


def sweep_table(sweep: Sweep) -> pd.DataFrame:
    """One row per run: its parameters, seed and final figures."""
    rows = []
    for run in sweep.runs:
        series = m.metrics_over_time(run)
        final = {c: series[c].iloc[-1] for c in series.columns} if len(series) else {}
        row = dict(run.parameters)  # the scenario's own "run" / "seed" parameters included
        row["folder"] = os.path.relpath(run.path, sweep.path)
        row["seed"] = run.seed
        row["finished"] = run.finished
        for key in ("reachable_pairs_fraction", "verifications_done", "trusting_pairs",
                    "saved_vs_no_sharing", "saved_vs_everyone", "largest_component",
                    "mean_path_length", "exposure_to_attacker"):
            row[key] = final.get(key)
        needed = final.get("verifications_without_sharing") or 0
        row["saved_fraction"] = (final.get("saved_vs_no_sharing", 0) / needed) if needed else None
        rows.append(row)
    return pd.DataFrame(rows)


def sweep_report(sweep: Sweep, out_dir: str | None = None) -> str:
    out_dir = out_dir or os.path.join(sweep.path, "report")
    os.makedirs(out_dir, exist_ok=True)
    table = sweep_table(sweep)
    parts = [f"<p>{len(sweep.runs)} runs under {html.escape(sweep.path)}.</p>"]
    varied = sweep.varied_parameters()
    for parameter in varied:
        if parameter in table:
            parts.append(_img(plots.plot_sweep(sweep, table, parameter, out_dir),
                              f"Final figures against {parameter}."))
    if not varied:
        parts.append('<p class="note">No parameter varies between the runs (seeds only).</p>')
    if varied:
        summary = table.groupby(varied).agg(
            runs=("folder", "count"),
            reachable_mean=("reachable_pairs_fraction", "mean"),
            reachable_min=("reachable_pairs_fraction", "min"),
            reachable_max=("reachable_pairs_fraction", "max"),
            verifications_mean=("verifications_done", "mean"),
            exposure_mean=("exposure_to_attacker", "mean")).reset_index()
        parts.append("<h2>By parameter point (over seeds)</h2>" + _table(summary))
    parts.append("<h2>Every run</h2>" + _table(table, left=("folder",)))
    if sweep.skipped:
        parts.append("<h2>Skipped folders</h2><ul>" + "".join(
            f"<li>{html.escape(p)}: {html.escape(why)}</li>" for p, why in sweep.skipped) + "</ul>")
    index = os.path.join(out_dir, "index.html")
    with open(index, "w", encoding="utf-8") as handle:
        handle.write(_page(f"ikewot sweep: {os.path.basename(sweep.path)}", "".join(parts)))
    table.to_csv(os.path.join(out_dir, "runs.csv"), index=False)
    return index
