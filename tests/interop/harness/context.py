"""One case against one daemon: its hosts, processes, captures, checks and artifacts.

The runner builds a `CaseContext` inside `with Topology(...)` and `with ProcessGroup()`, so
namespaces and processes are gone when the case ends however it ends. The case function uses
the helpers here; every check it makes is recorded (name, passed, detail) for the reports.
"""

import os
import shutil

from harness import capture
from harness.daemon import DaemonSpec, NotSupported
from harness.libreswan import Libreswan
from harness.strongswan import StrongSwan

DAEMONS = {"strongswan": StrongSwan, "libreswan": Libreswan}


class CaseFailed(Exception):
    """A check of the case failed (message: which and why)."""


class CaseContext:
    def __init__(self, env, case, daemon_name, topo, procs, work, out):
        self.env = env            # run-wide: ikewot wrapper, PKI and identity caches
        self.case = case
        self.daemon_name = daemon_name
        self.topo = topo
        self.procs = procs
        self.work = work          # temporary folder (configs, NSS db, homes)
        self.out = out            # kept artifacts (pcaps, logs, ikewot output)
        self.checks = []
        self.facts = {}           # measured values for the JSON report
        self.daemon = None
        self.captures = []
        self.ikewot = env.ikewot

    # ------------------------------------------------------------------ checks
    def check(self, name, ok, detail=""):
        self.checks.append({"check": name, "ok": bool(ok), "detail": str(detail)})
        if not ok:
            raise CaseFailed(f"{name}: {detail}" if detail else name)

    def fact(self, key, value):
        self.facts[key] = value

    def unsupported(self, reason):
        raise NotSupported(reason)

    def only_for(self, daemon, reason):
        if self.daemon_name != daemon:
            raise NotSupported(reason)

    # ------------------------------------------------------------------ set-up
    def start_captures(self):
        hosts = [(self.topo.ikewot, "ikewot-side")]
        if self.topo.router is not None:
            hosts.append((self.topo.daemon, "daemon-side"))
        for host, label in hosts:
            path = os.path.join(self.out, f"{label}.pcap")
            self.captures.append(capture.Capture(self.procs, host, host.iface, path))

    def stop_captures(self):
        for cap in self.captures:
            cap.stop()

    def spec(self, **kw):
        """A DaemonSpec for this topology with the run's default PKI unless overridden."""
        pki = kw.pop("pki", None) or self.env.default_pki()
        kw.setdefault("cert", pki.gateway)
        kw.setdefault("ca", pki.root)
        kw.setdefault("intermediates", list(pki.intermediates))
        return DaemonSpec(local_addr=self.topo.daemon.addr,
                          remote_addr=self.topo.ikewot_seen_as, **kw)

    def start_daemon(self, spec):
        cls = DAEMONS[self.daemon_name]
        self.daemon = cls(self.procs, self.topo.daemon, os.path.join(self.work, "daemon"), spec)
        return self.daemon

    def home(self, name="ikewot", key="ecdsa-p256"):
        """A private copy of a run-wide ikewot identity home; returns (home, cert.pem, show)."""
        src, cert, shown = self.env.identity(name, key)
        dst = os.path.join(self.work, f"home-{name}-{key}")
        if not os.path.exists(dst):
            self.ikewot.copy_home(src, dst)
        return dst, os.path.join(dst, "identity", "cert.pem"), shown

    def ikewot_log(self):
        return os.path.join(self.out, "ikewot.txt")

    def run_ikewot(self, argv, timeout=60, host=None):
        return self.ikewot.run_in(host or self.topo.ikewot, argv, timeout=timeout,
                                  log_path=self.ikewot_log())

    def start_ikewot(self, argv, name, host=None):
        log = os.path.join(self.out, f"ikewot-{name}.txt")
        return self.ikewot.start_in(self.procs, host or self.topo.ikewot, argv, log,
                                    f"ikewot-{name}")

    # ------------------------------------------------------------------ wrap-up
    def collect(self):
        """Copies the daemon's configuration and logs into the artifacts folder."""
        src = os.path.join(self.work, "daemon")
        if not os.path.isdir(src):
            return
        dst = os.path.join(self.out, "daemon")
        os.makedirs(dst, exist_ok=True)
        for name in ("charon.log", "charon.stdout", "strongswan.conf", "pluto.log",
                     "pluto.stdout", "ipsec.conf"):
            if os.path.exists(os.path.join(src, name)):
                shutil.copy(os.path.join(src, name), dst)
        swanctl = os.path.join(src, "swanctl", "swanctl.conf")
        if os.path.exists(swanctl):
            shutil.copy(swanctl, dst)

    def verify_captures(self):
        """The issue's rule for every case: each IKE packet dissects without a malformed
        warning, and there was IKE traffic at all."""
        total = 0
        for cap in self.captures:
            total += capture.check_dissection(cap.pcap)
        self.fact("ike_packets_captured", total)
        self.check("tshark dissects every IKE packet", True,
                   f"{total} IKE packets, none malformed")
        return total
