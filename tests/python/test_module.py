"""import ikewot: identities, certificates, the trust store on both backends, collections, and the
mapping of C++ error codes onto Python exceptions. Cross-checked against openssl and the CLI."""

import json
import os
import signal
import socket
import subprocess
import threading
import time

import pytest

import ikewot

NOW = 1_800_000_000  # 2027-01-15, a fixed "now" for reproducible decisions


def test_native_module_loaded():
    assert ikewot.native_available()
    assert "ecdsa-p256" in ikewot.key_types()


# ---- errors ----

def test_every_error_code_maps_to_its_class():
    codes = ikewot.error_codes()
    assert set(codes) == {"truncated", "trailing-data", "bad-length", "bad-value", "unsupported",
                          "critical-unknown-payload", "limit-exceeded", "crypto-failure",
                          "auth-failure", "invalid-public-key", "invalid-argument", "not-found",
                          "io", "state"}
    for code, class_name in codes.items():
        cls = getattr(ikewot, class_name)
        assert issubclass(cls, ikewot.Error)
        with pytest.raises(cls) as caught:
            ikewot._native._raise_error(code, f"why {code}", 17)
        assert caught.value.code == code
        assert caught.value.message == f"why {code}"
        assert caught.value.offset == 17
        assert str(caught.value) == f"why {code}"
    # Built-in bases, so generic handlers work too.
    assert issubclass(ikewot.MalformedError, ValueError)
    assert issubclass(ikewot.InvalidArgumentError, ValueError)
    assert issubclass(ikewot.NotFoundError, LookupError)
    assert issubclass(ikewot.IoError, OSError)


def test_codec_error_carries_offset():
    der = ikewot.Identity.create("offset", seed=3, now=NOW).certificate.der
    with pytest.raises(ikewot.MalformedError) as caught:
        ikewot.Certificate.from_der(der + b"\x00")
    assert caught.value.code == "trailing-data"
    assert caught.value.offset == len(der)
    with pytest.raises(ikewot.Error):
        ikewot.Certificate.from_der(der[:-1])


# ---- identity and certificates ----

def test_identity_roundtrip_and_openssl_fingerprint(tmp_path, cli):
    home = str(tmp_path / "home")
    me = ikewot.Identity.create("gw1.example.org", sans=["dns:gw1.example.org", "ip:192.0.2.10"])
    me.save(home)
    with pytest.raises(ikewot.StateError):
        me.save(home)  # an identity exists; force=True would replace it
    loaded = ikewot.Identity.load(home)
    cert = loaded.certificate
    assert cert == me.certificate and cert.der == me.certificate.der
    assert cert.subject_alt_names == ["dns:gw1.example.org", "ip:192.0.2.10"]
    assert oct(os.stat(os.path.join(home, "identity", "key.pem")).st_mode & 0o777) == "0o600"
    # The fingerprint is exactly what openssl prints.
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                          os.path.join(home, "identity", "cert.pem")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().split("=", 1)[1] == cert.fingerprint_hex
    # The spoken identification recomputed from openssl's output (docs/identity.md one-liner).
    digest = bytes.fromhex(out.split("=")[1].strip().replace(":", ""))
    spoken = " ".join("%05d" % (int.from_bytes(digest[5 * i:5 * i + 5], "big") % 100000)
                      for i in range(6))
    assert cert.identification == spoken == ikewot.identification_from_fingerprint(digest)
    assert cert.matches_identification(spoken.replace(" ", "-"))
    assert ikewot.normalize_identification(spoken.replace(" ", "")) == spoken
    # The CLI reads the same identity the bindings wrote.
    shown = json.loads(subprocess.run([cli, "id", "show", "--json", "--home", home],
                                      capture_output=True, text=True, check=True).stdout)
    assert shown["fingerprint_sha256"] == cert.fingerprint_hex
    assert shown["identification"] == cert.identification
    # PEM round trip.
    assert ikewot.Certificate.from_pem(cert.pem) == cert
    key_again = ikewot.PrivateKey.from_pem(loaded.key.to_pem())
    assert key_again.public_key_der == me.key.public_key_der
    cert.verify_self_signature()


