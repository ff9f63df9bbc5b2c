"""The case matrix. Each case is a function of a CaseContext, registered with `@case`.

A case states the topology it needs and the ikewot commands/options it uses (`needs`); the
runner reports "not run: ikewot lacks X" when the binary does not have them. A daemon that
cannot do a case raises NotSupported (ctx.unsupported / ctx.only_for) with the reason, and the
table shows that reason. Everything else is a check: ctx.check(name, condition, detail).
"""

import ipaddress
import os
import re

from harness import capture
from harness.daemon import Algos
from harness.netns import COOKIE_HELPER, DAEMON_V6, IKEWOT_V6

CASES = []


class Case:
    def __init__(self, name, func, summary, needs, topology, mtu):
        self.name = name
        self.func = func
        self.summary = summary
        self.needs = needs          # [(command, option...), ...]
        self.topology = topology    # "direct", "nat" or "fragdrop" (harness/netns.py)
        self.mtu = mtu              # MTU of the ikewot host's link, None: 1500


def case(name, summary, needs=(("probe", "--json"),), topology="direct", mtu=None):
    """Registers a case; it runs against every daemon (raising NotSupported where one
    cannot do it)."""
    def register(func):
        CASES.append(Case(name, func, summary, list(needs), topology, mtu))
        return func
    return register


# IANA numbers the checks look for in captures (RFC 7296 3.10.1, RFC 7383).
N_INVALID_KE_PAYLOAD = 17
N_COOKIE = 16390
N_NAT_DETECTION_SOURCE_IP = 16388


# ---------------------------------------------------------------------- helpers
# The test network's round trip is far below a millisecond; a 0.2 s first retransmission
# timeout (default 0.5) keeps cases short where a daemon never answers the probe's closing
# Delete (libreswan in its EAP state ignores it, and ikewot retransmits before it gives up).
FAST_RETRANSMIT = ("--timeout", "0.2")


def probe(ctx, home=None, extra=FAST_RETRANSMIT, timeout=60, target=None):
    """`ikewot probe --json` of the daemon; returns (Outcome, first result object)."""
    argv = ["probe", "--json", *extra]
    if home:
        argv += ["--home", home]
    argv.append(target or ctx.topo.daemon.addr)
    out = ctx.run_ikewot(argv, timeout=timeout)
    result = out.first()
    ctx.check("probe printed a JSON result", result is not None,
              f"exit {out.rc}, stderr: {out.stderr.strip()[-300:]}")
    ctx.fact("probe", {k: result.get(k) for k in ("stop", "auth", "auth_method", "round_trips",
                                                   "retransmissions", "latency_ms", "detail",
                                                   "cookie_required", "used_fallback_proposals",
                                                   "fragmentation_supported")})
    ctx.fact("chosen_proposal", result.get("behaviour", {}).get("chosen_proposal"))
    return out, result


def empty_home(ctx):
    """A home folder with no identity: the probe has no credentials at all."""
    path = os.path.join(ctx.work, "empty-home")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def check_certificate(ctx, result, cert, chain_len=1):
    certs = result.get("certificates") or []
    ctx.check("certificate received", len(certs) >= chain_len,
              f"{len(certs)} certificate(s), want >= {chain_len}")
    expected = cert.fingerprint_sha256().upper()
    got = (certs[0].get("sha256") or "").upper()
    ctx.check("fingerprint equals `openssl x509 -fingerprint -sha256`", got == expected,
              f"ikewot {got} vs openssl {expected}")
    ctx.fact("identification", certs[0].get("identification"))


def check_completed_verified(ctx, out, result):
    ctx.check("probe completed", result.get("stop") == "completed" and out.rc == 0,
              f"stop={result.get('stop')} exit={out.rc} detail={result.get('detail')}")
    ctx.check("responder AUTH verified", result.get("auth") == "verified",
              f"auth={result.get('auth')}")


