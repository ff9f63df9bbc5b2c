"""IKEv1 cases (issue 8): ikewot's IKEv1 probe against strongSwan (`version = 1`) and libreswan
(`ikev2=no`), each compared with ike-scan on the same daemon.

Every case runs ike-scan (main mode, and aggressive mode where the daemon allows it) before the
ikewot probe, so the comparison is recorded even when the probe fails, and stores both views as
the fact `learned` (report.py prints them as the "what each tool learned" table). A missing
`probe --mode` is a failure here, not "not run": these cases exist to show that ikewot speaks
IKEv1.
"""

import re
import time

from harness import ikescan
from harness.cases import FAST_RETRANSMIT, case, check_certificate, empty_home, trust_daemon
from harness.cases_connect import events
from harness.daemon import IKEV1_IKE
from harness.ikewot import Missing
from harness.proc import HarnessError, wait_for

# ikewot's IKEv1 identity for main mode: RSA, because libreswan 4.10 verifies IKEv1 signatures
# only with RSA keys (strongSwan would take ECDSA too; one key type keeps both cells alike).
IKEV1_IDENTITY_KEY = "rsa3072"
REQUIRES_AUTH = "responder requires initiator authentication"


def rsa_spec(ctx, **kw):
    return ctx.spec(pki=ctx.env.rsa_pki(), ike=IKEV1_IKE, ike_version=1, remote_auth="pubkey",
                    **kw)


def probe_v1(ctx, mode, home):
    """`ikewot probe --json --ike 1 --mode MODE`; (Outcome, first JSON object or {})."""
    try:
        ctx.ikewot.require("probe", "--json", "--mode")
    except Missing as exc:
        ctx.check("ikewot has the IKEv1 probe (`probe --ike 1 --mode`)", False, str(exc))
    argv = ["probe", "--json", "--ike", "1", "--mode", mode, *FAST_RETRANSMIT, "--home", home,
            ctx.topo.daemon.addr]
    out = ctx.run_ikewot(argv)
    result = out.first()
    ctx.check("probe printed a JSON result", result is not None,
              f"exit {out.rc}, stderr: {out.stderr.strip()[-300:]}")
    ctx.fact("probe", {k: result.get(k) for k in ("stop", "auth", "auth_method", "round_trips",
                                                   "retransmissions", "latency_ms", "detail",
                                                   "ike_version", "mode")})
    return out, result


def ikewot_learned(result):
    certs = result.get("certificates") or []
    idr = result.get("idr") or {}
    nat = result.get("nat") or {}
    return {
        "answer": result.get("stop"),
        "transform": (result.get("behaviour") or {}).get("chosen_proposal"),
        "vendor_ids": [v.get("name") or v.get("raw") for v in result.get("vendor_ids") or []],
        "identity": f"{idr.get('type')} {idr.get('value')}" if idr else None,
        "certificate": bool(certs),
        "certificate_sha256": certs[0].get("sha256") if certs else None,
        "signature_verified": result.get("auth") == "verified",
        "nat": nat.get("how") if nat else None,
    }


def ike_scan_learned(ctx, aggressive):
    """Runs ike-scan twice (its default offer, then the daemon's suite) and records both."""
    seen = {}
    for label, transform in (("default offer", None),
                             ("daemon's suite", ikescan.IKEV1_RSA_TRANSFORM)):
        if aggressive and transform is None:
            continue  # the default aggressive offer is PSK with group 2: refused, says nothing
        argv, learned, text = ikescan.scan(ctx.topo.ikewot, ctx.topo.daemon.addr,
                                           aggressive=aggressive, transform=transform)
        with open(ctx.ikewot_log(), "a") as f:
            f.write(f"$ {' '.join(argv)}\n{text}\n")
        # ike-scan has no key (random KE data), so it can neither check SIG_R nor NAT-D.
        learned["signature_verified"] = "impossible" if learned["signature"] else False
        learned["nat"] = f"not evaluated ({learned['nat_d']} NAT-D payloads)"
        del learned["payloads"]
        seen[label] = learned
    return seen


def record_comparison(ctx, scans, result, mode):
    learned = {f"ike-scan {mode} ({label})": v for label, v in scans.items()}
    learned[f"ikewot {mode}"] = ikewot_learned(result) if result else None
    ctx.fact("learned", learned)


def daemon_established(ctx):
    """Whether the daemon logged an established phase-1 SA with ikewot."""
    log = ctx.daemon.log()
    if ctx.daemon_name == "strongswan":
        return re.search(r"(IKE_SA|ISAKMP_SA) ikw\[\d+\] established", log) is not None
    return re.search(r'^[^|]*: "ikw".*(ISAKMP SA established|IKE SA established|established IKE SA)', log,
                     re.M) is not None


@case("ikev1-aggressive-cert",
      "IKEv1 aggressive mode gateway with an RSA certificate: ikewot's AM1 -> AM2 brings the "
      "certificate and SIG_R, verified without any credentials; ike-scan gets the same AM2 but "
      "cannot verify it", needs=(("probe", "--json"),))
