"""Cases with a full IKE SA and CHILD SA: ikewot connects, the daemon connects to `ikewot
serve`, traffic through the tunnel, NAT with ESP in UDP, RFC 7383 fragments both ways.

The daemon's data plane: this kernel has XFRM but no ESP, so strongSwan runs with
kernel-libipsec (userspace ESP and a TUN device, routes in its own table); libreswan 4.10 has
no userspace ESP, so with libreswan only the negotiation can be checked, and the traffic cases
say so in the table.
"""

import os
import re
import time

from harness import capture
from harness.cases import case, ping, trust_daemon
from harness.netns import DAEMON_INNER, IKEWOT_INNER
from harness.proc import wait_for

NO_DATAPLANE = ("libreswan 4.10 has no userspace ESP and this kernel has no ESP "
                "(CONFIG_INET_ESP off), so its CHILD SA cannot carry traffic here")
CONNECT_NEEDS = (("connect", "--yes", "--json"),)
TUNNEL_NEEDS = (("connect", "--yes", "--tunnel"),)


def mutual_setup(ctx, key="ecdsa-p256", pki=None, **spec_kw):
    """ikewot trusts the daemon's certificate and the daemon trusts ikewot's."""
    home, cert_pem, _ = ctx.home(key=key)
    spec = ctx.spec(pki=pki, remote_auth="pubkey", peer_cert=cert_pem,
                    dataplane=ctx.daemon_name == "strongswan", **spec_kw)
    trust_daemon(ctx, home, spec.cert)
    ctx.start_daemon(spec)
    return home, spec


def connect_args(ctx, home, *extra):
    return ["connect", "--yes", "--json", "--home", home, *extra, ctx.topo.daemon.addr]


def run_connect(ctx, home, *extra, wait=20):
    """Runs `ikewot connect` in the background until it exits or the daemon has the CHILD SA
    (connect may keep the SA up until interrupted); returns (exit code, output text)."""
    proc = ctx.start_ikewot(connect_args(ctx, home, *extra), "connect")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.alive():
        if ctx.daemon.child_established():
            time.sleep(0.5)  # let ikewot print its report
            break
        time.sleep(0.1)
    rc = proc.popen.poll()
    if rc is None:
        proc.stop(sig=2)  # SIGINT: a clean delete, as a user's Ctrl-C
        rc = proc.popen.returncode
    return rc, proc.log_text()


def child_json(text):
    """The JSON object ikewot connect printed (the line that parses and names a CHILD SA)."""
    import json
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if "child" in json.dumps(obj).lower():
                return obj
    return None


@case("connect-mutual-cert",
      "ikewot connects with mutual certificate authentication (each side trusts the other's "
      "certificate): IKE SA and CHILD SA established on both sides",
      needs=CONNECT_NEEDS)
def connect_mutual_cert(ctx):
    home, spec = mutual_setup(ctx)
    rc, text = run_connect(ctx, home)
    ctx.check("daemon established the IKE SA with ikewot's certificate",
              ctx.daemon.ike_established())
    report = child_json(text)
    ctx.check("ikewot printed the CHILD SA (SPIs and algorithms) as JSON", report is not None,
              text[-500:])
    ctx.fact("connect", report)
    if ctx.daemon_name == "strongswan":
        ctx.check("daemon established the CHILD SA", ctx.daemon.child_established())


def wait_tunnel(ctx, proc, src_host, src, dst, timeout=20):
    """Pings until the tunnel answers (the CHILD SA and both TUN sides are up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            ctx.check("ikewot connect --tunnel keeps running", False, proc.log_text()[-800:])
        done = src_host.run("ping", "-c", "1", "-W", "1", "-I", src, dst, check=False)
        if done.returncode == 0:
            return
    ctx.check("tunnel came up", False, proc.log_text()[-800:])


def check_traffic(ctx, received, count, espinudp=False):
    ctx.check("ping through the tunnel answered", received == count, f"{received}/{count}")
    ctx.stop_captures()
    for cap in ctx.captures:
        s = capture.Summary(cap.pcap)
        ctx.fact(f"wire {os.path.basename(cap.pcap)}", s.as_dict())
        ctx.check(f"ESP on the wire ({os.path.basename(cap.pcap)})", s.esp >= 2 * count,
                  s.as_dict())
        if espinudp:
            ctx.check(f"ESP in UDP 4500 ({os.path.basename(cap.pcap)})",
                      s.esp_in_udp >= 2 * count, s.as_dict())
        leaked = s.cleartext_icmp_from(IKEWOT_INNER)
        ctx.check("no cleartext inner packet on the wire", leaked == 0, f"{leaked} leaked")


def inner_capture(ctx):
    """Captures on the daemon's libipsec TUN device: the cleartext that arrives."""
    wait_for(lambda: ctx.topo.daemon.run("ip", "link", "show", "ipsec0",
                                         check=False).returncode == 0,
             10, "strongSwan's ipsec0 TUN device")
    return capture.Capture(ctx.procs, ctx.topo.daemon, "ipsec0",
                           os.path.join(ctx.out, "daemon-inner.pcap"))


