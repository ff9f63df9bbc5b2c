#!/usr/bin/python3
"""ikewot against real strongSwan and libreswan daemons: the interop matrix in one command.

    sudo tests/interop/run.py --ikewot build/main/cli/ikewot [--daemon strongswan|libreswan|all]
                              [--case PATTERN]... [--out DIR] [--keep] [--list]

Every case runs in fresh network namespaces with a freshly started daemon and its own
configuration in a temporary folder, captures its packets to a pcap, checks that tshark finds no
malformed IKE packet, and is torn down afterwards (also on failure or Ctrl-C). Prints a table
(case x daemon -> pass / FAIL / not supported by daemon / not run, with time) and writes
results.json and junit.xml into --out. Exit status: 0 when no case failed, 1 when one did,
2 for usage errors, 77 when not run as root (ctest: skipped), 130 when interrupted. See docs/interop.md.
"""

import argparse
import datetime
import fnmatch
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import cases as case_table  # noqa: E402
from harness import libreswan, report, strongswan  # noqa: E402
from harness.context import CaseContext, CaseFailed  # noqa: E402
from harness.daemon import NotSupported  # noqa: E402
from harness.ikewot import Ikewot, Missing  # noqa: E402
from harness.netns import Topology  # noqa: E402
from harness.pki import Pki  # noqa: E402
from harness.proc import HarnessError, ProcessGroup  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL_DAEMONS = ("strongswan", "libreswan")


class RunEnv:
    """What cases share within one run: the ikewot binary, PKIs and ikewot identities (made
    once, copied into each case)."""

    def __init__(self, ikewot, scratch):
        self.ikewot = ikewot
        self.scratch = scratch
        self._pkis = {}
        self._ids = {}
        self._lock = threading.RLock()  # cases in parallel share these caches

    def default_pki(self):
        with self._lock:
            return self._default_pki()

    def big_pki(self):
        with self._lock:
            return self._big_pki()

    def rsa_pki(self):
        with self._lock:
            return self._rsa_pki()

    def identity(self, name, key):
        with self._lock:
            return self._identity(name, key)

    def _default_pki(self):
        if "default" not in self._pkis:
            pki = Pki(os.path.join(self.scratch, "pki-default"), "ec256")
            pki.gateway = pki.end_entity("gw", "gw.ikewot.test")
            self._pkis["default"] = pki
        return self._pkis["default"]

    def _big_pki(self):
        """RSA root, three RSA intermediates and an RSA gateway: the IKE_AUTH answer with this
        chain is about 4 kB and needs RFC 7383 fragments."""
        if "big" not in self._pkis:
            pki = Pki(os.path.join(self.scratch, "pki-big"), "rsa2048")
            pki.add_intermediates(3, "rsa2048")
            pki.gateway = pki.end_entity("gw", "gw.ikewot.test")
            self._pkis["big"] = pki
        return self._pkis["big"]

    def _rsa_pki(self):
        """RSA root and RSA-2048 gateway: the IKEv1 cases (libreswan 4.10 signs IKEv1 only
        with RSA)."""
        if "rsa" not in self._pkis:
            pki = Pki(os.path.join(self.scratch, "pki-rsa"), "rsa2048")
            pki.gateway = pki.end_entity("gw", "gw.ikewot.test")
            self._pkis["rsa"] = pki
        return self._pkis["rsa"]

    def _identity(self, name, key):
        if (name, key) not in self._ids:
            home = os.path.join(self.scratch, f"home-{name}-{key}")
            cert, shown = self.ikewot.make_identity(home, f"{name}.ikewot.test", key)
            self._ids[(name, key)] = (home, cert, shown)
        return self._ids[(name, key)]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ikewot", default=os.path.join(REPO, "build", "main", "cli", "ikewot"),
                   help="the ikewot binary (default: build/main/cli/ikewot)")
    p.add_argument("--daemon", choices=(*ALL_DAEMONS, "all"), default="all")
    p.add_argument("--case", action="append", default=[], metavar="PATTERN",
                   help="run cases whose name matches this shell pattern (repeatable)")
    p.add_argument("--out", default=os.path.join(REPO, "build", "interop-results"),
                   help="folder for pcaps, logs, results.json and junit.xml")
    p.add_argument("--keep", action="store_true",
                   help="keep each case's temporary folder (configs, NSS db, homes)")
    p.add_argument("--jobs", type=int, default=2,
                   help="cases run side by side (default 2; each has its own namespaces)")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    return p.parse_args(argv)


def selected_cases(patterns):
    if not patterns:
        return list(case_table.CASES)
    return [c for c in case_table.CASES if any(fnmatch.fnmatch(c.name, p) for p in patterns)]