def daemon_said(ctx, pattern, what):
    ctx.check(what, re.search(pattern, ctx.daemon.log()) is not None,
              f"/{pattern}/ not in the {ctx.daemon_name} log")


def trust_daemon(ctx, home, cert):
    """ikewot trusts the daemon's certificate (as a user who compared the string would)."""
    # --ike-id: the address we connect to is an identity of this certificate (its SAN names
    # only gw.ikewot.test), so `connect 192.0.2.2` finds it trusted without probing first.
    out = ctx.run_ikewot(["trust", "add", cert.cert, "--yes", "--ike-id",
                          f"ip:{ctx.topo.daemon.addr}", "--home", home])
    ctx.check("ikewot trust add of the daemon's certificate", out.rc == 0, out.stderr.strip())


def ping(ctx, src_host, src, dst, count=3):
    done = src_host.run("ping", "-c", str(count), "-i", "0.2", "-W", "2", "-I", src, dst,
                        check=False, timeout=30)
    received = 0
    m = re.search(r"(\d+) received", done.stdout)
    if m:
        received = int(m.group(1))
    ctx.fact("ping", f"{received}/{count} from {src} to {dst}")
    return received


# ---------------------------------------------------------------------- probe cases
@case("probe-eap-gateway",
      "road-warrior gateway that expects EAP from clients: ikewot gets its certificate without "
      "credentials, fingerprint equals openssl's, responder AUTH verified")
def probe_eap_gateway(ctx):
    spec = ctx.spec(remote_auth="eap")
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=empty_home(ctx), extra=())  # ikewot's default timing
    check_completed_verified(ctx, out, result)
    check_certificate(ctx, result, spec.cert)
    if ctx.daemon_name == "strongswan":
        daemon_said(ctx, r"authentication of 'gw\.ikewot\.test' \(myself\)",
                    "charon signed its AUTH for the probe")
    ctx.check("the daemon established no IKE SA (ikewot had no credentials)",
              not ctx.daemon.ike_established())


@case("probe-cert-gateway",
      "ordinary certificate gateway that trusts ikewot's certificate: probe with the home "
      "identity (--with-auth), certificate and AUTH verified",
      needs=(("probe", "--json", "--with-auth"),))
def probe_cert_gateway(ctx):
    home, cert_pem, _ = ctx.home()
    spec = ctx.spec(remote_auth="pubkey", peer_cert=cert_pem)
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=home, extra=["--with-auth", *FAST_RETRANSMIT])
    check_completed_verified(ctx, out, result)
    check_certificate(ctx, result, spec.cert)


@case("probe-cert-gateway-untrusted",
      "ordinary certificate gateway that does not know ikewot: the probe ends with a clear "
      "authentication-failed report and exit code, never a crash")
def probe_cert_gateway_untrusted(ctx):
    ctx.start_daemon(ctx.spec(remote_auth="pubkey"))
    out, result = probe(ctx, home=empty_home(ctx))
    stop = result.get("stop")
    ctx.fact("stop", stop)
    ctx.fact("problem", result.get("problem"))
    ctx.check("reported as refused authentication", stop == "authentication-failed",
              f"stop={stop} detail={result.get('detail')}")
    ctx.check("exit code 5 (AUTHENTICATION_FAILED, docs/cli-probe.md)", out.rc == 5,
              f"exit {out.rc}")
    problem = result.get("problem") or ""
    ctx.check("a message that says what went wrong", "auth" in problem.lower(), problem)
    ctx.check("daemon established no IKE SA", not ctx.daemon.ike_established())


@case("probe-null-auth",
      "RFC 7619 NULL authentication: no certificate either way, both sides use ID_NULL",
      needs=(("probe", "--json", "--null-auth"),))
