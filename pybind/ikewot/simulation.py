"""Run a simulation scenario from Python and get its run as pandas / networkx objects.

    from ikewot import simulation
    run = simulation.run_scenario("four-friends", "runs/ff", seed=1,
                                  progress=lambda p: print(p.sim_seconds, p.message))
    run.events                                  # pandas DataFrame of events.jsonl
    simulation.trust_graph(run)                 # networkx.DiGraph at the end of the run

The scenario runs as its own program (scenarios/, ns-3): the ns-3 scenarios are programs with a
main(), not library functions, so they cannot yet run inside this process. Progress comes from
the program's progress lines on stderr ("NAME: sim S s, wall W s, N events: what"), which the
callback receives as they are printed. Pure Python: needs no compiled module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable

from ikewot.analysis import Run, load_run, metrics_over_time, trust_graph  # noqa: F401

_PROGRESS = re.compile(
    r"^(?P<scenario>[\w-]+): sim (?P<sim>[\d.]+) s, wall (?P<wall>[\d.]+) s, "
    r"(?P<events>\d+) events: (?P<message>.*)$")


@dataclass
class Progress:
    scenario: str
    sim_seconds: float
    wall_seconds: float
    events: int
    message: str


class ScenarioError(RuntimeError):
    """The scenario program failed; the message holds its exit status and stderr tail."""


def find_scenario(name: str) -> str:
    """A scenario program by path or name: $IKEWOT_SCENARIO_DIR, the build tree this package was
    assembled in (<build>/scenarios), then PATH."""
    if os.sep in name:
        if os.access(name, os.X_OK):
            return name
        raise FileNotFoundError(f"{name}: not an executable scenario program")
    folders = []
    if os.environ.get("IKEWOT_SCENARIO_DIR"):
        folders.append(os.environ["IKEWOT_SCENARIO_DIR"])
    here = os.path.dirname(os.path.abspath(__file__))
    folders.append(os.path.join(here, os.pardir, os.pardir, "scenarios"))
    for folder in folders:
        path = os.path.normpath(os.path.join(folder, name))
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(
        f"scenario program {name!r} not found (build with -DIKEWOT_WITH_NS3=ON, or set "
        f"IKEWOT_SCENARIO_DIR)")


def run_scenario(program: str, out: str, *, seed: int = 1,
                 progress: Callable[[Progress], None] | None = None,
                 timeout: float | None = None, **parameters) -> Run:
    """Runs a scenario (name or path) into the run folder `out` and loads it. Keyword arguments
    are the scenario's ns-3 CommandLine parameters as spelled there (metricsInterval=30 ->
    --metricsInterval=30)."""
    command = [find_scenario(program), f"--out={out}", f"--seed={seed}"]
    for key, value in parameters.items():
        if value is None:
            continue
        command.append(f"--{key}={value}")
    tail: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as process:
        try:
            for line in process.stderr:
                line = line.rstrip("\n")
                tail = (tail + [line])[-20:]
                match = _PROGRESS.match(line)
                if match and progress is not None:
                    progress(Progress(match["scenario"], float(match["sim"]),
                                      float(match["wall"]), int(match["events"]),
                                      match["message"]))
            process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            raise
    if process.returncode != 0:
        raise ScenarioError(f"{' '.join(command)} exited with {process.returncode}:\n" +
                            "\n".join(tail))
    return load_run(out)
