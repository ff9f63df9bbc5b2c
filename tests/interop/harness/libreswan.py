"""libreswan's pluto as the peer of a case.

libreswan conflicts with Debian's strongswan package, so pluto runs from the unpacked .deb
(LIBRESWAN_ROOT, default <repo>/build/libreswan; `ensure_unpacked` makes it with
`apt-get download libreswan` + `dpkg -x` when it is missing). pluto runs in its host's network
namespace and its own mount namespace (private /run; the unpacked /usr/libexec overlaid on the
real one, since pluto starts its helpers from the compiled-in path), with its own NSS database,
ipsec.conf and control socket in the case folder.
"""

import glob
import os
import re
import tempfile

from harness.daemon import NotSupported
from harness.proc import HarnessError, run, wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
ROOT = os.environ.get("LIBRESWAN_ROOT", os.path.join(REPO, "build", "libreswan"))
PLUTO = os.path.join(ROOT, "usr/libexec/ipsec/pluto")
WHACK = os.path.join(ROOT, "usr/libexec/ipsec/whack")
ADDCONN = os.path.join(ROOT, "usr/libexec/ipsec/addconn")


def ensure_unpacked():
    """Unpacks Debian's libreswan .deb into ROOT if pluto is not there yet."""
    if os.path.exists(PLUTO):
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(["apt-get", "download", "libreswan"], timeout=300, cwd=tmp)
        debs = glob.glob(os.path.join(tmp, "libreswan_*.deb"))
        if not debs:
            raise HarnessError("apt-get download libreswan produced no .deb")
        os.makedirs(ROOT, exist_ok=True)
        run(["dpkg", "-x", debs[0], ROOT])


def version():
    if not os.path.exists(PLUTO):
        return "missing"
    out = run([PLUTO, "--version"], check=False).stdout
    m = re.search(r"Libreswan (\S+)", out)
    return m.group(1) if m else "unknown"


def _auth_name(keytype):
    return "ecdsa" if keytype.startswith("ec") else "rsasig"


def _cert_keytype(pem):
    """"ec..." or "rsa..." for a certificate file (libreswan wants the matching authby)."""
    text = run(["openssl", "x509", "-noout", "-text", "-in", pem]).stdout
    return "ec" if "id-ecPublicKey" in text else "rsa"


