"""Reading run folders (docs/run-format.md, version 1): one run or a sweep of runs.

A run folder is all the analysis reads, so runs can be analysed anywhere, long after they ran:
run.json (what ran), nodes.csv (who), events.jsonl (what happened, in simulation-time order),
summary.json (the scenario's own figures; written last) and metrics.csv (the C++ metrics).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

RUN_FORMAT = "ikewot-run"
SUPPORTED_VERSIONS = (1,)
NODE_COLUMNS = ("id", "name", "role", "address", "fingerprint", "identification")
METRIC_COLUMNS = (
    "t",
    "trusting_pairs",
    "reachable_pairs_fraction",
    "verifications_done",
    "verifications_without_sharing",
    "mean_path_length",
    "max_path_length",
    "largest_component",
    "exposure_to_attacker",
)
# Fields an event of each kind carries (docs/run-format.md); missing ones read as None.
EVENT_FIELDS = (
    "peer", "ok", "reason", "via", "depth", "genuine", "collection", "entries", "recipients",
    "from", "condition", "how", "nat", "fallback", "rtt_ms", "round_trips", "duration_s",
    "duration_ms", "packets", "bytes", "direction",
)


class RunFormatError(ValueError):
    """A run folder that does not follow docs/run-format.md; the message says where and why."""


@dataclass
class Run:
    """One run folder, loaded."""

    path: str
    info: dict[str, Any]
    nodes: pd.DataFrame  # indexed by node id
    events: pd.DataFrame  # columns t, node, event and the EVENT_FIELDS, in file order
    summary: dict[str, Any] | None = None  # None: the run did not finish
    cpp_metrics: pd.DataFrame | None = None  # metrics.csv, when present
    pcaps: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return os.path.basename(os.path.normpath(self.path))

    @property
    def scenario(self) -> str:
        return str(self.info.get("scenario", "?"))

    @property
    def seed(self) -> Any:
        return self.info.get("seed")

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self.info.get("parameters") or {})

    @property
    def finished(self) -> bool:
        return self.summary is not None

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    def node_ids(self) -> list[int]:
        return [int(i) for i in self.nodes.index]

    def attackers(self) -> list[int]:
        return [int(i) for i in self.nodes.index[self.nodes["role"] == "attacker"]]

    def events_of(self, kind: str) -> pd.DataFrame:
        return self.events[self.events["event"] == kind]

    def trust_graph(self, t: float | None = None):
        """The trust graph at time t (default: the end) as a networkx DiGraph
        (ikewot.analysis.trust_graph)."""
        from .graph import trust_graph  # graph.py imports this module

        return trust_graph(self, t)


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise RunFormatError(f"{path}: not JSON: {error}") from error


def _load_info(folder: str) -> dict[str, Any]:
    path = os.path.join(folder, "run.json")
    if not os.path.isfile(path):
        raise RunFormatError(f"{folder}: no run.json (not a run folder)")
    info = _read_json(path)
    if not isinstance(info, dict):
        raise RunFormatError(f"{path}: must hold a JSON object")
    if info.get("format") != RUN_FORMAT:
        raise RunFormatError(f"{path}: format is {info.get('format')!r}, expected {RUN_FORMAT!r}")
    version = info.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise RunFormatError(
            f"{path}: run format version {version!r} is not one this analysis reads "
            f"({', '.join(map(str, SUPPORTED_VERSIONS))})")
    return info


def _load_nodes(folder: str) -> pd.DataFrame:
    path = os.path.join(folder, "nodes.csv")
    if not os.path.isfile(path):
        raise RunFormatError(f"{folder}: no nodes.csv")
    nodes = pd.read_csv(path, dtype={"fingerprint": str, "identification": str, "address": str,
                                     "name": str, "role": str}, keep_default_na=False)
    missing = [c for c in NODE_COLUMNS if c not in nodes.columns]
    if missing:
        raise RunFormatError(f"{path}: missing columns {', '.join(missing)}")
    if not pd.api.types.is_integer_dtype(nodes["id"]):
        raise RunFormatError(f"{path}: column id must hold integers")
    ids = list(nodes["id"])
    if sorted(ids) != list(range(len(ids))):
        raise RunFormatError(f"{path}: ids must be 0..{len(ids) - 1}, each once")
    return nodes.set_index("id").sort_index()


def _load_events(folder: str, node_count: int) -> pd.DataFrame:
    path = os.path.join(folder, "events.jsonl")
    if not os.path.isfile(path):
        raise RunFormatError(f"{folder}: no events.jsonl")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError as error:
                raise RunFormatError(f"{path}:{number}: not JSON: {error}") from error
            if not isinstance(event, dict):
                raise RunFormatError(f"{path}:{number}: an event is a JSON object")
            for key in ("t", "node", "event"):
                if key not in event:
                    raise RunFormatError(f"{path}:{number}: event without {key!r}")
            t, node = event["t"], event["node"]
            if not isinstance(t, (int, float)) or isinstance(t, bool) or not math.isfinite(t):
                raise RunFormatError(f"{path}:{number}: t must be a number, got {t!r}")
            if not isinstance(node, int) or isinstance(node, bool) or not 0 <= node < node_count:
                raise RunFormatError(
                    f"{path}:{number}: node {node!r} is not an id from nodes.csv (0..{node_count - 1})")
            rows.append(event)
    columns = ["t", "node", "event", *EVENT_FIELDS]
    frame = pd.DataFrame(rows)
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    extra = [c for c in frame.columns if c not in columns]
    frame = frame[columns + extra]
    frame["t"] = frame["t"].astype(float)
    frame["node"] = frame["node"].astype(int)
    # The file is in simulation-time order; a stable sort keeps ties in file order anyway.
    return frame.sort_values("t", kind="stable").reset_index(drop=True)


def _load_cpp_metrics(folder: str) -> pd.DataFrame | None:
    path = os.path.join(folder, "metrics.csv")
    if not os.path.isfile(path):
        return None
    metrics = pd.read_csv(path)
    missing = [c for c in METRIC_COLUMNS if c not in metrics.columns]
    if missing:
        raise RunFormatError(f"{path}: missing columns {', '.join(missing)}")
    return metrics


def load_run(folder: str) -> Run:
    """Loads one run folder; raises RunFormatError when it does not follow the format."""
    folder = os.path.abspath(folder)
    info = _load_info(folder)
    nodes = _load_nodes(folder)
    events = _load_events(folder, len(nodes))
    summary_path = os.path.join(folder, "summary.json")
    summary = _read_json(summary_path) if os.path.isfile(summary_path) else None
    pcaps = sorted(f for f in os.listdir(folder) if f.endswith(".pcap"))
    return Run(path=folder, info=info, nodes=nodes, events=events, summary=summary,
               cpp_metrics=_load_cpp_metrics(folder), pcaps=pcaps)


def is_run_folder(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "run.json"))


def find_runs(folder: str) -> list[str]:
    """Every run folder at or below `folder`, sorted (a sweep is a folder of run folders)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        if "run.json" in files:
            found.append(root)
            dirs[:] = []  # a run folder holds no runs
    return sorted(found)


@dataclass
class Sweep:
    """Runs of one scenario over a grid of parameters and seeds."""

    path: str
    runs: list[Run]
    skipped: list[tuple[str, str]]  # (folder, why) for folders that could not be read

    def varied_parameters(self) -> list[str]:
        """Parameters that differ between runs (the sweep's axes), seed excluded."""
        values: dict[str, set[str]] = {}
        for run in self.runs:
            for key, value in run.parameters.items():
                if key == "seed":
                    continue
                values.setdefault(key, set()).add(json.dumps(value, sort_keys=True))
        return sorted(k for k, v in values.items() if len(v) > 1)


def load_sweep(folder: str) -> Sweep:
    """Every readable run under `folder`; unreadable ones are listed with the reason."""
    runs, skipped = [], []
    for path in find_runs(folder):
        try:
            runs.append(load_run(path))
        except RunFormatError as error:
            skipped.append((path, str(error)))
    if not runs and not skipped:
        raise RunFormatError(f"{folder}: no run folders (no run.json) at or below it")
    return Sweep(path=os.path.abspath(folder), runs=runs, skipped=skipped)