def probe_null_auth(ctx):
    ctx.only_for("libreswan", "strongSwan 5.9.8's vici/swanctl has no NULL authentication: "
                 "'auth = null' is refused as an invalid value")
    ctx.start_daemon(ctx.spec(remote_auth="null"))
    out, result = probe(ctx, home=empty_home(ctx), extra=["--null-auth", *FAST_RETRANSMIT])
    ctx.check("probe completed", result.get("stop") == "completed" and out.rc == 0,
              f"stop={result.get('stop')} exit={out.rc} detail={result.get('detail')}")
    ctx.check("responder used NULL authentication", result.get("auth") == "null-auth",
              f"auth={result.get('auth')} method={result.get('auth_method')}")


@case("probe-ipv6",
      "the EAP gateway over IPv6 (2001:db8::/64): certificate, fingerprint and AUTH verified")
def probe_ipv6(ctx):
    spec = ctx.spec(remote_auth="eap")
    spec.local_addr, spec.remote_addr = DAEMON_V6, IKEWOT_V6
    spec.local_ts, spec.remote_ts = f"{DAEMON_V6}/128", f"{IKEWOT_V6}/128"
    ctx.start_daemon(spec)
    # Resolve the neighbour first: a lost first solicitation delays the probe's datagrams by a
    # second, and the retransmissions queued meanwhile then leave together (see docs/interop.md
    # on duplicated INVALID_KE answers).
    ctx.topo.ikewot.run("ping", "-6", "-c", "1", "-W", "3", DAEMON_V6, check=False)
    out, result = probe(ctx, home=empty_home(ctx), target=f"[{DAEMON_V6}]")
    check_completed_verified(ctx, out, result)
    check_certificate(ctx, result, spec.cert)
    host = (result.get("target") or "").rsplit(":", 1)[0].strip("[]")
    try:
        same = ipaddress.ip_address(host) == ipaddress.ip_address(DAEMON_V6)
    except ValueError:
        same = False
    ctx.check("probed over IPv6", same, result.get("target"))
    ctx.stop_captures()
    summary = capture.Summary(ctx.captures[0].pcap)
    ctx.check("IKE over IPv6 on the wire", summary.ike_v6 > 0, summary.as_dict())


# ---------------------------------------------------------------------- behaviour cases
@case("cookie",
      "COOKIE forced by the daemon (strongSwan: cookie_threshold 1 and one half-open SA; "
      "libreswan: ddos-mode=busy): ikewot retries with the cookie and completes")
def cookie(ctx):
    spec = ctx.spec(remote_auth="eap", force_cookies=True)
    ctx.start_daemon(spec)
    if ctx.daemon_name == "strongswan":
        # A real IKE_SA_INIT from a second address that is never continued: half-open.
        ctx.topo.ikewot.run("ike-scan", "--ikev2", "--dhgroup=14", "--sport=0",
                            f"--bindip={COOKIE_HELPER}", f"--sourceip={COOKIE_HELPER}",
                            "--retry=1", ctx.topo.daemon.addr, check=False, timeout=30)
    out, result = probe(ctx, home=empty_home(ctx))
    check_completed_verified(ctx, out, result)
    ctx.check("ikewot reports that a cookie was required", result.get("cookie_required"),
              f"cookie_required={result.get('cookie_required')}")
    ctx.stop_captures()
    summary = capture.Summary(ctx.captures[0].pcap)
    ctx.check("N(COOKIE) on the wire", N_COOKIE in summary.notifies, summary.notifies)


@case("invalid-ke",
      "the daemon accepts only a group ikewot does not lead with: INVALID_KE_PAYLOAD, then "
      "ikewot retries with the requested group")
def invalid_ke(ctx):
    # MODP-3072: offered by ikewot's default policy, never its first KE guess.
    spec = ctx.spec(remote_auth="eap", ike=Algos("aes256gcm16-prfsha256-modp3072",
                                                 "aes_gcm256-sha2_256;modp3072"))
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=empty_home(ctx))
    check_completed_verified(ctx, out, result)
    group = result.get("behaviour", {}).get("invalid_ke_group")
    ctx.check("ikewot saw INVALID_KE_PAYLOAD asking for MODP-3072 (15)", group == 15,
              f"invalid_ke_group={group}")
    ctx.stop_captures()
    summary = capture.Summary(ctx.captures[0].pcap)
    ctx.check("N(INVALID_KE_PAYLOAD) on the wire", N_INVALID_KE_PAYLOAD in summary.notifies,
              summary.notifies)