class Libreswan:
    name = "libreswan"

    def __init__(self, procs, host, folder, spec):
        if not os.path.exists(PLUTO):
            # A missing daemon is a broken test set-up, not something libreswan cannot do.
            raise HarnessError(f"no pluto at {PLUTO} (set LIBRESWAN_ROOT, or let the harness "
                               "unpack Debian's libreswan .deb: needs apt)")
        self.host = host
        self.dir = folder
        self.spec = spec
        self.log_path = os.path.join(folder, "pluto.log")
        self.ctl = os.path.join(folder, "run", "pluto.ctl")
        os.makedirs(os.path.join(folder, "run"), exist_ok=True)
        self._make_nss_db()
        self._write_ipsec_conf()
        self._proc = procs.start(
            f"pluto@{host.ns}",
            host.cmd("unshare", "-m", "--propagation", "private", "sh", "-c",
                     'mount -t tmpfs none /run && '
                     'mount -t overlay overlay -o "lowerdir=$3/usr/libexec:/usr/libexec" '
                     '/usr/libexec && '
                     'exec "$2" --nofork --config "$1/ipsec.conf" --nssdir "$1/nss" '
                     '--rundir "$1/run" --secretsfile "$1/ipsec.secrets" --ipsecdir "$1" '
                     '--dumpdir "$1/run"',
                     "sh", folder, PLUTO, ROOT),
            os.path.join(folder, "pluto.stdout"))
        wait_for(lambda: os.path.exists(self.ctl) or not self._proc.alive(), 15,
                 "pluto's control socket")
        if not self._proc.alive():
            raise HarnessError(f"pluto exited: {self._proc.log_text()[-1000:]}")
        # The socket file appears a moment before pluto accepts on it.
        wait_for(lambda: self.whack("--listen", check=False).returncode == 0, 10,
                 "pluto to accept whack --listen")
        done = run(host.cmd(ADDCONN, "--ctlsocket", self.ctl, "--config",
                            os.path.join(folder, "ipsec.conf"), "ikw"), check=False)
        if done.returncode != 0:
            raise HarnessError(f"addconn refused the connection: {done.stdout}{done.stderr}"
                               f"\n{self.log()[-1500:]}")

    # ------------------------------------------------------------------ configuration
    def _make_nss_db(self):
        s = self.spec
        nss = os.path.join(self.dir, "nss")
        os.makedirs(nss, exist_ok=True)
        db = f"sql:{nss}"
        run(["certutil", "-N", "-d", db, "--empty-password"])
        run(["certutil", "-A", "-d", db, "-n", "ikewot-interop-ca", "-t", "CT,,", "-i",
             s.ca.cert])
        for n, inter in enumerate(s.intermediates):
            run(["certutil", "-A", "-d", db, "-n", f"int{n}", "-t", ",,", "-i", inter.cert])
        if s.remote_auth != "null":
            p12 = os.path.join(self.dir, "gw.p12")
            run(["openssl", "pkcs12", "-export", "-in", s.cert.cert, "-inkey", s.cert.key,
                 "-name", "gw", "-out", p12, "-passout", "pass:ikewot"])
            run(["pk12util", "-i", p12, "-d", db, "-W", "ikewot"])
        if s.peer_cert:
            # ikewot's self-signed certificate, trusted as a peer certificate ("P").
            run(["certutil", "-A", "-d", db, "-n", "ikewot", "-t", "P,,", "-i", s.peer_cert])

    def _conn_auth(self):
        s = self.spec
        if s.ike_version == 1:
            return self._conn_auth_ikev1()
        if s.remote_auth == "null":
            return "authby=null\n    leftid=%null\n    rightid=%null"
        local = (f"leftauth={_auth_name(s.cert.keytype)}\n    leftid=@{s.local_id}\n"
                 "    leftcert=gw\n    leftsendcert=always")
        if s.remote_auth == "eap":
            # libreswan answers an AUTH-less IKE_AUTH only when both ends name EAP-TLS.
            return local + ("\n    leftautheap=tls\n    rightauth=eaponly\n    rightautheap=tls"
                            "\n    rightid=%any")
        if s.peer_cert:
            return local + (f"\n    rightauth={_auth_name(_cert_keytype(s.peer_cert))}"
                            "\n    rightcert=ikewot\n    rightid=%fromcert")
        return local + "\n    rightauth=ecdsa\n    rightid=%any\n    rightca=%same"

    def _conn_auth_ikev1(self):
        """IKEv1 has no asymmetric leftauth/rightauth: one authby for both ends (RSA: libreswan
        4.10 has no IKEv1 ECDSA)."""
        s = self.spec
        if s.remote_auth != "pubkey" or _cert_keytype(s.cert.cert) != "rsa":
            raise NotSupported("libreswan 4.10 authenticates IKEv1 peers only with "
                               "authby=rsasig (RSA certificates on both ends)")
        conf = (f"authby=rsasig\n    leftid=@{s.local_id}\n    leftcert=gw\n"
                "    leftsendcert=always")
        if s.aggressive:
            conf += "\n    aggressive=yes"
        if s.peer_cert:
            return conf + "\n    rightcert=ikewot\n    rightid=%fromcert"
        if s.aggressive:
            return conf + "\n    rightid=%fromcert\n    rightca=%same"
        return conf + "\n    rightid=%any\n    rightca=%same"

    def _write_ipsec_conf(self):
        s = self.spec
        open(os.path.join(self.dir, "ipsec.secrets"), "w").close()
        setup = ""
        if s.force_cookies:
            setup += "    ddos-mode=busy\n"
        if s.ike_version == 1:
            setup += "    ikev1-policy=accept\n"
        right = s.remote_addr if s.initiate else "%any"
        with open(os.path.join(self.dir, "ipsec.conf"), "w") as f:
            f.write(f"""config setup
    logfile={self.log_path}
    logappend=no
    plutodebug=base
    uniqueids=no
{setup}
conn ikw
    {"ikev2=no" if s.ike_version == 1 else "ikev2=insist"}
    {self._conn_auth()}
    ike={s.ike.libreswan}
    esp={s.esp.libreswan}
    fragmentation={"yes" if s.fragmentation else "no"}
    left={s.local_addr}
    leftsubnet={s.local_ts}
    right={right}
    rightsubnet={s.remote_ts}
    encapsulation=auto
    sendca={"all" if s.intermediates else "issuer"}
    auto=add
""")

    # ------------------------------------------------------------------ control
    def whack(self, *args, check=True, timeout=40):
        return run(self.host.cmd(WHACK, "--ctlsocket", self.ctl, *args), check=check,
                   timeout=timeout)

    def initiate(self, timeout=20):
        done = self.whack("--initiate", "--name", "ikw", check=False, timeout=timeout)
        return done.returncode == 0

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # Status lines, not the "| ..." debug lines (which name states like "established IKE SA").
    def ike_established(self):
        return re.search(r'^[^|]*: "ikw".*established IKE SA', self.log(), re.M) is not None

    def child_established(self):
        return re.search(r'^[^|]*: "ikw".*established Child SA', self.log(), re.M) is not None

    def list_sas(self):
        return self.whack("--trafficstatus", check=False).stdout

    def stop(self):
        self._proc.stop()

    def describe(self):
        return f"libreswan {version()}"