def check_inner(ctx, inner):
    inner.stop()
    arrived = capture.Summary(inner.pcap).echo_requests(IKEWOT_INNER, DAEMON_INNER)
    ctx.check("cleartext echo requests arrived on the daemon's TUN", arrived > 0,
              f"{arrived} seen on ipsec0")


@case("tunnel-ping",
      "ikewot connect --tunnel: ping from ikewot's inner address to the daemon's through the "
      "tunnel; only ESP on the wire, the cleartext arrives on the daemon's TUN",
      needs=TUNNEL_NEEDS)
def tunnel_ping(ctx):
    if ctx.daemon_name != "strongswan":
        ctx.unsupported(NO_DATAPLANE)
    home, spec = mutual_setup(ctx)
    proc = ctx.start_ikewot(connect_args(ctx, home, "--tunnel"), "connect-tunnel")
    wait_tunnel(ctx, proc, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
    inner = inner_capture(ctx)
    received = ping(ctx, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
    check_inner(ctx, inner)
    check_traffic(ctx, received, 3)


@case("nat-tunnel",
      "NAT in the path: NAT detected, IKE on 4500, the tunnel carries ESP in UDP both ways",
      topology="nat", needs=TUNNEL_NEEDS)
def nat_tunnel(ctx):
    if ctx.daemon_name != "strongswan":
        ctx.unsupported(NO_DATAPLANE)
    home, spec = mutual_setup(ctx)
    proc = ctx.start_ikewot(connect_args(ctx, home, "--tunnel"), "connect-tunnel")
    wait_tunnel(ctx, proc, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
    received = ping(ctx, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
    ctx.check("daemon saw the NAT", re.search(r"remote host is behind NAT", ctx.daemon.log())
              is not None)
    check_traffic(ctx, received, 3, espinudp=True)


@case("serve-daemon-initiates",
      "the daemon connects to `ikewot serve --accept trusted`: IKE SA and CHILD SA established",
      needs=(("serve", "--listen", "--accept"),))
def serve_daemon_initiates(ctx):
    home, cert_pem, _ = ctx.home()
    spec = ctx.spec(remote_auth="pubkey", peer_cert=cert_pem, initiate=True,
                    dataplane=ctx.daemon_name == "strongswan")
    trust_daemon(ctx, home, spec.cert)
    server = ctx.start_ikewot(["serve", "--listen", ctx.topo.ikewot.addr, "--accept",
                               "trusted", "--home", home], "serve")
    time.sleep(0.5)
    ctx.check("ikewot serve is running", server.alive(), server.log_text()[-500:])
    ctx.start_daemon(spec)
    ok = ctx.daemon.initiate()
    ctx.fact("daemon_initiate_ok", ok)
    ctx.check("daemon established the IKE SA with ikewot serve", ctx.daemon.ike_established(),
              server.log_text()[-500:])
    if ctx.daemon_name == "strongswan":
        ctx.check("daemon established the CHILD SA", ctx.daemon.child_established())


@case("fragmentation",
      "RFC 7383 both ways: the daemon's RSA chain and ikewot's RSA-3072 certificate make "
      "both IKE_AUTH messages larger than one datagram",
      needs=CONNECT_NEEDS)
def fragmentation(ctx):
    home, spec = mutual_setup(ctx, key="rsa3072", pki=ctx.env.big_pki(), fragment_size=1280)
    rc, text = run_connect(ctx, home)
    ctx.check("daemon established the IKE SA", ctx.daemon.ike_established(), text[-500:])
    ctx.stop_captures()
    s = capture.Summary(ctx.captures[0].pcap)
    ctx.fact("wire", s.as_dict())
    senders = s.fragment_senders()
    ctx.check("ikewot sent SKF fragments", ctx.topo.ikewot.addr in senders, senders)
    ctx.check("the daemon sent SKF fragments", ctx.topo.daemon.addr in senders, senders)