@case("nat-probe",
      "a masquerading NAT between ikewot and the daemon: NAT detected, IKE moves to port 4500",
      topology="nat")
def nat_probe(ctx):
    spec = ctx.spec(remote_auth="eap")
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=empty_home(ctx))
    check_completed_verified(ctx, out, result)
    nat = result.get("nat") or {}
    ctx.check("NAT detected", nat.get("detected"), nat)
    ctx.check("detected on ikewot's side", nat.get("local_behind_nat"), nat)
    ctx.stop_captures()
    summary = capture.Summary(ctx.captures[0].pcap)
    ctx.fact("wire", summary.as_dict())
    ctx.check("IKE on UDP 4500 after NAT detection", summary.ike_4500 > 0, summary.as_dict())


@case("fragmentation-probe",
      "RSA chain with three intermediate CAs: the daemon's IKE_AUTH answer needs RFC 7383 "
      "fragments, ikewot reassembles the chain and verifies AUTH")
def fragmentation_probe(ctx):
    pki = ctx.env.big_pki()
    spec = ctx.spec(pki=pki, remote_auth="eap", fragment_size=1280)
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=empty_home(ctx))
    check_completed_verified(ctx, out, result)
    check_certificate(ctx, result, spec.cert, chain_len=2)
    ctx.check("ikewot saw fragmentation support", result.get("fragmentation_supported"))
    ctx.stop_captures()
    summary = capture.Summary(ctx.captures[0].pcap)
    ctx.fact("wire", summary.as_dict())
    ctx.check("the daemon sent SKF fragments", ctx.topo.daemon.addr in
              summary.fragment_senders(), summary.as_dict())


# A first proposal list (21 proposals) too long for one 1500-byte datagram whatever the KE:
# IKE_SA_INIT is IP-fragmented, and the path drops fragments. The fallback list leads with a suite below the
# 128-bit minimum (MODP-2048) that the daemon prefers; ikewot must drop it and use the other.
LONG_LIST = ",".join(
    f"{enc}-{prf}-modp4096-modp3072-ecp521-ecp384-ecp256-x25519"
    for enc in ("aes256gcm16", "aes128gcm16", "aes256gcm12", "aes128gcm12", "aes256gcm8",
                "aes128gcm8", "chacha20poly1305")
    for prf in ("prfsha256", "prfsha384", "prfsha512"))
WEAK_THEN_STRONG = "aes128-sha256-modp2048,aes256gcm16-prfsha256-x25519"


@case("fragdrop-fallback",
      "a path that drops IP fragments and a long first proposal list: the first IKE_SA_INIT "
      "never arrives, the restricted fallback succeeds, never below the 128-bit minimum",
      topology="fragdrop",
      needs=(("probe", "--json", "--ike", "--fallback", "--ke", "--min-strength", "--timeout",
              "--retransmits"),))
def fragdrop_fallback(ctx):
    spec = ctx.spec(remote_auth="eap", ike=Algos(
        WEAK_THEN_STRONG, "aes128-sha2_256;modp2048,aes_gcm256-sha2_256;dh31"))
    ctx.start_daemon(spec)
    out, result = probe(ctx, home=empty_home(ctx), extra=[
        "--ike", LONG_LIST, "--ke", "modp4096", "--fallback", WEAK_THEN_STRONG,
        "--min-strength", "128", "--timeout", "0.3", "--retransmits", "1"])
    check_completed_verified(ctx, out, result)
    ctx.check("ikewot used the fallback proposals", result.get("used_fallback_proposals"),
              f"used_fallback_proposals={result.get('used_fallback_proposals')}")
    chosen = result.get("behaviour", {}).get("chosen_proposal") or ""
    ctx.check("chosen suite is at or above the minimum (not MODP-2048)",
              "25519" in chosen and "MODP_2048" not in chosen, f"chosen {chosen!r}")
    dropped = ctx.topo.dropped_fragments()
    ctx.fact("fragments_dropped_by_router", dropped)
    ctx.check("the router really dropped IP fragments", dropped > 0, f"{dropped} dropped")


