"""strongSwan's charon as the peer of a case.

Each charon runs in its host's network namespace and in its own mount namespace with a private
tmpfs on /run (charon keeps its pid file there: two daemons would otherwise collide), with
STRONGSWAN_CONF pointing at a strongswan.conf in the case folder and the vici socket in that
folder too. Configuration is loaded with `swanctl --load-all`. Userspace ESP (the kernel here
has XFRM but no ESP) is the kernel-libipsec plugin with its TUN device.
"""

import os
import re
import shutil

from harness.proc import HarnessError, run, wait_for

CHARON = os.environ.get("IKEWOT_CHARON", "/usr/lib/ipsec/charon")
SWANCTL = os.environ.get("IKEWOT_SWANCTL", "swanctl")
PLUGINS = ("random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 "
           "chapoly aes sha1 sha2 md5 hmac gcm kdf vici eap-identity eap-md5 socket-default")


def version():
    out = run([CHARON, "--version"], check=False).stdout + \
        run([SWANCTL, "--version"], check=False).stdout
    m = re.search(r"strongSwan.*?(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else "unknown"


class StrongSwan:
    name = "strongswan"

    def __init__(self, procs, host, folder, spec):
        self.host = host
        self.dir = folder
        self.spec = spec
        self.log_path = os.path.join(folder, "charon.log")
        self.vici = os.path.join(folder, "charon.vici")
        os.makedirs(folder, exist_ok=True)
        self._write_strongswan_conf()
        self._write_swanctl()
        self._proc = procs.start(
            f"charon@{host.ns}",
            host.cmd("unshare", "-m", "--propagation", "private", "sh", "-c",
                     'mount -t tmpfs none /run && exec env STRONGSWAN_CONF="$1" "$2"',
                     "sh", os.path.join(folder, "strongswan.conf"), CHARON),
            os.path.join(folder, "charon.stdout"))
        wait_for(lambda: os.path.exists(self.vici) or not self._proc.alive(), 15,
                 "charon's vici socket")
        if not self._proc.alive():
            raise HarnessError(f"charon exited: {self._proc.log_text()[-1000:]}")
        self.swanctl("--load-all", "--file", os.path.join(folder, "swanctl", "swanctl.conf"))

    # ------------------------------------------------------------------ configuration
    def _write_strongswan_conf(self):
        s = self.spec
        kernel = "kernel-libipsec kernel-netlink" if s.dataplane else "kernel-netlink"
        dos = ""
        if s.force_cookies:
            # One half-open IKE_SA (made by ike-scan from a second address) switches COOKIEs on.
            dos = ("dos_protection = yes\n  cookie_threshold = 1\n  cookie_threshold_ip = 1000\n"
                   "  block_threshold = 1001")
        with open(os.path.join(self.dir, "strongswan.conf"), "w") as f:
            f.write(f"""charon {{
  load = {PLUGINS} {kernel}
  port = 500
  port_nat_t = 4500
  install_routes = {"yes" if s.dataplane else "no"}
  install_virtual_ip = no
  retransmit_tries = 3
  retransmit_timeout = 1.0
  fragment_size = {s.fragment_size}
  {dos}
  filelog {{
    harness {{
      path = {self.log_path}
      append = no
      flush_line = yes
      ike_name = yes
      default = 1
      ike = 2
      cfg = 2
      net = 2
      enc = 1
      esp = 2
      knl = 1
    }}
  }}
  plugins {{
    vici {{
      socket = unix://{self.vici}
    }}
  }}
}}
""")

    def _remote_section(self):
        s = self.spec
        if s.remote_auth == "eap":
            return "auth = eap-md5\n      eap_id = %any"
        if s.remote_auth == "null":
            return "auth = null\n      id = %any"
        if s.peer_cert:
            return "auth = pubkey\n      certs = ikewot.pem"
        return "auth = pubkey\n      id = %any"

    def _write_swanctl(self):
        s = self.spec
        base = os.path.join(self.dir, "swanctl")
        for sub in ("x509", "x509ca", "private"):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        local = "auth = null\n      id = %any"
        if s.remote_auth != "null":
            shutil.copy(s.cert.cert, os.path.join(base, "x509", "gw.pem"))
            shutil.copy(s.cert.key, os.path.join(base, "private", "gw-key.pem"))
            local = f"auth = pubkey\n      certs = gw.pem\n      id = {s.local_id}"
        shutil.copy(s.ca.cert, os.path.join(base, "x509ca", "ca.pem"))
        for n, inter in enumerate(s.intermediates):
            shutil.copy(inter.cert, os.path.join(base, "x509ca", f"int{n}.pem"))
        if s.peer_cert:
            shutil.copy(s.peer_cert, os.path.join(base, "x509", "ikewot.pem"))
        remote_addrs = s.remote_addr if s.initiate else "%any"
        conf = f"""connections {{
  ikw {{
    version = {s.ike_version}
    aggressive = {"yes" if s.aggressive else "no"}
    local_addrs = {s.local_addr}
    remote_addrs = {remote_addrs}
    proposals = {s.ike.strongswan}
    fragmentation = {"yes" if s.fragmentation else "no"}
    send_cert = always
    send_certreq = yes
    mobike = no
    dpd_delay = 0
    rekey_time = 0
    local {{
      {local}
    }}
    remote {{
      {self._remote_section()}
    }}
    children {{
      ikw {{
        mode = tunnel
        local_ts = {s.local_ts}
        remote_ts = {s.remote_ts}
        esp_proposals = {s.esp.strongswan}
        start_action = none
        rekey_time = 0
      }}
    }}
  }}
"""
        if s.force_cookies:
            # ike-scan's IKE_SA_INIT from the second address must be accepted so that it stays
            # half-open; its default IKEv2 offer is AES-CBC/SHA1/MODP-2048.
            conf += f"""  halfopen {{
    version = 2
    local_addrs = {s.local_addr}
    remote_addrs = 192.0.2.3
    proposals = aes256-sha1-modp2048, aes128-sha1-modp2048
    local {{
      auth = pubkey
      certs = gw.pem
    }}
    remote {{
      auth = pubkey
    }}
  }}
"""
        conf += "}\n"
        if s.remote_auth == "eap":
            conf += 'secrets {\n  eap-alice {\n    id = alice\n    secret = "not-used-by-ikewot"\n  }\n}\n'
        with open(os.path.join(base, "swanctl.conf"), "w") as f:
            f.write(conf)

    # ------------------------------------------------------------------ control
    def swanctl(self, *args, check=True, timeout=40):
        return run(self.host.cmd("env", f"STRONGSWAN_CONF={self.dir}/strongswan.conf", SWANCTL,
                                 *args, "--uri", f"unix://{self.vici}"),
                   check=check, timeout=timeout)

    def initiate(self, timeout=20):
        """Starts IKE SA + CHILD SA to ikewot; True when swanctl reports success."""
        done = self.swanctl("--initiate", "--child", "ikw", "--timeout", str(timeout),
                            check=False, timeout=timeout + 10)
        return done.returncode == 0

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def ike_established(self):
        return re.search(r"IKE_SA ikw\[\d+\] established", self.log()) is not None

    def child_established(self):
        return re.search(r"CHILD_SA ikw\{\d+\} established", self.log()) is not None

    def list_sas(self):
        return self.swanctl("--list-sas", check=False).stdout

    def stop(self):
        self._proc.stop()

    def describe(self):
        return f"strongSwan {version()}"

