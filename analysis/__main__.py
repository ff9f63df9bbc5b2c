"""python3 -m ikewot.analysis: summaries, HTML reports and parameter sweeps of run folders.

    python3 -m ikewot.analysis summary RUN_DIR [--json]
    python3 -m ikewot.analysis report RUN_DIR [--out DIR]      (a run, or a folder of runs)
    python3 -m ikewot.analysis sweep --scenario BIN --param NAME=V1,V2 ... --seeds 1-5 --out DIR
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from . import metrics as m
from .runfolder import RunFormatError, is_run_folder, load_run, load_sweep


def _fraction(value) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.1%}"


def summary_text(run) -> str:
    s = m.summarize(run)
    final = s["final"]
    lines = [
        f"run:        {run.path}",
        f"scenario:   {s['scenario']}  seed {s['seed']}  {s['nodes']} nodes"
        f" ({s['attackers']} attackers)  {s['events']} events"
        f"  {'finished' if s['finished'] else 'NOT FINISHED (no summary.json)'}",
    ]
    if final:
        n = s["nodes"]
        lines += [
            f"reachable without prompting: {_fraction(final['reachable_pairs_fraction'])}"
            f" of {n * (n - 1)} ordered pairs ({final['trusting_pairs']} trusting pairs)",
            f"verifications: {final['verifications_done']} done; without sharing"
            f" {final['verifications_without_sharing']} (saved {final['saved_vs_no_sharing']}),"
            f" everyone checks everyone {final['verifications_everyone_checks_everyone']}"
            f" (saved {final['saved_vs_everyone']})",
            f"components: largest strongly connected {final['largest_component']} of {n}"
            f" ({final['strong_components']} in all; weakly connected: largest"
            f" {final['largest_weak_component']}); path length mean"
            f" {final['mean_path_length']:.2f}, max {final['max_path_length']}",
            f"trust edges by depth: " + ", ".join(f"{d}: {c}" for d, c in
                                                s["edges_by_depth"].items()) if
            s["edges_by_depth"] else "trust edges by depth: none",
            f"exposure: {_fraction(final['exposure_to_attacker'])} of nodes trust a forged"
            f" certificate",
        ]
    probes = s["probes"]
    if probes.get("probes"):
        lines.append(f"probes: {probes['probes']}, {probes['ok']} ok, {probes['nat']} behind NAT,"
                     f" median rtt {probes['median_rtt_ms']:.1f} ms")
    if "cpp_agreement" in s:
        bad = [k for k, ok in s["cpp_agreement"].items() if not ok]
        lines.append("C++ metrics.csv: " + ("agrees with networkx on every sample" if not bad
                                            else "DISAGREES on " + ", ".join(bad)))
    return "\n".join(lines)


def _cmd_summary(args) -> int:
    run = load_run(args.run_dir)
    if args.json:
        print(json.dumps(m.summarize(run), indent=2, default=str))
    else:
        print(summary_text(run))
    return 0


def _cmd_report(args) -> int:
    from .report import run_report, sweep_report

    if is_run_folder(args.run_dir):
        index = run_report(load_run(args.run_dir), args.out)
    else:
        index = sweep_report(load_sweep(args.run_dir), args.out)
    print(index)
    return 0


def _cmd_sweep(args) -> int:
    from . import sweep
    from .report import sweep_report

    grid = sweep.parse_grid(args.param)
    points = sweep.plan(args.scenario, grid, sweep.parse_seeds(args.seeds), args.out,
                        out_flag=args.out_flag, seed_flag=args.seed_flag, extra=args.extra)

    def progress(point, done, total):
        state = "reused" if point.reused else f"exit {point.returncode}, {point.wall_seconds} s"
        print(f"[{done}/{total}] {point.folder}: {state}", file=sys.stderr)

    finished = sweep.run_sweep(points, args.out, jobs=args.jobs, timeout=args.timeout,
                               progress=progress)
    failed = [p for p in finished if p.returncode != 0]
    for p in failed:
        print(f"failed: {' '.join(p.command)}\n{p.stderr_tail}", file=sys.stderr)
    print(sweep_report(load_sweep(args.out)))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m ikewot.analysis",
                                     description="Analyse ikewot simulation runs.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summary", help="print a short text summary of one run")
    p.add_argument("run_dir")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.set_defaults(func=_cmd_summary)
    p = sub.add_parser("report", help="write RUN_DIR/report/index.html and PNG plots "
                                      "(a folder of runs gets a sweep report)")
    p.add_argument("run_dir")
    p.add_argument("--out", help="report folder (default RUN_DIR/report)")
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("sweep", help="run a scenario over a parameter grid x seeds, then report")
    p.add_argument("--scenario", required=True, help="the scenario program")
    p.add_argument("--param", action="append", default=[], metavar="NAME=V1,V2",
                   help="a swept parameter (repeatable)")
    p.add_argument("--seeds", default="1", help="e.g. 1-5 or 1,3,7 (default 1)")
    p.add_argument("--out", required=True, help="sweep folder: one run folder per point")
    p.add_argument("--jobs", type=int, default=None, help="parallel runs (default: cores)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument("--out-flag", default="out", help="the scenario's output-folder option")
    p.add_argument("--seed-flag", default="seed", help="the scenario's seed option")
    p.add_argument("extra", nargs="*", help="after --: more arguments for every run")
    p.set_defaults(func=_cmd_sweep)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (RunFormatError, ValueError, OSError) as error:
        print(f"ikewot.analysis: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
