"""ikewot.analysis: trust-graph growth of simulation runs, in pure Python.

Reads run folders (docs/run-format.md) with pandas, builds the trust graph with networkx, plots
with matplotlib and writes self-contained HTML reports. Needs no compiled code, so a run can be
analysed on any machine with Debian's python3-networkx, -pandas, -numpy and -matplotlib.

    from ikewot.analysis import load_run, metrics_over_time, trust_graph
    run = load_run("runs/four-friends")
    run.events                  # pandas DataFrame, one row per event
    trust_graph(run)            # networkx.DiGraph at the end of the run
    metrics_over_time(run)      # the metrics.csv columns and more, over time

Command line: python3 -m ikewot.analysis {summary,report,sweep} ... (see --help).
"""

from __future__ import annotations

from .graph import TrustRecord, TrustState, trust_graph
from .metrics import (
    compare_with_cpp,
    conditional_effect,
    connection_outcomes,
    degree_distribution,
    depth_effect,
    depth_histogram,
    hop_distances,
    metrics_over_time,
    probe_outcomes,
    sharer_exposure,
    summarize,
)
from .runfolder import Run, RunFormatError, Sweep, find_runs, load_run, load_sweep

__all__ = [
    "Run", "RunFormatError", "Sweep", "TrustRecord", "TrustState", "compare_with_cpp",
    "conditional_effect", "connection_outcomes", "degree_distribution", "depth_effect",
    "depth_histogram", "find_runs", "hop_distances", "load_run", "load_sweep",
    "metrics_over_time", "probe_outcomes", "sharer_exposure", "summarize", "trust_graph",
]
