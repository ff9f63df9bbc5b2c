"""Parameter sweeps: run a scenario binary over a grid of parameters x seeds, on both cores, one
run folder per point, then compare them (report.sweep_report).

    python3 -m ikewot.analysis sweep --scenario build/main/scenarios/large-group \
        --param nodes=50,100 --param share-depth=1,2,3 --seeds 1-5 --out runs/depth-sweep

runs `large-group --nodes=50 --share-depth=1 --seed=1 --out=runs/depth-sweep/nodes=50_...` for
every combination (ns-3 CommandLine syntax), at most --jobs at a time (default: the number of
cores), then writes runs/depth-sweep/sweep.json (what ran, exit codes, wall times) and the
sweep report. Points whose folder already holds a finished run (summary.json) are not rerun.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass


@dataclass
class Point:
    parameters: dict[str, str]
    seed: int
    folder: str
    command: list[str]
    returncode: int | None = None
    wall_seconds: float | None = None
    reused: bool = False
    stderr_tail: str = ""


def parse_grid(specs: list[str]) -> dict[str, list[str]]:
    """["nodes=10,20", "depth=1,2"] -> {"nodes": ["10", "20"], "depth": ["1", "2"]}."""
    grid: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        if not sep or not name or not values:
            raise ValueError(f"--param {spec!r}: expected NAME=V1,V2,...")
        if name in grid:
            raise ValueError(f"--param {name} given twice")
        grid[name] = [v for v in values.split(",") if v != ""]
        if not grid[name]:
            raise ValueError(f"--param {spec!r}: no values")
    return grid


def parse_seeds(text: str) -> list[int]:
    """"1-5" -> [1..5]; "1,4,9" -> [1, 4, 9]."""
    seeds: list[int] = []
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-", 1)
            seeds.extend(range(int(low), int(high) + 1))
        elif part:
            seeds.append(int(part))
    if not seeds:
        raise ValueError(f"--seeds {text!r}: no seeds")
    return seeds


def _folder_name(parameters: dict[str, str], seed: int) -> str:
    parts = [f"{k}={v}" for k, v in parameters.items()] + [f"seed={seed}"]
    # No commas or spaces: the names go into CSV files and shell commands.
    return "_".join("".join(c if c.isalnum() or c in "=.-" else "-" for c in p) for p in parts)


def plan(scenario: str, grid: dict[str, list[str]], seeds: list[int], out: str,
         out_flag: str = "out", seed_flag: str = "seed", extra: list[str] | None = None
         ) -> list[Point]:
    names = list(grid)
    points = []
    for values in itertools.product(*(grid[n] for n in names)):
        parameters = dict(zip(names, values))
        for seed in seeds:
            folder = os.path.join(out, _folder_name(parameters, seed))
            command = [scenario, *(f"--{k}={v}" for k, v in parameters.items()),
                       f"--{seed_flag}={seed}", f"--{out_flag}={folder}", *(extra or [])]
            points.append(Point(parameters, seed, folder, command))
    return points


def _run_point(point: Point, timeout: float) -> Point:
    if os.path.isfile(os.path.join(point.folder, "summary.json")):
        point.reused, point.returncode = True, 0
        return point
    start = time.monotonic()
    try:
        done = subprocess.run(point.command, capture_output=True, text=True, timeout=timeout,
                              check=False)
        point.returncode = done.returncode
        point.stderr_tail = done.stderr[-2000:]
    except subprocess.TimeoutExpired:
        point.returncode = -1
        point.stderr_tail = f"timed out after {timeout} s"
    except OSError as error:
        point.returncode = -1
        point.stderr_tail = str(error)
    point.wall_seconds = round(time.monotonic() - start, 3)
    return point


def run_sweep(points: list[Point], out: str, jobs: int | None = None, timeout: float = 3600.0,
              progress=None) -> list[Point]:
    """Runs every point (threads only wait on child processes: `jobs` scenario processes run at
    once) and writes OUT/sweep.json."""
    os.makedirs(out, exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    finished = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for point in pool.map(lambda p: _run_point(p, timeout), points):
            finished.append(point)
            if progress:
                progress(point, len(finished), len(points))
    with open(os.path.join(out, "sweep.json"), "w", encoding="utf-8") as handle:
        json.dump({"format": "ikewot-sweep", "version": 1, "jobs": jobs,
                   "points": [asdict(p) for p in finished]}, handle, indent=2)
    return finished
