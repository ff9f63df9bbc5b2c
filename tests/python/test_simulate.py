"""ikewot.simulate: the ns-3 scenarios inside this process (sim/scenarios/, pybind/bind_sim.cc)."""

import os
import signal
import threading

import networkx as nx
import pandas as pd
import pytest

import ikewot
from ikewot import simulation

pytestmark = pytest.mark.skipif(not ikewot.simulation_available(),
                                reason="this build has no ns-3 simulation")


def _program(name):
    path = os.path.join(os.environ.get("IKEWOT_BUILD_DIR", ""), "scenarios", name)
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} not built")
    return path


def _count(events, kind, **fields):
    rows = events[events["event"] == kind]
    for key, value in fields.items():
        rows = rows[rows[key] == value]
    return len(rows)


def test_four_friends_in_process_gives_exactly_the_expected_run(tmp_path):
    seen = []
    run = ikewot.simulate("four-friends", out=tmp_path / "ff", seed=1, progress=seen.append)
    assert run.finished and run.scenario == "four-friends" and run.seed == 1
    events = run.events
    assert isinstance(events, pd.DataFrame)
    # Alice and her three friends verify each other by phone: six verifications, all matched.
    assert _count(events, "verify") == 6 and _count(events, "verify", ok=True) == 6
    assert _count(events, "probe", ok=True) == 6
    assert _count(events, "import", ok=True) == 3
    assert _count(events, "connect", ok=True, how="verified") == 3
    assert _count(events, "connect", ok=True, how="collection") == 3
    assert run.summary["verifications"] == {"done": 6, "failed": 0, "needed_without_sharing": 12,
                                            "needed_everyone_checks_everyone": 12}
    graph = run.trust_graph()
    assert isinstance(graph, nx.DiGraph) and graph.number_of_edges() == 12
    # The progress callback saw the calls, in simulated-time order.
    assert any(p.message == "call alice-bob matched" for p in seen)
    assert all(p.scenario == "four-friends" for p in seen)
    assert [p.sim_seconds for p in seen] == sorted(p.sim_seconds for p in seen)


def test_same_seed_in_process_twice_and_as_a_subprocess_gives_identical_events(tmp_path):
    program = _program("four-friends")
    first = ikewot.simulate("four-friends", out=tmp_path / "a", seed=9, call_max=300)
    second = ikewot.simulate("four-friends", out=tmp_path / "b", seed=9, callMax=300)
    child = simulation.run_scenario(program, str(tmp_path / "c"), seed=9, callMax=300)
    text = (tmp_path / "a" / "events.jsonl").read_bytes()
    assert text and text == (tmp_path / "b" / "events.jsonl").read_bytes()
    assert text == (tmp_path / "c" / "events.jsonl").read_bytes()
    assert (tmp_path / "a" / "summary.json").read_bytes() == \
        (tmp_path / "c" / "summary.json").read_bytes()
    assert first.parameters == second.parameters == child.parameters
    assert first.parameters["callMax"] == 300


def test_ipv6_is_a_parameter_and_gives_the_ipv4_figures(tmp_path):
    params = {p["name"]: p for p in simulation.scenario_parameters("four-friends")}
    assert params["ipv6"]["type"] == "bool" and params["ipv6"]["default"] is False
    v4 = ikewot.simulate("four-friends", out=tmp_path / "v4", seed=4)
    v6 = ikewot.simulate("four-friends", out=tmp_path / "v6", seed=4, ipv6=True)
    assert v4.parameters["ipv6"] is False and v6.parameters["ipv6"] is True
    assert v6.summary["verifications"] == v4.summary["verifications"]
    assert v6.summary["connections"] == v4.summary["connections"] == {
        "attempted": 6, "ok": 6, "verified": 3, "via_collection": 3}
    nodes = (tmp_path / "v6" / "nodes.csv").read_text().splitlines()[1:]
    assert [line.split(",")[3] for line in nodes] == [
        f"fd6b:6577:6f74::{i}" for i in range(1, 5)]


def test_exception_in_progress_callback_stops_the_run_and_is_raised(tmp_path):
    class Enough(Exception):
        pass

    calls = []

    def progress(p):
        calls.append(p)
        raise Enough(p.message)

    with pytest.raises(Enough):
        ikewot.simulate("four-friends", out=tmp_path / "stopped", progress=progress)
    assert len(calls) == 1  # not called again once it failed
    assert not (tmp_path / "stopped" / "summary.json").exists()  # the run did not finish
    # Nothing of the stopped run is left in the process: the next run completes.
    assert ikewot.simulate("four-friends", out=tmp_path / "next").finished


def test_ctrl_c_stops_the_run(tmp_path):
    # SIGINT while the simulation runs with the GIL released: KeyboardInterrupt, run unfinished.
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            ikewot.simulate("hobby-group", out=tmp_path / "hg", nodes=300)
    finally:
        timer.cancel()
    assert not (tmp_path / "hg" / "summary.json").exists()


def test_bad_parameters_raise_value_errors_naming_the_parameter(tmp_path):
    out = tmp_path / "bad"
    with pytest.raises(ikewot.InvalidArgumentError, match='unknown parameter "colour"'):
        ikewot.simulate("four-friends", out=out, colour="red")
    with pytest.raises(ValueError, match="callMax must be an int, got str"):
        ikewot.simulate("four-friends", out=out, call_max="soon")
    with pytest.raises(ValueError, match="nodes must be at least 4, got 2"):
        ikewot.simulate("company", out=out, nodes=2)
    with pytest.raises(ValueError, match="seed must be 1..4294967295"):
        ikewot.simulate("attack", out=out, seed=0)
    with pytest.raises(ValueError, match="nodes must be an unsigned integer"):
        ikewot.simulate("attack", out=out, nodes=-3)
    with pytest.raises(ValueError, match="pcap must be a bool"):
        ikewot.simulate("four-friends", out=out, pcap=1)
    with pytest.raises(ikewot.NotFoundError, match="no in-process scenario \"large-group\""):
        ikewot.simulate("large-group", out=out)
    assert not out.exists()


def test_parameters_are_listed_with_types_and_defaults():
    assert simulation.scenarios() == ["four-friends", "company", "hobby-group",
                                      "nat-and-firewall", "attack"]
    params = {p["name"]: p for p in simulation.scenario_parameters("hobby-group")}
    assert params["nodes"]["type"] == "unsigned" and params["nodes"]["default"] == 1000
    assert params["callProbability"] == {
        "name": "callProbability", "python_name": "call_probability", "type": "float",
        "default": 0.9, "help": "Chance a verification call happens"}
    assert params["metricsInterval"]["default"] == 3600
    assert params["graph"]["type"] == "str" and params["pcap"]["type"] == "bool"
