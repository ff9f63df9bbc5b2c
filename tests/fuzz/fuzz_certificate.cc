// Untrusted bytes into everything identity-related that a peer can reach: X.509 certificates
// (every accessor, fingerprints, identification strings, self-signature), PEM armour, CERTREQ
// key-id lists and IKEv2 AUTH data (RFC 7427 AlgorithmIdentifier parsing and verification).
// Invariants: nothing crashes or leaks; what parses re-encodes to the same bytes; every string
// meant for display is printable ASCII.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/crypto/auth_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/certificate_request.h"
#include "core/crypto/certificate_text.h"
#include "core/crypto/identification.h"
#include "core/crypto/identity.h"
#include "core/crypto/identity_pem.h"
#include "core/crypto/random.h"

namespace {

using namespace ikewot;          // NOLINT: fuzz target brevity
using namespace ikewot::crypto;  // NOLINT

void Require(bool condition) {
  if (!condition) std::abort();
}

void RequirePrintable(std::string_view text) {
  for (char c : text) Require(c >= 0x20 && c <= 0x7e);
}

// Keys the AUTH data is verified against: one per signature family.
struct Keys {
  PrivateKey p256, ed25519;
};

const Keys& FuzzKeys() {
  static const Keys* keys = [] {
    DeterministicRng rng(1, AsBytes("fuzz_certificate"));
    auto p256 = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
    auto ed25519 = PrivateKey::Generate(KeyType::kEd25519, rng);
    Require(p256.ok() && ed25519.ok());
    return new Keys{std::move(p256).value(), std::move(ed25519).value()};
  }();
  return *keys;
}

void FuzzCertificate(ByteView input) {
  auto cert = Certificate::FromDer(input);
  if (!cert.ok()) return;
  Require(cert->ToDer() == Bytes(input.begin(), input.end()));
  RequirePrintable(cert->Subject());
  RequirePrintable(cert->Issuer());
  RequirePrintable(cert->SerialHex());
  if (cert->CommonName()) RequirePrintable(*cert->CommonName());
  for (const SubjectAltName& san : cert->SubjectAltNames()) RequirePrintable(san.ToString());
  Require(cert->Sha256Fingerprint().size() == 32);
  Require(cert->Sha1().size() == 20);
  Require(cert->SubjectPublicKeyInfoSha1().size() == 20);
  Require(!cert->SubjectDer().empty());
  Require(FingerprintHex(*cert).size() == 95);
  Require(SpokenIdentificationMatches(SpokenIdentification(*cert), *cert));
  RequirePrintable(FormatUnixTimeUtc(cert->NotBefore()));
  RequirePrintable(FormatUnixTimeUtc(cert->NotAfter()));
  (void)cert->version();
  (void)cert->IsSelfSigned();
  auto key = cert->public_key();
  if (key.ok()) {
    Require(cert->key_type().ok());
    auto spki = key->ToSpkiDer();
    Require(spki.ok());
    auto again = PublicKey::FromSpkiDer(*spki);
    Require(again.ok() && again->Equals(*key));
  }
  Status self = cert->VerifySelfSignature();
  if (!self.ok()) RequirePrintable(self.error().message);
  (void)cert->CheckValidityAt(TimePoint::FromUnixSeconds(1767225600));
  auto from_pem = Certificate::FromPem(cert->ToPem());
  Require(from_pem.ok() && *from_pem == *cert);
}

void FuzzCertReq(ByteView input) {
  auto ids = ParseCertReqAuthorities(input);
  if (!ids.ok()) return;
  auto encoded = EncodeCertReqAuthorities(*ids);
  Require(encoded.ok() && *encoded == Bytes(input.begin(), input.end()));
}

void FuzzAuth(ByteView input) {
  (void)ParseSignatureAlgorithmIdentifier(input);
  auto parsed = ParseDigitalSignatureAuthData(input);
  if (parsed.ok()) {
    Require(!parsed->signature.empty());
    Require(parsed->algorithm_identifier.size() + parsed->signature.size() + 1 == input.size());
  }
  static const Bytes kSignedOctets(64, 0x5a);
  std::vector<uint16_t> hashes = {1, 2, 3, 4, 5};
  const Keys& keys = FuzzKeys();
  for (uint8_t method : {kAuthMethodDigitalSignature, kAuthMethodEcdsaSha256P256}) {
    Status status = VerifyAuth(keys.p256.public_key(), method, input, kSignedOctets, hashes);
    Require(!status.ok());  // forging a P-256 signature over fixed octets is not on the menu
  }
  Status ed = VerifyAuth(keys.ed25519.public_key(), kAuthMethodDigitalSignature, input,
                         kSignedOctets, hashes);
  Require(!ed.ok());
}

void FuzzText(ByteView input) {
  std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  auto blocks = ParsePemBlocks(text);
  if (blocks.ok()) {
    for (const PemBlock& block : *blocks) {
      auto again = ParsePemBlocks(EncodePem(block.label, block.der));
      Require(again.ok() && again->size() == 1 && (*again)[0].der == block.der);
    }
  }
  (void)Certificate::ParsePemChain(text);
  (void)PublicKey::FromSpkiDer(input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  FuzzCertificate(input);
  FuzzCertReq(input);
  FuzzAuth(input);
  FuzzText(input);
  return 0;
}
