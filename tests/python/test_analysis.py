"""ikewot.analysis on run folders built by hand (runfolders.py), whose metrics are worked out
here independently: every expected number below is derived in the comments from the event list,
not computed by the code under test."""

import json
import os
import subprocess
import sys
import textwrap

import networkx as nx
import pytest

import runfolders as rf
from ikewot import analysis as an
from ikewot.analysis import metrics as m

N = 5  # alice, bob, carol, dave, mallory
PAIRS = N * (N - 1)  # 20 ordered pairs


@pytest.fixture
def friends(tmp_path):
    return rf.write_run(str(tmp_path / "friends"), rf.FRIENDS, rf.FRIENDS_EVENTS,
                        roles=rf.FRIENDS_ROLES, summary={"scenario": "hand-made", "nodes": N})


def test_analysis_needs_no_compiled_module():
    # ikewot.analysis must import where the C++ module is missing: run it with a package that
    # has no _ikewot at all.
    code = textwrap.dedent("""
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "ikewot._ikewot":
                    raise ImportError("blocked for the test")
        sys.meta_path.insert(0, Block())
        import ikewot, ikewot.analysis
        assert not ikewot.native_available()
        try:
            ikewot.TrustStore
        except AttributeError as e:
            assert "compiled module" in str(e)
        else:
            raise SystemExit("expected an AttributeError")
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"


def test_load_run(friends):
    run = an.load_run(friends)
    assert run.node_count == N and run.attackers() == [4]
    assert len(run.events) == len(rf.FRIENDS_EVENTS)
    assert list(run.events["t"]) == sorted(e["t"] for e in rf.FRIENDS_EVENTS)
    assert run.finished and run.cpp_metrics is None
    assert set(run.events["event"]) >= {"verify", "trust", "untrust", "connect", "import"}


def test_metrics_hand_derived(friends):
    # Semantics (as the C++ metrics): the last trust/untrust event for (u, v) decides the edge;
    # a trust event replaces the depth/genuine/via of an existing edge.
    run = an.load_run(friends)
    series = an.metrics_over_time(run, [0.0, 3.5, 7.0, 8.0]).set_index("t")
    # t=0: nothing yet; every node is its own component.
    assert series.loc[0.0, "trusting_pairs"] == 0
    assert series.loc[0.0, "largest_component"] == 1
    assert series.loc[0.0, "mean_path_length"] == 0
    # t=3.5: 0->1, 0->2, 0->3, 1->0 (own checks, depth 0) and 1->2, 1->3 (via alice, depth 1):
    # 6 pairs; verifications alice 3 + bob 1 (dave's failed one does not count) = 4, and those 4
    # pairs are what would need checking without sharing; path lengths 1,1,1,1,2,2 -> mean 8/6,
    # max 2; only alice <-> bob trust each other both ways: largest strong component 2.
    row = series.loc[3.5]
    assert row["trusting_pairs"] == 6
    assert row["reachable_pairs_fraction"] == pytest.approx(6 / PAIRS)
    assert row["verifications_done"] == 4
    assert row["verifications_without_sharing"] == 4
    assert row["mean_path_length"] == pytest.approx(8 / 6)
    assert row["max_path_length"] == 2
    assert row["largest_component"] == 2
    assert row["largest_weak_component"] == 4  # mallory is alone
    assert row["exposure_to_attacker"] == 0
    # t=7: 1->3 was withdrawn at 6; 3->4 added at 6.5; mallory's forged entry replaced dave's
    # 3->1 (depth 2 via carol -> depth 1 via mallory, not genuine): dave (1 of 5) is exposed.
    # 12 pairs, depths 0,0,0,0,1,0,1,1,0,1,1,0 -> sum 5, mean (5 + 12) / 12, max 2; alice,
    # bob, carol, dave reach each other both ways: strong component 4. 7 verifications, 7 pairs
    # needed (the connections at 7.5/7.6 come later).
    row = series.loc[7.0]
    assert row["trusting_pairs"] == 12
    assert row["verifications_done"] == 7
    assert row["verifications_without_sharing"] == 7
    assert row["mean_path_length"] == pytest.approx(17 / 12)
    assert row["max_path_length"] == 2
    assert row["largest_component"] == 4
    assert row["exposure_to_attacker"] == pytest.approx(1 / 5)
    # t=8: 3->1 untrusted: 11 pairs, depth sum 4 -> mean 15/11; nobody exposed. dave and bob
    # connected (both orders count, 3->1 and 1->3 are new) and alice->bob (already counted):
    # 9 pairs needed without sharing, so sharing saved 9 - 7 = 2; vs everyone 20 - 7 = 13.
    row = series.loc[8.0]
    assert row["trusting_pairs"] == 11
    assert row["mean_path_length"] == pytest.approx(15 / 11)
    assert row["max_path_length"] == 2
    assert row["exposure_to_attacker"] == 0
    assert row["verifications_without_sharing"] == 9
    assert row["saved_vs_no_sharing"] == 2
    assert row["saved_vs_everyone"] == 13


def test_trust_graph_and_degrees(friends):
    run = an.load_run(friends)
    at7 = an.trust_graph(run, 7.0)
    assert isinstance(at7, nx.DiGraph)
    assert at7.edges[3, 1]["depth"] == 1 and not at7.edges[3, 1]["genuine"]
    assert at7.edges[3, 1]["via"] == 4 and at7.edges[3, 1]["collection"] == "4/1"
    graph = an.trust_graph(run)
    assert graph.number_of_nodes() == N and graph.number_of_edges() == 11
    assert not graph.has_edge(1, 3) and not graph.has_edge(3, 1)
    assert graph.edges[0, 1]["via"] == -1 and graph.nodes[4]["role"] == "attacker"
    # Out-degrees alice 3, bob 2, carol 3, dave 3, mallory 0; in-degrees 3, 2, 3, 2, 1.
    table = an.degree_distribution(graph).set_index("degree")
    assert table["out_count"].to_dict() == {0: 1, 1: 0, 2: 1, 3: 3}
    assert table["in_count"].to_dict() == {0: 0, 1: 1, 2: 2, 3: 2}


def test_depth_effect(friends):
    run = an.load_run(friends)
    table = an.depth_effect(run).set_index("cap")
    # Own checks (depth 0): 0->1, 0->2, 0->3, 1->0, 2->0, 3->2, 3->4 = 7; depth 1 adds 1->2,
    # 2->1, 2->3, 3->0 = 11.
    assert table["trusting_pairs"].to_dict() == {0: 7, 1: 11}
    assert table.loc[1, "reachable_pairs_fraction"] == pytest.approx(11 / PAIRS)
    # At t=7 the forged edge (depth 1) exposes dave under cap 1, not under cap 0.
    at7 = an.depth_effect(run, 7.0).set_index("cap")
    assert at7["trusting_pairs"].to_dict() == {0: 7, 1: 12}
    assert at7["exposure_to_attacker"].to_dict() == {0: 0.0, 1: 0.2}


def test_conditional_and_sharer_exposure(friends):
    run = an.load_run(friends)
    # Only bob enabled alice's collection under a condition, so only bob's 1->2 and 1->3 rest on
    # a conditional import (carol's 2->1, 2->3 from the same collection do not).
    table = an.conditional_effect(run, [3.5, 8.0]).set_index("t")
    assert table["pairs_via_conditional"].to_dict() == {3.5: 2, 8.0: 1}
    exposure = an.sharer_exposure(run)
    assert exposure.to_dict("records") == [
        {"sharer": 4, "records": 1, "nodes_exposed": 1, "impersonated_peers": [1],
         "first_t": 7.0}]
    connections = an.connection_outcomes(run).set_index("how")
    assert connections.loc["collection", "ok"] == 1
    assert connections.loc["none", "ok"] == 0


def test_compare_with_cpp_metrics(tmp_path):
    # A metrics.csv with the hand-derived rows (printed as the C++ prints them) agrees; one wrong
    # value is pinpointed.
    rows = [
        {"t": "3.500000000", "trusting_pairs": 6, "reachable_pairs_fraction": "0.300000",
         "verifications_done": 4, "verifications_without_sharing": 4,
         "mean_path_length": "1.3333", "max_path_length": 2, "largest_component": 2,
         "exposure_to_attacker": "0.000000"},
        {"t": "7.000000000", "trusting_pairs": 12, "reachable_pairs_fraction": "0.600000",
         "verifications_done": 7, "verifications_without_sharing": 7,
         "mean_path_length": "1.4167", "max_path_length": 2, "largest_component": 4,
         "exposure_to_attacker": "0.200000"},
    ]
    good = rf.write_run(str(tmp_path / "good"), rf.FRIENDS, rf.FRIENDS_EVENTS,
                        roles=rf.FRIENDS_ROLES, metrics_rows=rows)
    check = an.compare_with_cpp(an.load_run(good))
    assert check["agree"].all(), check
    rows[1]["largest_component"] = 5
    bad = rf.write_run(str(tmp_path / "bad"), rf.FRIENDS, rf.FRIENDS_EVENTS,
                       roles=rf.FRIENDS_ROLES, metrics_rows=rows)
    check = an.compare_with_cpp(an.load_run(bad)).set_index("metric")
    assert not check.loc["largest_component", "agree"]
    assert check.loc["largest_component", "worst_t"] == 7.0
    assert check.drop("largest_component")["agree"].all()


@pytest.mark.parametrize("damage, message", [
    ("version", "version 2"),
    ("node", "events.jsonl:2: node 9"),
    ("json", "events.jsonl:1: not JSON"),
    ("nodes", "no nodes.csv"),
])
def test_bad_run_folders(tmp_path, damage, message):
    folder = str(tmp_path / "run")
    events = [rf.verify(1.0, 0, 1), rf.trust(1.0, 9 if damage == "node" else 0, 1)]
    rf.write_run(folder, ["a", "b"], events, version=2 if damage == "version" else 1)
    if damage == "json":
        with open(os.path.join(folder, "events.jsonl"), "w") as handle:
            handle.write("{not json\n")
    if damage == "nodes":
        os.remove(os.path.join(folder, "nodes.csv"))
    with pytest.raises(an.RunFormatError, match=message):
        an.load_run(folder)


def test_summary_command(friends):
    out = subprocess.run([sys.executable, "-m", "ikewot.analysis", "summary", friends],
                         capture_output=True, text=True, check=True).stdout
    assert "55.0% of 20 ordered pairs (11 trusting pairs)" in out
    assert "7 done; without sharing 9 (saved 2)" in out and "saved 13" in out
    as_json = json.loads(subprocess.run(
        [sys.executable, "-m", "ikewot.analysis", "summary", friends, "--json"],
        capture_output=True, text=True, check=True).stdout)
    assert as_json["final"]["trusting_pairs"] == 11
    assert as_json["edges_by_depth"] == {"0": 7, "1": 4}
    missing = subprocess.run([sys.executable, "-m", "ikewot.analysis", "summary", "/nonexistent"],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no run.json" in missing.stderr


FAKE_SCENARIO = textwrap.dedent("""\
    #!/usr/bin/python3
    # A stand-in scenario: node 0 and every other node check each other; with --share=1 node 0's
    # collection makes everyone trust everyone (depth 1).
    import sys
    sys.path.insert(0, {helpers!r})
    import runfolders as rf
    args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
    n, share, seed = int(args["nodes"]), int(args["share"]), int(args["seed"])
    events = []
    for i in range(1, n):
        events += [rf.verify(float(i), 0, i), rf.trust(float(i), 0, i),
                   rf.verify(float(i), i, 0), rf.trust(float(i), i, 0)]
    if share:
        for i in range(1, n):
            for j in range(1, n):
                if i != j:
                    events.append(rf.trust(float(n), i, j, via=0, depth=1, collection="0/1"))
    rf.write_run(args["out"], ["n%d" % i for i in range(n)], events, scenario="fake", seed=seed,
                 parameters={{"nodes": n, "share": share}}, summary={{"nodes": n}})
    """)


def test_sweep_runner(tmp_path):
    script = tmp_path / "fake-scenario"
    script.write_text(FAKE_SCENARIO.format(helpers=os.path.dirname(rf.__file__)))
    script.chmod(0o755)
    out = tmp_path / "sweep"
    done = subprocess.run(
        [sys.executable, "-m", "ikewot.analysis", "sweep", "--scenario", str(script),
         "--param", "nodes=4,6", "--param", "share=0,1", "--seeds", "1", "--jobs", "2",
         "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = json.loads((out / "sweep.json").read_text())
    assert len(record["points"]) == 4 and record["jobs"] == 2
    assert all(p["returncode"] == 0 for p in record["points"])
    sweep = an.load_sweep(str(out))
    assert len(sweep.runs) == 4 and sweep.varied_parameters() == ["nodes", "share"]
    from ikewot.analysis.report import sweep_table
    table = sweep_table(sweep)
    # Without sharing: 2(n-1) of n(n-1) pairs = 2/n; with sharing: all pairs.
    for _, row in table.iterrows():
        expected = 1.0 if row["share"] == 1 else 2 / row["nodes"]
        assert row["saved_vs_no_sharing"] == 0  # nobody connected: only the verified pairs
        assert row["reachable_pairs_fraction"] == pytest.approx(expected)
        assert row["verifications_done"] == 2 * (row["nodes"] - 1)
    assert (out / "report" / "index.html").is_file()
    assert (out / "report" / "sweep-nodes.png").stat().st_size > 10000
    # A second sweep over the same folder reuses the finished runs.
    again = subprocess.run(
        [sys.executable, "-m", "ikewot.analysis", "sweep", "--scenario", str(script),
         "--param", "nodes=4,6", "--param", "share=0,1", "--seeds", "1", "--out", str(out)],
        capture_output=True, text=True, check=True)
    assert again.stderr.count("reused") == 4


def _scenario(name):
    folder = os.environ.get("IKEWOT_SCENARIO_DIR") or os.path.join(
        os.environ.get("IKEWOT_BUILD_DIR", ""), "scenarios")
    path = os.path.join(folder, name)
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} not built (the ns-3 scenarios need -DIKEWOT_WITH_NS3=ON)")
    return path


@pytest.mark.parametrize("scenario", ["four-friends", "attack"])
def test_real_run_agrees_with_cpp(scenario, tmp_path):
    # A real simulation run: networkx and the C++ metrics (Boost.Graph) agree on every sample,
    # and the final graph matches the scenario's own summary.json.
    out = str(tmp_path / scenario)
    done = subprocess.run([_scenario(scenario), f"--out={out}", "--seed=1", "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    run = an.load_run(out)
    assert run.finished and run.cpp_metrics is not None and len(run.cpp_metrics) > 1
    check = an.compare_with_cpp(run)
    assert check["agree"].all(), check.to_string()
    final = an.metrics_over_time(run).iloc[-1]
    assert an.trust_graph(run).number_of_edges() == run.summary["trusting_pairs"]
    assert final["verifications_done"] == run.summary["verifications"]["done"]
    assert final["verifications_without_sharing"] == \
        run.summary["verifications"]["needed_without_sharing"]
    if scenario == "attack":
        exposure = an.sharer_exposure(run)
        assert not exposure.empty and run.attackers()
        assert an.metrics_over_time(run)["exposure_to_attacker"].max() > 0


def test_run_scenario_with_progress(tmp_path):
    from ikewot import simulation

    program = _scenario("four-friends")
    seen = []
    run = simulation.run_scenario(program, str(tmp_path / "ff"), seed=2, progress=seen.append,
                                  metricsInterval=30)
    assert list(run.cpp_metrics["t"][:3]) == [0.0, 30.0, 60.0]
    assert run.scenario == "four-friends" and run.seed == 2 and run.finished
    assert seen and all(p.scenario == "four-friends" for p in seen)
    assert [p.sim_seconds for p in seen] == sorted(p.sim_seconds for p in seen)
    assert isinstance(simulation.trust_graph(run), nx.DiGraph)
    with pytest.raises(simulation.ScenarioError):
        simulation.run_scenario(program, str(tmp_path / "bad"), seed=0)
