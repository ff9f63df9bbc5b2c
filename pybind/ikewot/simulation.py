"""Run a simulation scenario from Python and get its run as pandas / networkx objects.

    import ikewot
    run = ikewot.simulate("four-friends", out="runs/ff", seed=1, callMax=300,
                          progress=lambda p: print(p.sim_seconds, p.message))
    run.events                                  # pandas DataFrame of events.jsonl
    run.trust_graph()                           # networkx.DiGraph at the end of the run

simulate() runs the scenario inside this process (the ns-3 scenarios are library functions,
sim/scenarios/), with the GIL released; the callback runs in this thread between simulation
events. An exception from the callback, or Ctrl-C, stops the simulation and is raised.
run_scenario() runs a scenario program as a subprocess instead (pure Python: needs no compiled
module, only the program) and reads its progress lines from stderr; both give the same run
folder for the same parameters and seed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any, Callable

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


def _native_simulation():
    try:
        from ikewot import _ikewot as native
    except ImportError as error:
        raise RuntimeError(f"ikewot.simulate needs the compiled module ikewot._ikewot ({error})")
    if not hasattr(native, "_simulate"):
        raise RuntimeError("ikewot.simulate is not available: " + native.SIM_UNAVAILABLE_REASON)
    return native


def simulate(scenario: str, *, out: str | os.PathLike, seed: int = 1, run: int = 1,
             progress: Callable[[Progress], None] | None = None, **params: Any) -> Run:
    """Runs `scenario` in this process into the run folder `out` and loads it.

    Keyword arguments are the scenario's parameters, by their CommandLine name (callMax=300) or
    in snake_case (call_max=300); scenario_parameters(scenario) lists them with types and
    defaults. A name the scenario does not have, or a value of the wrong type or range, raises
    ikewot.InvalidArgumentError (a ValueError) naming the parameter. `progress` is called with a
    Progress (simulated and wall seconds, events so far, what happened); if it raises, the run
    stops and the exception propagates, as does KeyboardInterrupt on Ctrl-C. A stopped run's
    folder has no summary.json.
    """
    native = _native_simulation()
    folder = os.fspath(out)
    report = None
    if progress is not None:
        def report(sim_seconds: float, wall_seconds: float, events: int, message: str) -> None:
            progress(Progress(scenario, sim_seconds, wall_seconds, events, message))
    native._simulate(scenario, dict(params, out=folder, seed=seed, run=run), report)
    return load_run(folder)


def scenarios() -> list[str]:
    """The scenarios simulate() runs."""
    return list(_native_simulation().scenarios())


def scenario_parameters(scenario: str) -> list[dict[str, Any]]:
    """Each parameter of `scenario`: name, python_name, type, default, help."""
    return list(_native_simulation().scenario_parameters(scenario))
