"""Cases with a full IKE SA and CHILD SA: ikewot connects, the daemon connects to `ikewot
serve`, traffic through the tunnel, NAT with ESP in UDP, RFC 7383 fragments both ways.

The daemon's data plane: this kernel has XFRM but no ESP, so strongSwan runs with
kernel-libipsec (userspace ESP and a TUN device, routes in its own table); libreswan 4.10 has
no userspace ESP, so with libreswan only the negotiation can be checked, and the traffic cases
say so in the table.
"""

import json
import os
import re
import time

from harness import capture
from harness.cases import case, ping, trust_daemon
from harness.daemon import Algos
from harness.netns import DAEMON_INNER, IKEWOT_INNER
from harness.proc import HarnessError, wait_for

NO_DATAPLANE = ("libreswan 4.10 has no userspace ESP and this kernel has no ESP "
                "(CONFIG_INET_ESP off), so its CHILD SA cannot carry traffic here")
TUN_NAME = "ikwtun0"  # ikewot's TUN device; it gets the inner address of our traffic selector
CONNECT_NEEDS = (("connect", "--yes", "--json", "--local-ts", "--remote-ts"),)
TUNNEL_NEEDS = (("connect", "--yes", "--local-ts", "--remote-ts", "--tunnel"),)


def mutual_setup(ctx, key="ecdsa-p256", pki=None, **spec_kw):
    """ikewot trusts the daemon's certificate and the daemon trusts ikewot's."""
    home, cert_pem, _ = ctx.home(key=key)
    spec = ctx.spec(pki=pki, remote_auth="pubkey", peer_cert=cert_pem,
                    dataplane=ctx.daemon_name == "strongswan", **spec_kw)
    trust_daemon(ctx, home, spec.cert)
    ctx.start_daemon(spec)
    return home, spec


def connect_args(ctx, home, *extra):
    # The inner addresses as traffic selectors: what the daemon's configuration names.
    return ["connect", "--yes", "--json", "--home", home, "--local-ts", f"{IKEWOT_INNER}/32",
            "--remote-ts", f"{DAEMON_INNER}/32", *extra, ctx.topo.daemon.addr]


def run_connect(ctx, home, *extra, wait=10):
    """Runs `ikewot connect` (which deletes the SAs again at once) in the background; returns
    (exit code, output, whether it ended by itself within `wait` seconds). A connect still
    running then is interrupted (SIGINT, a user's Ctrl-C) so that the case can report it."""
    proc = ctx.start_ikewot(connect_args(ctx, home, *extra), "connect")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.alive():
        time.sleep(0.05)
    ended = not proc.alive()
    if not ended:
        proc.stop(sig=2)
    return proc.popen.returncode, proc.log_text(), ended