def test_seeded_keys_are_reproducible():
    a = ikewot.PrivateKey.generate("ed25519", seed=42)
    b = ikewot.PrivateKey.generate("ed25519", seed=42)
    c = ikewot.PrivateKey.generate("ed25519", seed=43)
    assert a.to_der() == b.to_der() != c.to_der()
    cert = ikewot.make_self_signed(a, "repro", days=10, now=NOW, seed=1)
    assert cert == ikewot.make_self_signed(b, "repro", days=10, now=NOW, seed=1)
    assert cert.not_after - cert.not_before == 10 * 86400 + 3600
    with pytest.raises(ikewot.InvalidArgumentError):
        ikewot.PrivateKey.generate("dsa")


def test_gil_released_during_key_generation():
    # RSA-4096 generation takes a while in C++; the main thread must keep running meanwhile.
    gaps = []
    finished = threading.Event()

    def generate():
        ikewot.PrivateKey.generate("rsa4096")
        finished.set()

    worker = threading.Thread(target=generate)
    start = last = time.monotonic()
    worker.start()
    while not finished.is_set():
        now = time.monotonic()
        gaps.append(now - last)
        last = now
        time.sleep(0.001)
    worker.join()
    took = time.monotonic() - start
    # Holding the GIL would stall this loop for the whole generation (one gap of about `took`);
    # released, the gaps are scheduling noise (loose bound: the machine may be busy).
    assert took > 0.05
    assert max(gaps) < 0.8 * took, (max(gaps), took)


# ---- trust store, both backends ----

def make_store(kind, tmp_path, identity=None, mode="flagged"):
    if kind == "memory":
        return ikewot.TrustStore.in_memory(identity, mode)
    return ikewot.TrustStore.open(str(tmp_path / "trust.db"), identity, mode)


@pytest.fixture(scope="module")
def people():
    return {name: ikewot.Identity.create(name, sans=[f"dns:{name}.example.org"], now=NOW - 86400,
                                         seed=i + 1)
            for i, name in enumerate(["alice", "bob", "carol", "dave"])}


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_trust_store_decisions(backend, tmp_path, people):
    store = make_store(backend, tmp_path, people["alice"])
    assert store.backend == backend and store.mode == "flagged"
    bob, carol, dave = (people[n].certificate for n in ("bob", "carol", "dave"))
    record = store.add(bob, note="phoned Bob", now=NOW)
    assert record["verdict"] == "accepted" and record["fingerprint"] == bob.fingerprint_hex
    store.add(carol, verdict="rejected", now=NOW)
    decision = store.decide(bob, identity="dns:bob.example.org", now=NOW)
    assert decision.verdict == "trusted-direct" and decision.trusted and bool(decision)
    assert "you checked this certificate yourself" in decision.explain()
    assert store.decide(carol, now=NOW).verdict == "rejected"
    assert store.decide(dave, now=NOW).verdict == "unknown"
    assert store.decide(bob, identity="dns:mallory.example.org", now=NOW).verdict == "out-of-policy"
    # A policy limited to a prefix.
    narrow = ikewot.Policy(addresses=["192.0.2.0/24"])
    store.add(dave, policy=narrow, now=NOW)
    assert store.decide(dave, address="192.0.2.7", now=NOW).trusted
    assert store.decide(dave, address="198.51.100.1", now=NOW).verdict == "out-of-policy"
    assert [e["kind"] for e in store.events()] == ["accept", "reject", "accept"]
    assert store.remove(bob.fingerprint_hex, now=NOW)
    assert store.get(bob.fingerprint) is None
    assert store.decide(bob, now=NOW).verdict == "unknown"
    with pytest.raises(ikewot.InvalidArgumentError):
        store.decide(bob, identity="nonsense-kind:x", now=NOW)
    if backend == "sqlite":
        again = ikewot.TrustStore.open(str(tmp_path / "trust.db"), people["alice"])
        assert {r["subject"] for r in again.local()} == {"CN=carol", "CN=dave"}


def test_signed_mode_needs_and_uses_the_owner(tmp_path, people):
    store = make_store("sqlite", tmp_path, people["alice"], mode="signed")
    store.add(people["bob"].certificate, now=NOW)
    assert store.local()[0]["signed"] is True
    with pytest.raises(ikewot.Error):
        ikewot.TrustStore.in_memory(None, "signed").add(people["bob"].certificate, now=NOW)


