#!/usr/bin/python3
"""Runs the real-strongswan scenario against a real charon: the launcher of
tests/sim/real_strongswan_test.cc (also usable by hand, as root).

  real_strongswan.py --program BUILD/scenarios/real-strongswan --out DIR [--seed N]

Creates a network namespace with a TAP device (203.0.113.2/24, the real side of the simulated
NAPT box's outside interface), makes charon's self-signed certificate with openssl, asks the
scenario for alice's certificate (--exportCertificate) so that charon pins it, starts charon in
the namespace (private mount namespace with its own /run; STRONGSWAN_CONF and the vici socket in
DIR), runs the scenario in the namespace, then checks both sides: the scenario's probe and
connect events (NAT detected) and charon's log (IKE and CHILD SA established with a peer behind
a NAT, on port 4500). Tears everything down, also on failure.

Exit status: 0 pass, 1 fail (reason on stderr), 77 skip (charon, /dev/net/tun or root missing).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

CHARON = os.environ.get("IKEWOT_CHARON", "/usr/lib/ipsec/charon")
SWANCTL = shutil.which("swanctl") or "/usr/sbin/swanctl"
PLUGINS = ("random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 "
           "aes sha1 sha2 hmac gcm kdf vici socket-default kernel-libipsec kernel-netlink")
TAP = "ikwtap0"
CHARON_ADDR = "203.0.113.2"
SKIP = 77


def skip(reason):
    print(f"SKIP: {reason}", file=sys.stderr)
    sys.exit(SKIP)


def run(argv, check=True, timeout=60, **kw):
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, **kw)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def charon_config(folder):
    write(os.path.join(folder, "strongswan.conf"), f"""charon {{
  load = {PLUGINS}
  port = 500
  port_nat_t = 4500
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 3
  retransmit_timeout = 1.0
  filelog {{
    sim {{
      path = {folder}/charon.log
      append = no
      flush_line = yes
      ike_name = yes
      default = 1
      ike = 2
      cfg = 2
      net = 2
    }}
  }}
  plugins {{
    vici {{
      socket = unix://{folder}/charon.vici
    }}
  }}
}}
""")
    base = os.path.join(folder, "swanctl")
    for sub in ("x509", "private"):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    shutil.copy(os.path.join(folder, "charon.pem"), os.path.join(base, "x509", "charon.pem"))
    shutil.copy(os.path.join(folder, "charon-key.pem"), os.path.join(base, "private", "key.pem"))
    shutil.copy(os.path.join(folder, "alice.pem"), os.path.join(base, "x509", "alice.pem"))
    # remote_ts: the simulated node offers its own (private) address as TSi, as ikewot does;
    # "dynamic" would mean the NAT's public address and charon would refuse it (TS_UNACCEPTABLE).
    write(os.path.join(base, "swanctl.conf"), f"""connections {{
  sim {{
    version = 2
    local_addrs = {CHARON_ADDR}
    remote_addrs = %any
    proposals = aes256gcm16-prfsha256-x25519
    send_cert = always
    mobike = no
    dpd_delay = 0
    rekey_time = 0
    local {{
      auth = pubkey
      certs = charon.pem
    }}
    remote {{
      auth = pubkey
      certs = alice.pem
    }}
    children {{
      sim {{
        mode = tunnel
        local_ts = dynamic
        remote_ts = 10.0.0.0/24
        esp_proposals = aes256gcm16
        start_action = none
        rekey_time = 0
      }}
    }}
  }}
}}
""")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--program", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()

    if os.geteuid() != 0:
        skip("needs root (network namespace, TAP device)")
    if not os.access(CHARON, os.X_OK):
        skip(f"strongSwan's charon not found at {CHARON}")
    if not os.path.exists("/dev/net/tun"):
        skip("/dev/net/tun is absent")
    for tool in ("ip", "openssl", "unshare"):
        if shutil.which(tool) is None:
            skip(f"{tool} not found")

    folder = os.path.abspath(args.out)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    ns = f"ikwsim{os.getpid()}"
    charon = None
    try:
        start = str(int(time.time()))
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", os.path.join(folder, "charon-key.pem"), "-out",
             os.path.join(folder, "charon.pem"), "-days", "30", "-subj",
             "/O=ikewot sim/CN=charon.sim", "-addext", f"subjectAltName=IP:{CHARON_ADDR}"])
        run([args.program, "--quiet", f"--seed={args.seed}", f"--start={start}",
             f"--out={folder}/export", f"--exportCertificate={folder}/alice.pem"])
        charon_config(folder)

        run(["ip", "netns", "add", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(["ip", "-n", ns, "tuntap", "add", "dev", TAP, "mode", "tap"])
        run(["ip", "-n", ns, "addr", "add", f"{CHARON_ADDR}/24", "dev", TAP])
        run(["ip", "-n", ns, "link", "set", TAP, "up"])

        log = open(os.path.join(folder, "charon.stdout"), "w")
        charon = subprocess.Popen(
            ["ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount -t tmpfs none /run && exec env STRONGSWAN_CONF="$1" "$2"', "sh",
             os.path.join(folder, "strongswan.conf"), CHARON],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        vici = os.path.join(folder, "charon.vici")
        deadline = time.time() + 15
        while not os.path.exists(vici):
            if charon.poll() is not None or time.time() > deadline:
                raise RuntimeError("charon did not start: " +
                                   open(os.path.join(folder, "charon.stdout")).read()[-800:])
            time.sleep(0.1)
        run(["ip", "netns", "exec", ns, "env", f"STRONGSWAN_CONF={folder}/strongswan.conf",
             SWANCTL, "--load-all", "--file", os.path.join(folder, "swanctl", "swanctl.conf"),
             "--uri", f"unix://{vici}"])

        scenario = run(["ip", "netns", "exec", ns, args.program, "--quiet", f"--seed={args.seed}",
                        f"--start={start}", f"--out={folder}/run", f"--tap={TAP}",
                        f"--peer={CHARON_ADDR}", "--pcap", "--duration=30"],
                       check=False, timeout=60)
        write(os.path.join(folder, "scenario.txt"), scenario.stdout + scenario.stderr)
        # charon's libipsec writes what it decrypted to its TUN device (ipsec0).
        links = json.loads(run(["ip", "-n", ns, "-s", "-j", "link", "show"]).stdout)
        esp_delivered = sum(link.get("stats64", {}).get("rx", {}).get("packets", 0)
                            for link in links if link.get("ifname", "").startswith("ipsec"))

        problems = []
        charon_log = open(os.path.join(folder, "charon.log"), errors="replace").read()
        events = []
        events_path = os.path.join(folder, "run", "events.jsonl")
        if os.path.exists(events_path):
            events = [json.loads(line) for line in open(events_path) if line.strip()]
        probes = [e for e in events if e.get("event") == "probe"]
        connects = [e for e in events if e.get("event") == "connect"]
        if not (len(probes) == 1 and probes[0].get("ok") and probes[0].get("nat")):
            problems.append(f"expected one successful probe that saw the NAT, got {probes}")
        if not (len(connects) == 1 and connects[0].get("ok") and connects[0].get("nat")):
            problems.append(f"expected one successful connect through the NAT, got {connects}")
        summary_path = os.path.join(folder, "run", "summary.json")
        summary = json.load(open(summary_path)) if os.path.exists(summary_path) else {}
        if not summary.get("child_sa"):
            problems.append("the simulated node has no CHILD SA toward charon")
        if not re.search(r"remote host is behind NAT", charon_log):
            problems.append("charon did not detect the NAT in front of the simulated node")
        if not re.search(r"IKE_SA sim\[\d+\] established between "
                         rf"{re.escape(CHARON_ADDR)}\[.*\]\.\.\.203\.0\.113\.1\[", charon_log):
            problems.append("charon established no IKE SA with the NAT's public address")
        if not re.search(r"CHILD_SA sim\{\d+\} established", charon_log):
            problems.append("charon established no CHILD SA")
        if not re.search(r"sending packet: from 203\.0\.113\.2\[4500\] to 203\.0\.113\.1\[\d+\]",
                         charon_log):
            problems.append("charon never answered on port 4500 (no NAT-T float)")
        if esp_delivered < 5 or summary.get("esp_packets_sent") != 5:
            problems.append(f"5 ESP packets sent, charon's libipsec delivered {esp_delivered}")
        if scenario.returncode != 0:
            problems.append(f"scenario exited {scenario.returncode}: "
                            f"{(scenario.stdout + scenario.stderr)[-800:]}")
        if problems:
            for p in problems:
                print(f"FAIL: {p}", file=sys.stderr)
            print(f"(charon log: {folder}/charon.log)", file=sys.stderr)
            return 1
        print(f"PASS: probe and connect through the simulated NAPT to real charon ({folder})")
        return 0
    finally:
        if charon is not None and charon.poll() is None:
            os.killpg(charon.pid, signal.SIGTERM)
            try:
                charon.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(charon.pid, signal.SIGKILL)
                charon.wait()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
