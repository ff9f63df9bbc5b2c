"""What a case asks of the real daemon, independent of which daemon it is.

strongswan.py and libreswan.py turn a `DaemonSpec` into that daemon's configuration. Algorithm
lists are given in each daemon's own syntax (`Algos`), because the two spell them differently
(strongSwan "aes256gcm16-prfsha256-x25519", libreswan "aes_gcm256-sha2_256;dh31").
"""

import dataclasses
from typing import Optional

from harness.netns import DAEMON_INNER, IKEWOT_INNER


class NotSupported(Exception):
    """The daemon cannot do what the case needs; the message is the reason for the table."""


@dataclasses.dataclass(frozen=True)
class Algos:
    strongswan: str
    libreswan: str


DEFAULT_IKE = Algos(
    "aes256gcm16-aes128gcm16-prfsha256-prfsha384-ecp256-x25519-ecp384-modp3072-modp2048,"
    "aes256-aes128-sha256-sha384-ecp256-x25519-ecp384-modp3072-modp2048",
    "aes_gcm256-sha2_256;dh19,aes_gcm256-sha2_256;dh31,aes_gcm128-sha2_256;dh19,"
    "aes256-sha2_256;dh19,aes256-sha2_256;dh14,aes128-sha2_256;dh14")
# IKEv1 (RFC 2409) has no AEAD for phase 1 and aggressive mode cannot negotiate the group, so
# the IKEv1 cases use one MODP-2048 suite (ike-scan's random KE data is a valid MODP value, never
# a valid curve point) and RSA certificates (libreswan 4.10 signs IKEv1 only with RSA).
IKEV1_IKE = Algos("aes256-sha256-modp2048", "aes256-sha2_256;modp2048")
DEFAULT_ESP = Algos("aes256gcm16,aes128gcm16,chacha20poly1305,aes256-sha256,aes128-sha256",
                    "aes_gcm256,aes_gcm128,aes256-sha2_256,aes128-sha2_256")


@dataclasses.dataclass
class DaemonSpec:
    local_addr: str
    remote_addr: str                 # the ikewot host as the daemon sees it
    cert: object                     # pki.Cert of the daemon
    ca: object                       # pki.Cert, the root the daemon's chain ends in
    intermediates: list = dataclasses.field(default_factory=list)
    local_id: str = "gw.ikewot.test"
    # How the daemon authenticates ikewot: "eap" (road warrior; clients must do EAP),
    # "pubkey" (a certificate from `ca`, or the pinned `peer_cert`), "null" (RFC 7619).
    remote_auth: str = "pubkey"
    peer_cert: Optional[str] = None  # ikewot's self-signed certificate (PEM) to trust
    ike: Algos = DEFAULT_IKE
    esp: Algos = DEFAULT_ESP
    fragmentation: bool = True
    fragment_size: int = 1280        # strongSwan: largest datagram before RFC 7383 fragments
    force_cookies: bool = False
    dataplane: bool = False          # userspace ESP (strongSwan kernel-libipsec) and routes
    initiate: bool = False           # the daemon initiates to ikewot (serve cases)
    ike_version: int = 2             # 1: ISAKMP/IKEv1 only (strongSwan version = 1, ikev2=no)
    aggressive: bool = False         # IKEv1 aggressive mode instead of main mode
    local_ts: str = f"{DAEMON_INNER}/32"
    remote_ts: str = f"{IKEWOT_INNER}/32"