def ikev1_aggressive_cert(ctx):
    spec = rsa_spec(ctx, aggressive=True)
    ctx.start_daemon(spec)
    scans = ike_scan_learned(ctx, aggressive=True)
    record_comparison(ctx, scans, None, "aggressive")
    out, result = probe_v1(ctx, "aggressive", empty_home(ctx))
    record_comparison(ctx, scans, result, "aggressive")
    ctx.check("probe completed", result.get("stop") == "completed" and out.rc == 0,
              f"stop={result.get('stop')} exit={out.rc} detail={result.get('detail')}")
    ctx.check("SIG_R verified", result.get("auth") == "verified", f"auth={result.get('auth')}")
    check_certificate(ctx, result, spec.cert)
    ctx.check("no AM3: the daemon established no ISAKMP SA", not daemon_established(ctx))


@case("ikev1-main-trusted",
      "IKEv1 main mode gateway that trusts ikewot's RSA certificate: MM1..MM4, MM5 with ikewot's "
      "identity, MM6 decrypted, certificate and SIG_R verified", needs=(("probe", "--json"),))
def ikev1_main_trusted(ctx):
    home, cert_pem, _ = ctx.home(key=IKEV1_IDENTITY_KEY)
    spec = rsa_spec(ctx, peer_cert=cert_pem)
    ctx.start_daemon(spec)
    scans = ike_scan_learned(ctx, aggressive=False)
    record_comparison(ctx, scans, None, "main")
    out, result = probe_v1(ctx, "main", home)
    record_comparison(ctx, scans, result, "main")
    ctx.check("probe completed", result.get("stop") == "completed" and out.rc == 0,
              f"stop={result.get('stop')} exit={out.rc} detail={result.get('detail')}")
    ctx.check("SIG_R verified", result.get("auth") == "verified", f"auth={result.get('auth')}")
    check_certificate(ctx, result, spec.cert)
    ctx.check("the daemon accepted ikewot's SIG_I (ISAKMP SA established)",
              daemon_established(ctx))


@case("ikev1-main-untrusted",
      "IKEv1 main mode gateway that does not know ikewot: after MM5 the probe says exactly "
      f"'{REQUIRES_AUTH}' (exit 5) instead of timing out", needs=(("probe", "--json"),))
def ikev1_main_untrusted(ctx):
    ctx.start_daemon(rsa_spec(ctx))
    scans = ike_scan_learned(ctx, aggressive=False)
    record_comparison(ctx, scans, None, "main")
    out, result = probe_v1(ctx, "main", empty_home(ctx))
    record_comparison(ctx, scans, result, "main")
    said = " ".join(str(result.get(k) or "") for k in ("detail", "problem"))
    ctx.fact("stop", result.get("stop"))
    ctx.check(f"the probe says '{REQUIRES_AUTH}'", REQUIRES_AUTH in said.lower(), said)
    ctx.check("stop is authentication-failed", result.get("stop") == "authentication-failed",
              f"stop={result.get('stop')}")
    ctx.check("exit code 5 (AUTHENTICATION_FAILED)", out.rc == 5, f"exit {out.rc}")
    ctx.check("the daemon established no ISAKMP SA", not daemon_established(ctx))


@case("ikev1-serve-daemon-initiates",
      "the daemon (IKEv1 main mode, RSA) connects to `ikewot serve --ikev1 --accept trusted`, "
      "which trusts its certificate: the ISAKMP SA is established on both sides (ikewot has no "
      "IKEv1 phase 2, so the daemon's Quick Mode gets no answer)",
      needs=(("serve", "--json", "--listen", "--accept"),))
def ikev1_serve_daemon_initiates(ctx):
    try:
        ctx.ikewot.require("serve", "--ikev1")
    except Missing as exc:
        ctx.check("ikewot serve has --ikev1", False, str(exc))
    home, cert_pem, _ = ctx.home(key=IKEV1_IDENTITY_KEY)
    spec = rsa_spec(ctx, peer_cert=cert_pem, initiate=True)
    trust_daemon(ctx, home, spec.cert)
    server = ctx.start_ikewot(["serve", "--json", "--ikev1", "--listen", ctx.topo.ikewot.addr,
                               "--accept", "trusted", "--home", home], "serve")
    time.sleep(0.5)
    ctx.check("ikewot serve is running", server.alive(), server.log_text()[-500:])
    ctx.start_daemon(spec)
    try:
        # Quick Mode never completes: a short wait is enough for phase 1.
        ctx.daemon.initiate(timeout=4)
    except HarnessError:
        pass

    def seen_events():
        return [e.get("event") for e in events(server.log_text())]

    try:
        wait_for(lambda: "ike-sa-established" in seen_events() or "failed" in seen_events(), 5,
                 "ikewot serve's IKE SA event")
    except HarnessError:
        pass
    seen = seen_events()
    ctx.fact("serve_events", seen)
    ctx.check("ikewot serve reports the IKEv1 SA", "ike-sa-established" in seen,
              server.log_text()[-800:])
    ctx.check("the daemon established the ISAKMP SA with ikewot serve",
              daemon_established(ctx), server.log_text()[-300:])
