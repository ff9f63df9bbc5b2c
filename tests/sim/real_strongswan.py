#!/usr/bin/python3
"""Runs the real-strongswan scenario against a real charon: the launcher of
tests/sim/real_strongswan_test.cc (also usable by hand, as root).

  real_strongswan.py --program BUILD/scenarios/real-strongswan --out DIR [--seed N]

Creates a network namespace with a TAP device (203.0.113.2/24, the real side of the simulated
NAPT box's outside interface), asks the scenario for alice's certificate (--exportCertificate)
so that charon pins it, starts charon in the namespace with the interop harness's launcher
(tests/interop/harness/strongswan.py: one way to configure and run charon in this repository;
its certificate comes from the harness's throw-away CA), runs the scenario in the namespace,
then checks both sides: the scenario's probe and connect events (NAT detected) and charon's log
(IKE and CHILD SA established with a peer behind a NAT, on port 4500) and its libipsec counters.
Tears everything down, also on failure.

Exit status: 0 pass, 1 fail (reason on stderr), 77 skip (charon, /dev/net/tun or root missing).
"""

import argparse
import json
import os
import re
import shutil
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))

from harness import strongswan  # noqa: E402
from harness.daemon import Algos, DaemonSpec  # noqa: E402
from harness.netns import Host  # noqa: E402
from harness.pki import Pki  # noqa: E402
from harness.proc import HarnessError, ProcessGroup, run  # noqa: E402

TAP = "ikwtap0"
CHARON_ADDR = "203.0.113.2"
NAPT_PUBLIC = "203.0.113.1"
CHARON_ID = "charon.sim"
ESP_PACKETS = 5
SKIP = 77


def skip(reason):
    print(f"SKIP: {reason}", file=sys.stderr)
    sys.exit(SKIP)


def charon_spec(pki, alice_pem):
    """What charon does here: answer the simulated node (any address: it comes through the
    NAPT), authenticate it by its pinned self-signed certificate, and run ESP in userspace
    (libipsec) so that it decrypts what the node sends."""
    return DaemonSpec(
        local_addr=CHARON_ADDR,
        remote_addr="%any",
        cert=pki.gateway,
        ca=pki.root,
        local_id=CHARON_ID,
        remote_auth="pubkey",
        peer_cert=alice_pem,
        # The suites the simulated node offers (sim/ikewot_application.cc).
        ike=Algos("aes256gcm16-prfsha256-x25519", "aes_gcm256-sha2_256;dh31"),
        esp=Algos("aes256gcm16", "aes_gcm256"),
        dataplane=True,
        # The simulated node offers its own (private) address as TSi, as ikewot does; "dynamic"
        # would mean the NAT's public address and charon would refuse it (TS_UNACCEPTABLE).
        local_ts="dynamic",
        remote_ts="10.0.0.0/24")


