"""Test hosts in network namespaces.

Three hosts at most: `ikewot` (where the ikewot command runs), `daemon` (strongSwan or
libreswan) and, for a path with a middlebox, `router` between them. Addresses come from
TEST-NET-1 (192.0.2.0/24); inner tunnel addresses from TEST-NET-2/3. Nothing is ever routed
out of the namespaces.

    direct:    ikewot 192.0.2.1/24 ------------------------------------ daemon 192.0.2.2/24
               and 2001:db8::1/64                                      and 2001:db8::2/64
    nat:       ikewot 192.0.2.129/25 -- .254 router .126 [masquerade] -- daemon 192.0.2.2/25
    fragdrop:  ikewot 192.0.2.129/25 -- .254 router .126 [drops IP fragments] -- daemon ...

The fragment-dropping rule is hooked at prerouting priority -450, before conntrack's
defragmentation (-400): otherwise conntrack would reassemble and forward the datagram.
"""

import itertools
import os

from harness.proc import HarnessError, run

_SERIAL = itertools.count()

IKEWOT_INNER = "198.51.100.1"  # inner (tunnel) address of the ikewot host
DAEMON_INNER = "203.0.113.1"   # inner address of the daemon host
COOKIE_HELPER = "192.0.2.3"    # second address of the ikewot host (half-open SA maker)
IKEWOT_V6 = "2001:db8::1"      # IPv6 documentation prefix (RFC 3849), direct topology only
DAEMON_V6 = "2001:db8::2"


class Host:
    def __init__(self, ns, iface, addr):
        self.ns = ns
        self.iface = iface
        self.addr = addr

    def cmd(self, *argv):
        """argv run inside this host's namespace."""
        return ["ip", "netns", "exec", self.ns, *argv]

    def run(self, *argv, **kw):
        return run(self.cmd(*argv), **kw)


class Topology:
    """Creates the namespaces on enter and deletes them (with every process still in them) on
    exit, whatever happened in between."""

    def __init__(self, kind="direct", ikewot_mtu=None):
        if kind not in ("direct", "nat", "fragdrop"):
            raise ValueError(f"unknown topology {kind}")
        self.kind = kind
        self.ikewot_mtu = ikewot_mtu
        tag = f"ikwi{os.getpid() % 100000}n{next(_SERIAL)}"
        self._names = []
        if kind == "direct":
            self.ikewot = Host(f"{tag}-i", "ikw-i0", "192.0.2.1")
            self.daemon = Host(f"{tag}-d", "ikw-d0", "192.0.2.2")
            self.router = None
        else:
            self.ikewot = Host(f"{tag}-i", "ikw-i0", "192.0.2.129")
            self.daemon = Host(f"{tag}-d", "ikw-d0", "192.0.2.2")
            self.router = Host(f"{tag}-r", "ikw-rd", "192.0.2.126")

    @property
    def ikewot_seen_as(self):
        """The ikewot host's address as the daemon sees it."""
        return "192.0.2.126" if self.kind == "nat" else self.ikewot.addr

    def hosts(self):
        return [h for h in (self.ikewot, self.daemon, self.router) if h]

    def __enter__(self):
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def teardown(self):
        for ns in reversed(self._names):
            run(["ip", "netns", "del", ns], check=False)
        self._names = []

    def _add_ns(self, host):
        run(["ip", "netns", "add", host.ns])
        self._names.append(host.ns)
        run(["ip", "-n", host.ns, "link", "set", "lo", "up"])
        # No IPv6 duplicate address detection: link-local addresses stay tentative for about a
        # second otherwise, and packets queue behind neighbour discovery meanwhile.
        host.run("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                 "net.ipv6.conf.default.accept_dad=0")

    def _build(self):
        i, d, r = self.ikewot, self.daemon, self.router
        for h in self.hosts():
            self._add_ns(h)
        # Inner addresses: the tunnel endpoints' cleartext sides.
        run(["ip", "-n", i.ns, "addr", "add", f"{IKEWOT_INNER}/32", "dev", "lo"])
        run(["ip", "-n", d.ns, "addr", "add", f"{DAEMON_INNER}/32", "dev", "lo"])
        if r is None:
            run(["ip", "link", "add", i.iface, "netns", i.ns, "type", "veth", "peer", "name",
                 d.iface, "netns", d.ns])
            run(["ip", "-n", i.ns, "addr", "add", f"{i.addr}/24", "dev", i.iface])
            run(["ip", "-n", i.ns, "addr", "add", f"{COOKIE_HELPER}/24", "dev", i.iface])
            run(["ip", "-n", d.ns, "addr", "add", f"{d.addr}/24", "dev", d.iface])
            # IPv6 too, without duplicate address detection (it would delay use by a second).
            run(["ip", "-n", i.ns, "addr", "add", f"{IKEWOT_V6}/64", "dev", i.iface, "nodad"])
            run(["ip", "-n", d.ns, "addr", "add", f"{DAEMON_V6}/64", "dev", d.iface, "nodad"])
        else:
            run(["ip", "link", "add", i.iface, "netns", i.ns, "type", "veth", "peer", "name",
                 "ikw-ri", "netns", r.ns])
            run(["ip", "link", "add", d.iface, "netns", d.ns, "type", "veth", "peer", "name",
                 r.iface, "netns", r.ns])
            run(["ip", "-n", i.ns, "addr", "add", f"{i.addr}/25", "dev", i.iface])
            run(["ip", "-n", r.ns, "addr", "add", "192.0.2.254/25", "dev", "ikw-ri"])
            run(["ip", "-n", r.ns, "addr", "add", f"{r.addr}/25", "dev", r.iface])
            run(["ip", "-n", d.ns, "addr", "add", f"{d.addr}/25", "dev", d.iface])
            for ifc in ("ikw-ri", r.iface):
                run(["ip", "-n", r.ns, "link", "set", ifc, "up"])
        if self.ikewot_mtu:
            run(["ip", "-n", i.ns, "link", "set", i.iface, "mtu", str(self.ikewot_mtu)])
        run(["ip", "-n", i.ns, "link", "set", i.iface, "up"])
        run(["ip", "-n", d.ns, "link", "set", d.iface, "up"])
        if r is not None:
            run(["ip", "-n", i.ns, "route", "add", "default", "via", "192.0.2.254"])
            run(["ip", "-n", d.ns, "route", "add", "192.0.2.128/25", "via", r.addr])
            r.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
            r.run("nft", "-f", "-", input_text=self._router_rules())

    def _router_rules(self):
        if self.kind == "nat":
            return f"""
table ip ikw_nat {{
  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    oifname "{self.router.iface}" masquerade
  }}
}}
"""
        return """
table ip ikw_fragdrop {
  chain prerouting {
    type filter hook prerouting priority -450; policy accept;
    ip frag-off & 0x3fff != 0 counter drop
  }
}
"""

    def dropped_fragments(self):
        """Packets the fragment-dropping rule dropped so far (fragdrop topology only)."""
        if self.kind != "fragdrop":
            return 0
        out = self.router.run("nft", "list", "table", "ip", "ikw_fragdrop").stdout
        for line in out.splitlines():
            if "counter packets" in line:
                return int(line.split("counter packets")[1].split()[0])
        raise HarnessError("no counter in the fragment-dropping table")