# ---------------------------------------------------------------------- suites
# name, strongSwan syntax, libreswan syntax (None: libreswan cannot), chosen_proposal ikewot
# must report, extra ikewot probe options (MODP-2048 is below ikewot's default 128-bit floor).
SUITES = [
    ("aes128gcm16-prfsha256-ecp256", "aes128gcm16-prfsha256-ecp256",
     "aes_gcm128-sha2_256;dh19", "ENCR_AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256", ()),
    ("aes256gcm16-prfsha384-ecp384", "aes256gcm16-prfsha384-ecp384",
     "aes_gcm256-sha2_384;dh20", "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384", ()),
    ("aes256gcm16-prfsha512-ecp521", "aes256gcm16-prfsha512-ecp521",
     "aes_gcm256-sha2_512;dh21", "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_512/ECP_521", ()),
    ("aes256gcm16-prfsha256-x25519", "aes256gcm16-prfsha256-x25519",
     "aes_gcm256-sha2_256;dh31", "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519", ()),
    ("chacha20poly1305-prfsha256-x25519", "chacha20poly1305-prfsha256-x25519",
     "chacha20_poly1305-sha2_256;dh31",
     "ENCR_CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519", ()),
    ("aes256gcm16-prfsha512-x448", "aes256gcm16-prfsha512-x448", None,
     "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_512/CURVE_448", ()),
    ("aes128-sha256-modp2048", "aes128-sha256-modp2048", "aes128-sha2_256;modp2048",
     "ENCR_AES_CBC-128/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
     ("--ike", "aes128-sha256-modp2048", "--min-strength", "112")),
    ("aes256-sha384-modp3072", "aes256-sha384-modp3072", "aes256-sha2_384;modp3072",
     "ENCR_AES_CBC-256/AUTH_HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_3072", ()),
    ("aes256-sha512-modp4096", "aes256-sha512-modp4096", "aes256-sha2_512;modp4096",
     "ENCR_AES_CBC-256/AUTH_HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/MODP_4096", ()),
]


def _suite_case(name, ss, ls, expect, extra):
    how = "ikewot's default offer" if not extra else "ikewot " + " ".join(extra)
    needs = [("probe", "--json", *[a for a in extra if a.startswith("--")])]

    @case(f"suite-{name}",
          f"the daemon accepts only {name}; {how}: negotiated, AUTH verified", needs=needs)
    def suite(ctx):
        if ls is None and ctx.daemon_name == "libreswan":
            ctx.unsupported(f"libreswan 4.10 does not implement {name.split('-')[-1]}")
        spec = ctx.spec(remote_auth="eap", ike=Algos(ss, ls or ""))
        ctx.start_daemon(spec)
        out, result = probe(ctx, home=empty_home(ctx), extra=[*extra, *FAST_RETRANSMIT])
        check_completed_verified(ctx, out, result)
        chosen = result.get("behaviour", {}).get("chosen_proposal") or ""
        ctx.check("chosen proposal is the daemon's only suite", chosen == expect,
                  f"chosen {chosen!r}, want {expect!r}")
    return suite


for _suite in SUITES:
    _suite_case(*_suite)


# The full-SA and IKEv1 cases live in their own modules; importing them registers them after
# these.
from harness import cases_connect  # noqa: E402,F401
from harness import cases_ikev1  # noqa: E402,F401