def check(folder, charon, scenario, esp_delivered):
    """What went wrong, as a list of sentences (empty: pass)."""
    problems = []
    charon_log = charon.log()
    events = []
    events_path = os.path.join(folder, "run", "events.jsonl")
    if os.path.exists(events_path):
        with open(events_path) as f:
            events = [json.loads(line) for line in f if line.strip()]
    probes = [e for e in events if e.get("event") == "probe"]
    connects = [e for e in events if e.get("event") == "connect"]
    if not (len(probes) == 1 and probes[0].get("ok") and probes[0].get("nat")):
        problems.append(f"expected one successful probe that saw the NAT, got {probes}")
    # A connect is reported ok only once its CHILD SA is up.
    if not (len(connects) == 1 and connects[0].get("ok") and connects[0].get("nat")):
        problems.append(f"expected one successful connect through the NAT, got {connects}")
    summary_path = os.path.join(folder, "run", "summary.json")
    summary = {}
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
    if not re.search(r"remote host is behind NAT", charon_log):
        problems.append("charon did not detect the NAT in front of the simulated node")
    if not re.search(r"IKE_SA ikw\[\d+\] established between "
                     rf"{re.escape(CHARON_ADDR)}\[.*\]\.\.\.{re.escape(NAPT_PUBLIC)}\[",
                     charon_log):
        problems.append("charon established no IKE SA with the NAT's public address")
    if not charon.child_established():
        problems.append("charon established no CHILD SA")
    if not re.search(rf"sending packet: from {re.escape(CHARON_ADDR)}\[4500\] to "
                     rf"{re.escape(NAPT_PUBLIC)}\[\d+\]", charon_log):
        problems.append("charon never answered on port 4500 (no NAT-T float)")
    if esp_delivered < ESP_PACKETS or summary.get("esp_packets_sent") != ESP_PACKETS:
        problems.append(f"{ESP_PACKETS} ESP packets to send: the node sent "
                        f"{summary.get('esp_packets_sent')}, charon's libipsec delivered "
                        f"{esp_delivered}")
    if scenario.returncode != 0:
        problems.append(f"scenario exited {scenario.returncode}: "
                        f"{(scenario.stdout + scenario.stderr)[-800:]}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--program", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()

    if os.geteuid() != 0:
        skip("needs root (network namespace, TAP device)")
    if not os.access(strongswan.CHARON, os.X_OK):
        skip(f"strongSwan's charon not found at {strongswan.CHARON}")
    if not os.path.exists("/dev/net/tun"):
        skip("/dev/net/tun is absent")
    for tool in ("ip", "openssl", "unshare", strongswan.SWANCTL):
        if shutil.which(tool) is None:
            skip(f"{tool} not found")

    folder = os.path.abspath(args.out)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    host = Host(f"ikwsim{os.getpid()}", TAP, CHARON_ADDR)
    namespace_made = False
    try:
        start = str(int(time.time()))
        pki = Pki(os.path.join(folder, "pki"), "ec256")
        pki.gateway = pki.end_entity("charon", CHARON_ID)
        alice_pem = os.path.join(folder, "alice.pem")
        run([args.program, "--quiet", f"--seed={args.seed}", f"--start={start}",
             f"--out={folder}/export", f"--exportCertificate={alice_pem}"])

        run(["ip", "netns", "add", host.ns])
        namespace_made = True
        run(["ip", "-n", host.ns, "link", "set", "lo", "up"])
        run(["ip", "-n", host.ns, "tuntap", "add", "dev", TAP, "mode", "tap"])
        run(["ip", "-n", host.ns, "addr", "add", f"{CHARON_ADDR}/24", "dev", TAP])
        run(["ip", "-n", host.ns, "link", "set", TAP, "up"])

        with ProcessGroup() as procs:
            charon = strongswan.StrongSwan(procs, host, os.path.join(folder, "charon"),
                                           charon_spec(pki, alice_pem))
            scenario = host.run(args.program, "--quiet", f"--seed={args.seed}",
                                f"--start={start}", f"--out={folder}/run", f"--tap={TAP}",
                                f"--peer={CHARON_ADDR}", "--pcap", "--duration=30",
                                check=False, timeout=60)
            with open(os.path.join(folder, "scenario.txt"), "w") as f:
                f.write(scenario.stdout + scenario.stderr)
            # charon's libipsec writes what it decrypted to its TUN device (ipsec0).
            links = json.loads(run(["ip", "-n", host.ns, "-s", "-j", "link", "show"]).stdout)
            esp_delivered = sum(link.get("stats64", {}).get("rx", {}).get("packets", 0)
                                for link in links if link.get("ifname", "").startswith("ipsec"))
            problems = check(folder, charon, scenario, esp_delivered)
        if problems:
            for p in problems:
                print(f"FAIL: {p}", file=sys.stderr)
            print(f"(charon log: {charon.log_path})", file=sys.stderr)
            return 1
        print(f"PASS: probe and connect through the simulated NAPT to real charon ({folder})")
        return 0
    except HarnessError as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        return 1
    finally:
        if namespace_made:
            run(["ip", "netns", "del", host.ns], check=False)


if __name__ == "__main__":
    sys.exit(main())