def test_open_home_matches_cli(tmp_path, cli, people):
    home = str(tmp_path / "home")
    people["alice"].save(home)
    bob_pem = tmp_path / "bob.pem"
    bob_pem.write_text(people["bob"].certificate.pem)
    subprocess.run([cli, "trust", "add", str(bob_pem), "--yes", "--home", home], check=True,
                   capture_output=True)
    store = ikewot.TrustStore.open_home(home)
    assert store.identity.certificate == people["alice"].certificate
    assert store.decide(people["bob"].certificate, now=NOW).verdict == "trusted-direct"
    del store
    listed = json.loads(subprocess.run([cli, "trust", "list", "--json", "--home", home],
                                       capture_output=True, text=True, check=True).stdout)
    assert listed


# ---- collections ----

@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_share_import_enable_disable_condition(backend, tmp_path, people):
    alice_store = ikewot.TrustStore.in_memory(people["alice"])
    for name in ("bob", "carol", "dave"):
        alice_store.add(people[name].certificate, now=NOW)
    shared = alice_store.share(now=NOW)
    assert shared["entries"] == 3 and shared["sequence"] == 1
    collection = ikewot.Collection.open(shared["file"])
    assert collection.signer == people["alice"].certificate and len(collection) == 3
    assert {e["subject"] for e in collection.entries} == {"CN=bob", "CN=carol", "CN=dave"}

    bob_store = make_store(backend, tmp_path, people["bob"])
    with pytest.raises(ikewot.Error, match="unknown signer"):
        bob_store.import_collection(collection, now=NOW)
    bob_store.add(people["alice"].certificate, now=NOW)
    report = bob_store.import_collection(shared["file"], now=NOW)
    assert report["stored"] == 3 and report["name"] == "alice"
    carol = people["carol"].certificate
    decision = bob_store.decide(carol, now=NOW)
    assert decision.verdict == "trusted-via" and decision.collection == "alice"
    assert decision.signer_fingerprint == people["alice"].certificate.fingerprint
    bob_store.disable_collection("alice", now=NOW)
    assert bob_store.decide(carol, now=NOW).verdict == "unknown"
    bob_store.enable_collection("alice", now=NOW)
    assert bob_store.set_condition("alice", while_peer="dns:gw.corp.example", now=NOW)
    assert bob_store.decide(carol, now=NOW).verdict == "unknown"
    assert not bob_store.collections(now=NOW)[0]["active"]
    bob_store.set_peer_up("dns:gw.corp.example", True)
    assert bob_store.decide(carol, now=NOW).trusted
    bob_store.set_condition("alice", between=(NOW + 10, NOW + 20), now=NOW)
    assert not bob_store.decide(carol, now=NOW).trusted
    assert bob_store.decide(carol, now=NOW + 15).trusted
    bob_store.set_condition("alice", now=NOW)
    assert bob_store.collection("alice")["certificates"][0]["depth"] == 1
    assert bob_store.remove_collection("alice", now=NOW) == 3
    assert bob_store.decide(carol, now=NOW).verdict == "unknown"
    kinds = [e["kind"] for e in bob_store.events()]
    assert kinds[:3] == ["accept", "import", "disable"] and kinds[-1] == "remove-collection"


