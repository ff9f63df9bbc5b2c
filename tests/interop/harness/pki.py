"""Certificates for the daemons, made with the openssl command line.

A throw-away root CA issues the daemon's certificate (and, for the fragmentation case, a chain
of intermediate CAs with RSA-4096 keys so that IKE_AUTH needs RFC 7383 fragments). ikewot's own
identity is a self-signed certificate made by `ikewot id init` (see harness.ikewot).
"""

import os

from harness.proc import run

KEY_ARGS = {
    "ec256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ec384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "rsa2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "rsa4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
}
CA_EXT = ("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
          "subjectKeyIdentifier=hash\n")


class Cert:
    """A certificate and its key, as PEM files."""

    def __init__(self, cert, key, name, keytype):
        self.cert = cert
        self.key = key
        self.name = name
        self.keytype = keytype  # a KEY_ARGS name

    def fingerprint_sha256(self):
        """`openssl x509 -fingerprint -sha256`: colon-separated upper-case hex."""
        out = run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                   self.cert]).stdout.strip()
        return out.split("=", 1)[1]

    def der(self, path):
        run(["openssl", "x509", "-in", self.cert, "-outform", "DER", "-out", path])
        return path


class Pki:
    def __init__(self, folder, keytype="ec256"):
        self.dir = folder
        self.keytype = keytype
        os.makedirs(folder, exist_ok=True)
        self._serial = 1
        self.root = self._issue("ca", "/O=ikewot interop/CN=ikewot interop root CA", None,
                                CA_EXT)
        self.intermediates = []

    def _key(self, name, keytype):
        path = os.path.join(self.dir, f"{name}-key.pem")
        run(["openssl", "genpkey", *KEY_ARGS[keytype], "-out", path])
        return path

    def _issue(self, name, subject, issuer, ext, keytype=None):
        key = self._key(name, keytype or self.keytype)
        csr = os.path.join(self.dir, f"{name}.csr")
        ext_file = os.path.join(self.dir, f"{name}.ext")
        cert = os.path.join(self.dir, f"{name}.pem")
        with open(ext_file, "w") as f:
            f.write(ext)
        run(["openssl", "req", "-new", "-key", key, "-subj", subject, "-out", csr])
        sign = (["-key", key] if issuer is None else
                ["-CA", issuer.cert, "-CAkey", issuer.key])
        run(["openssl", "x509", "-req", "-in", csr, *sign, "-set_serial", str(self._serial),
             "-days", "3650", "-sha256", "-extfile", ext_file, "-out", cert])
        self._serial += 1
        return Cert(cert, key, name, keytype or self.keytype)

    def add_intermediates(self, count, keytype="rsa4096"):
        """A chain root -> int1 -> ... -> intN; later end entities are issued by intN."""
        issuer = self.intermediates[-1] if self.intermediates else self.root
        for n in range(count):
            idx = len(self.intermediates) + 1
            cert = self._issue(f"int{idx}", f"/O=ikewot interop/CN=ikewot interop CA {idx}",
                               issuer, CA_EXT + "authorityKeyIdentifier=keyid\n", keytype)
            self.intermediates.append(cert)
            issuer = cert

    def end_entity(self, name, dns, keytype=None):
        """An end-entity certificate for DNS name `dns` (also its CN)."""
        issuer = self.intermediates[-1] if self.intermediates else self.root
        ext = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
               f"subjectAltName=DNS:{dns}\nauthorityKeyIdentifier=keyid\n"
               "extendedKeyUsage=serverAuth,clientAuth,1.3.6.1.5.5.7.3.17\n")
        return self._issue(name, f"/O=ikewot interop/CN={dns}", issuer, ext, keytype)