def missing_need(ikewot, case):
    for need in case.needs:
        try:
            ikewot.require(*need)
        except Missing as exc:
            return str(exc)
    return None


def run_one(env, case, daemon, out_root, keep):
    out = os.path.join(out_root, "cases", f"{case.name}--{daemon}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    lacking = missing_need(env.ikewot, case)
    if lacking:
        return report.Result(case.name, daemon, report.NOT_RUN, 0.0, lacking, artifacts=out)
    work = tempfile.mkdtemp(prefix=f"ikwi-{case.name}-{daemon}-")
    start = time.monotonic()
    ctx = None
    status, reason = report.PASS, ""
    try:
        with Topology(case.topology, ikewot_mtu=case.mtu) as topo, ProcessGroup() as procs:
            ctx = CaseContext(env, case, daemon, topo, procs, work, out)
            phases = {"topology": time.monotonic() - start}
            ctx.fact("phase_seconds", phases)
            try:
                mark = time.monotonic()
                ctx.start_captures()
                phases["captures"] = time.monotonic() - mark
                mark = time.monotonic()
                case.func(ctx)
                phases["case"] = time.monotonic() - mark
                mark = time.monotonic()
                ctx.stop_captures()
                ctx.verify_captures()
                phases["verify"] = time.monotonic() - mark
            finally:
                # Also after a failure: the pcap of a failed case is what one reads first.
                ctx.stop_captures()
                ctx.collect()
    except NotSupported as exc:
        status, reason = report.UNSUPPORTED, str(exc)
    except Missing as exc:
        status, reason = report.NOT_RUN, str(exc)
    except (CaseFailed, HarnessError) as exc:
        status, reason = report.FAIL, str(exc)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a harness bug is a failed case, with its traceback kept
        status, reason = report.FAIL, f"harness error: {exc!r}"
        with open(os.path.join(out, "traceback.txt"), "w") as f:
            f.write(traceback.format_exc())
    finally:
        if keep:
            print(f"  kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - start
    return report.Result(case.name, daemon, status, seconds, reason,
                         ctx.checks if ctx else [], ctx.facts if ctx else {}, out)


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv):
    args = parse_args(argv)
    cases = selected_cases(args.case)
    if args.list:
        for c in case_table.CASES:
            print(f"{c.name:<40} {c.summary}")
        return 0
    if not cases:
        print(f"no case matches {args.case}; --list shows them", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("run.py must run as root (network namespaces, daemons on port 500): skipped",
              file=sys.stderr)
        return 77
    # SIGTERM (ctest timeout, CI cancel) tears down exactly like Ctrl-C; SIGINT is installed
    # explicitly because a shell's background job starts with it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    daemons = ALL_DAEMONS if args.daemon == "all" else (args.daemon,)
    if "libreswan" in daemons:
        try:
            libreswan.ensure_unpacked()
        except HarnessError as exc:
            print(f"libreswan unavailable: {exc}", file=sys.stderr)
    ikewot = Ikewot(args.ikewot)
    out_root = os.path.abspath(args.out)
    os.makedirs(out_root, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="ikwi-run-")
    env = RunEnv(ikewot, scratch)
    meta = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "ikewot": ikewot.binary, "ikewot_commands": sorted(ikewot.commands),
            "strongswan": strongswan.version(), "libreswan": libreswan.version()}
    print(f"ikewot {ikewot.binary}; strongSwan {meta['strongswan']}; "
          f"libreswan {meta['libreswan']}; {len(cases)} case(s) x {len(daemons)} daemon(s)")
    results = {}
    pending = [(c, d) for c in cases for d in daemons]
    interrupted = False
    lock = threading.Lock()

    def worker():
        # Cases are independent (own namespaces, daemons, folders): a few run side by side.
        while True:
            with lock:
                if interrupted or not pending:
                    return
                c, d = pending.pop(0)
            r = run_one(env, c, d, out_root, args.keep)
            with lock:
                results[(c.name, d)] = r
                print(f"  {c.name:<40} {d:<11} {r.cell():<24} {r.reason[:110]}", flush=True)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.jobs)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: finishing the running cases' teardown", file=sys.stderr)
        for t in threads:
            t.join()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results = [results[(c.name, d)] for c in cases for d in daemons if (c.name, d) in results]
    meta["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    meta["interrupted"] = interrupted
    report.write(out_root, results, meta)
    print()
    print(report.table(results, daemons))
    print(f"\nresults: {out_root}/results.json, {out_root}/junit.xml; pcaps and logs in "
          f"{out_root}/cases/")
    if interrupted:
        return 130
    return 1 if any(r.status == report.FAIL for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