def test_tampered_collection_raises(people):
    store = ikewot.TrustStore.in_memory(people["alice"])
    store.add(people["bob"].certificate, now=NOW)
    data = bytearray(store.share(now=NOW)["file"])
    refused = 0
    for position in range(0, len(data), max(1, len(data) // 40)):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        with pytest.raises(ikewot.Error):
            ikewot.Collection.open(bytes(flipped))
        refused += 1
    assert refused >= 40
    with pytest.raises(ikewot.Error):
        ikewot.Collection.open(bytes(data[:-1]))
    ikewot.Collection.open(bytes(data))  # the original still opens


def test_encrypted_for_one_recipient(people):
    carol_store = ikewot.TrustStore.in_memory(people["carol"])
    carol_store.add(people["bob"].certificate, now=NOW)
    shared = carol_store.share(recipients=[people["dave"].certificate], now=NOW)
    opened = ikewot.Collection.open(shared["file"], people["dave"])
    assert opened.encrypted and len(opened) == 1
    with pytest.raises(ikewot.Error):
        ikewot.Collection.open(shared["file"], people["bob"])
    with pytest.raises(ikewot.Error):
        ikewot.Collection.open(shared["file"])


def test_build_sign_seal_by_hand(people):
    alice = people["alice"]
    entry = ikewot.sign_entry(alice, people["bob"].certificate,
                              policy=ikewot.Policy(purposes=["ike-auth"], not_after=NOW + 3600),
                              signed_at=NOW)
    fields = ikewot.parse_signed_entry(entry)
    assert fields["depth"] == 1 and fields["endorser"] == alice.certificate.fingerprint_hex
    ikewot.verify_entry(alice.certificate, entry)
    with pytest.raises(ikewot.AuthenticationError):
        ikewot.verify_entry(people["carol"].certificate, entry)
    content = ikewot.encode_collection(7, [entry], created=NOW)
    checked = ikewot.check_collection(content, alice.certificate.fingerprint)
    assert checked["sequence"] == 7 and len(checked["entries"]) == 1
    with pytest.raises(ikewot.Error):
        ikewot.check_collection(content, people["carol"].certificate.fingerprint)
    sealed = ikewot.seal_collection(content, alice, now=NOW)
    opened = ikewot.Collection.open(sealed)
    assert opened.sequence == 7 and opened.entries[0]["subject"] == "CN=bob"
    # openssl verifies what the bindings sealed, with alice's certificate as the only anchor.
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-noverify", "-out", "/dev/stdout"],
        input=sealed, capture_output=True, check=True).stdout
    assert verified == content


def _free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def test_probe_a_responder_over_loopback(tmp_path, cli, people):
    # `ikewot serve` answers on 127.0.0.1; ikewot.probe fetches its certificate in-process.
    home = str(tmp_path / "responder")
    people["carol"].save(home)
    port = _free_udp_port()
    server = subprocess.Popen([cli, "serve", "--listen", f"127.0.0.1:{port}", "--natt-port",
                               "none", "--accept", "any", "--json", "--home", home],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert "listening" in first, first + server.stderr.read()
        results = ikewot.probe(["127.0.0.1", "192.0.2.1:1"], port=port, timeout=1,
                               retransmits=0)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    ok, unreachable = results
    assert ok["input"] == "127.0.0.1" and ok["exit_code"] == 0 and ok["problem"] is None
    assert ok["stop"] == "completed" and ok["auth"] == "verified"
    carol = people["carol"].certificate
    assert ok["certificates"][0]["sha256"].upper() == carol.fingerprint_hex
    assert ok["certificates"][0]["identification"] == carol.identification
    assert ikewot.Certificate.from_der(bytes.fromhex(ok["certificates"][0]["der"])) == carol
    assert unreachable["exit_code"] != 0 and unreachable["problem"]
    with pytest.raises(ikewot.InvalidArgumentError):
        ikewot.probe("127.0.0.1", no_such_option=1)


def test_simulation_says_why_absent():
    assert ikewot.probe_available()
    if not ikewot.simulation_available():
        with pytest.raises(AttributeError, match="ns-3"):
            ikewot.simulate  # noqa: B018


def test_type_stubs_cover_the_module():
    # Every public name of the compiled module (and every method of its classes) is in
    # _ikewot.pyi, so type checkers and editors see the whole API.
    import ast

    stub_path = os.path.join(os.path.dirname(ikewot.__file__), "_ikewot.pyi")
    tree = ast.parse(open(stub_path).read())
    stubbed = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            stubbed[node.name] = {n.name if isinstance(n, ast.FunctionDef) else
                                  getattr(getattr(n, "target", None), "id", None)
                                  for n in node.body}
        elif isinstance(node, ast.FunctionDef):
            stubbed[node.name] = set()
        elif isinstance(node, ast.AnnAssign):
            stubbed[node.target.id] = set()
    native = ikewot._native
    for name in dir(native):
        if name.startswith("__"):
            continue
        assert name in stubbed, f"{name} missing from _ikewot.pyi"
        value = getattr(native, name)
        if isinstance(value, type) and not issubclass(value, BaseException):
            for member in vars(value):
                if not member.startswith("_"):
                    assert member in stubbed[name], f"{name}.{member} missing from _ikewot.pyi"