def events(text):
    """The JSON Lines events ikewot connect / serve --json printed."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def child_json(text):
    """The child-sa-established event (SPIs, ESP suite, selectors), or None."""
    for event in events(text):
        if event.get("event") == "child-sa-established":
            return event
    return None


@case("connect-mutual-cert",
      "ikewot connects with mutual certificate authentication (each side trusts the other's "
      "certificate): IKE SA and CHILD SA established on both sides",
      needs=CONNECT_NEEDS)
def connect_mutual_cert(ctx):
    home, spec = mutual_setup(ctx)
    rc, text, ended = run_connect(ctx, home)
    seen = [e.get("event") for e in events(text)]
    ctx.fact("connect_events", seen)
    ctx.check("daemon established the IKE SA with ikewot's certificate",
              ctx.daemon.ike_established())
    ctx.check("ikewot reports the IKE SA", "ike-sa-established" in seen, text[-500:])
    if ctx.daemon_name == "libreswan":
        # pluto negotiates the CHILD SA, cannot install it (no ESP in this kernel) and answers
        # IKE_AUTH with N(TS_UNACCEPTABLE) instead of SA/TSi/TSr.
        ctx.check("ikewot connect ends by itself when the daemon refuses the CHILD SA",
                  ended, f"still running after 10 s; events {seen}")
        ctx.check("and says so with a non-zero exit code", rc not in (0, None) and rc < 128,
                  f"exit {rc}")
        return
    report = child_json(text)
    ctx.check("ikewot printed the CHILD SA (SPIs and algorithms) as JSON", report is not None,
              text[-500:])
    child = report.get("child") or {}
    ctx.fact("child", child)
    ctx.check("the CHILD SA names SPIs and an ESP suite",
              child.get("spi_initiator") and child.get("spi_responder") and child.get("esp"),
              child)
    ctx.check("ikewot connect ended by itself with exit code 0", ended and rc == 0,
              f"ended={ended} exit {rc}")
    ctx.check("daemon established the CHILD SA", ctx.daemon.child_established())


def wait_tunnel(ctx, proc, src_host, src, dst, device, timeout=20):
    """Waits until `dst` is routed into the tunnel's device (before that a ping could leave in
    cleartext by the default route), then pings until the tunnel answers."""
    def routed():
        if not proc.alive():
            ctx.check("the tunnel's process keeps running", False, proc.log_text()[-800:])
        done = src_host.run("ip", "route", "get", dst, "from", src, check=False)
        return f"dev {device}" in done.stdout

    try:
        wait_for(routed, timeout, f"a route to {dst} via {device}")
    except HarnessError:
        ctx.check(f"{dst} routed into {device}", False, proc.log_text()[-800:])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
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
    proc = ctx.start_ikewot(connect_args(ctx, home, "--tunnel", TUN_NAME), "connect-tunnel")
    wait_tunnel(ctx, proc, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER, TUN_NAME)
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
    proc = ctx.start_ikewot(connect_args(ctx, home, "--tunnel", TUN_NAME), "connect-tunnel")
    wait_tunnel(ctx, proc, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER, TUN_NAME)
    received = ping(ctx, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
    ctx.check("daemon saw the NAT", re.search(r"remote host is behind NAT", ctx.daemon.log())
              is not None)
    check_traffic(ctx, received, 3, espinudp=True)


@case("serve-daemon-initiates",
      "the daemon connects to `ikewot serve --accept trusted`: IKE SA and CHILD SA established",
      needs=(("serve", "--json", "--listen", "--accept"),))
def serve_daemon_initiates(ctx):
    home, cert_pem, _ = ctx.home()
    spec = ctx.spec(remote_auth="pubkey", peer_cert=cert_pem, initiate=True,
                    dataplane=ctx.daemon_name == "strongswan")
    trust_daemon(ctx, home, spec.cert)
    server = ctx.start_ikewot(["serve", "--json", "--listen", ctx.topo.ikewot.addr,
                               "--accept", "trusted", "--home", home], "serve")
    time.sleep(0.5)
    ctx.check("ikewot serve is running", server.alive(), server.log_text()[-500:])
    ctx.start_daemon(spec)
    ok = ctx.daemon.initiate()
    ctx.fact("daemon_initiate_ok", ok)
    ctx.check("daemon established the IKE SA with ikewot serve", ctx.daemon.ike_established(),
              server.log_text()[-500:])
    def seen_events():
        return [e.get("event") for e in events(server.log_text())]

    # serve prints its events a moment after the daemon's swanctl/whack call returned.
    try:
        wait_for(lambda: "child-sa-established" in seen_events() or
                 "failed" in seen_events(), 5, "ikewot serve's CHILD SA event")
    except HarnessError:
        pass
    seen = seen_events()
    ctx.fact("serve_events", seen)
    ctx.check("ikewot serve reports the IKE SA", "ike-sa-established" in seen, seen)
    ctx.check("ikewot serve reports the CHILD SA", "child-sa-established" in seen, seen)
    if ctx.daemon_name == "strongswan":
        ctx.check("daemon established the CHILD SA", ctx.daemon.child_established())


@case("fragmentation",
      "RFC 7383 both ways: the daemon's RSA chain and ikewot's RSA-3072 certificate make "
      "both IKE_AUTH messages larger than one datagram",
      needs=CONNECT_NEEDS)
def fragmentation(ctx):
    home, spec = mutual_setup(ctx, key="rsa3072", pki=ctx.env.big_pki(), fragment_size=1280)
    rc, text, ended = run_connect(ctx, home)
    ctx.check("daemon established the IKE SA", ctx.daemon.ike_established(), text[-500:])
    ctx.stop_captures()
    s = capture.Summary(ctx.captures[0].pcap)
    ctx.fact("wire", s.as_dict())
    senders = s.fragment_senders()
    ctx.check("ikewot sent SKF fragments", ctx.topo.ikewot.addr in senders, senders)
    ctx.check("the daemon sent SKF fragments", ctx.topo.daemon.addr in senders, senders)


@case("nat-connect",
      "IKE SA and CHILD SA through a masquerading NAT: NAT detected, IKE on 4500, the CHILD SA "
      "uses UDP encapsulation",
      topology="nat", needs=CONNECT_NEEDS)
def nat_connect(ctx):
    if ctx.daemon_name != "strongswan":
        ctx.unsupported("pluto cannot install the CHILD SA in this kernel (no ESP), see "
                        "connect-mutual-cert; NAT traversal of IKE is checked by nat-probe")
    home, spec = mutual_setup(ctx)
    rc, text, ended = run_connect(ctx, home)
    report = child_json(text)
    ctx.check("ikewot established the CHILD SA through the NAT", report is not None, text[-500:])
    child = report.get("child") or {}
    ctx.fact("child", child)
    ctx.check("the CHILD SA uses UDP encapsulation", child.get("udp_encapsulation") is True,
              child)
    ctx.check("ikewot connect ended by itself with exit code 0", ended and rc == 0,
              f"ended={ended} exit {rc}")
    # (kernel-libipsec also fakes a NAT on its own side; this line is the real one.)
    ctx.check("daemon saw ikewot behind the NAT",
              re.search(r"remote host is behind NAT", ctx.daemon.log()) is not None)
    ctx.stop_captures()
    for cap in ctx.captures:
        s = capture.Summary(cap.pcap)
        ctx.check(f"IKE on UDP 4500 ({os.path.basename(cap.pcap)})", s.ike_4500 > 0,
                  s.as_dict())


@case("serve-tunnel-ping",
      "the daemon connects to `ikewot serve --tunnel`: ping from the daemon's inner address to "
      "ikewot's through the tunnel; only ESP on the wire",
      needs=(("serve", "--json", "--listen", "--accept", "--tunnel"),))
def serve_tunnel_ping(ctx):
    if ctx.daemon_name != "strongswan":
        ctx.unsupported(NO_DATAPLANE)
    home, cert_pem, _ = ctx.home()
    spec = ctx.spec(remote_auth="pubkey", peer_cert=cert_pem, initiate=True, dataplane=True)
    trust_daemon(ctx, home, spec.cert)
    server = ctx.start_ikewot(["serve", "--json", "--tunnel", TUN_NAME, "--listen",
                               ctx.topo.ikewot.addr,
                               "--accept", "trusted", "--home", home], "serve")
    time.sleep(0.5)
    ctx.check("ikewot serve is running", server.alive(), server.log_text()[-500:])
    ctx.start_daemon(spec)
    ctx.check("daemon initiated the IKE SA and CHILD SA", ctx.daemon.initiate(),
              server.log_text()[-500:])
    wait_tunnel(ctx, server, ctx.topo.daemon, DAEMON_INNER, IKEWOT_INNER, "ipsec0")
    received = ping(ctx, ctx.topo.daemon, DAEMON_INNER, IKEWOT_INNER)
    ctx.check("ping through the tunnel answered", received == 3, f"{received}/3")
    ctx.stop_captures()
    s = capture.Summary(ctx.captures[0].pcap)
    ctx.fact("wire", s.as_dict())
    ctx.check("ESP on the wire", s.esp >= 6, s.as_dict())
    ctx.check("no cleartext inner packet on the wire", s.cleartext_icmp_from(DAEMON_INNER) == 0,
              s.as_dict())


# ESP suites through the tunnel (ikewot's core/esp against strongSwan's libipsec): name,
# strongSwan esp_proposals, ESP suite ikewot must report for the CHILD SA.
ESP_SUITES = [
    ("aes128gcm16", "aes128gcm16", "ENCR_AES_GCM_16-128/NO_ESN"),
    ("chacha20poly1305", "chacha20poly1305", "ENCR_CHACHA20_POLY1305/NO_ESN"),
    ("aes256-sha256", "aes256-sha256",
     "ENCR_AES_CBC-256/AUTH_HMAC_SHA2_256_128/NO_ESN"),
]


def _esp_case(name, ss, expect):
    @case(f"esp-{name}",
          f"the daemon accepts only ESP {name}: ikewot's tunnel carries a ping with it",
          needs=TUNNEL_NEEDS)
    def esp_suite(ctx):
        if ctx.daemon_name != "strongswan":
            ctx.unsupported(NO_DATAPLANE)
        home, spec = mutual_setup(ctx, esp=Algos(ss, ""))
        proc = ctx.start_ikewot(connect_args(ctx, home, "--tunnel", TUN_NAME), "connect-tunnel")
        wait_tunnel(ctx, proc, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER, TUN_NAME)
        received = ping(ctx, ctx.topo.ikewot, IKEWOT_INNER, DAEMON_INNER)
        report = child_json(proc.log_text()) or {}
        chosen = (report.get("child") or {}).get("esp")
        ctx.fact("esp", chosen)
        ctx.check("the CHILD SA uses the daemon's only ESP suite", chosen == expect,
                  f"{chosen!r}, want {expect!r}")
        check_traffic(ctx, received, 3)
    return esp_suite


for _suite in ESP_SUITES:
    _esp_case(*_suite)
