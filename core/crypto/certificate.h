// X.509 certificates (RFC 5280) as ikewot uses them: self-signed end-entity certificates that a
// node makes for itself, and peers' certificates fetched by a probe, shown to a user, stored and
// shared. Parsing is strict: the input must be exactly one canonical DER certificate, so the
// SHA-256 fingerprint of what arrived on the wire is the fingerprint of what we show and store.
//
// FromDer parses with our own strict DER parser (certificate_der.h) and decodes every field
// once; the accessors are then plain reads. The OpenSSL X509 object and the public key are built
// on first use (thread-safe), since most callers need neither. Strings from a certificate are
// attacker-chosen: those returned here are escaped to printable ASCII.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/crypto/identity.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

// One subjectAltName entry of a kind ikewot uses (RFC 5280 §4.2.1.6). Other GeneralName kinds
// (directoryName, otherName, ...) are skipped when reading.
struct SubjectAltName {
  enum class Kind : uint8_t { kDns, kIp, kEmail, kUri };
  Kind kind;
  std::string value;  // IP in canonical text form; others escaped by EscapeForDisplay

  // "dns:gw.example.org", "ip:192.0.2.1", "email:a@example.org", "uri:https://..."
  std::string ToString() const;
  friend bool operator==(const SubjectAltName&, const SubjectAltName&) = default;
};

std::string_view SubjectAltNameKindName(SubjectAltName::Kind kind);  // "dns", "ip", ...
// Parses the "kind:value" form above (kind case-insensitive) and checks the value is usable in
// a certificate: DNS names and e-mail addresses are printable ASCII, IPs parse as v4 or v6.
Result<SubjectAltName> ParseSubjectAltName(std::string_view text);

struct SelfSignedOptions {
  std::string common_name;  // 1..64 bytes of UTF-8 without control characters
  std::vector<SubjectAltName> sans;
  int validity_days = 3650;  // 1..36500
};

class Certificate {
 public:
  // Exactly one DER certificate; trailing bytes, non-canonical DER, invalid or duplicate
  // extensions and malformed subjectAltNames are refused.
  static Result<Certificate> FromDer(ByteView der);
  // The first CERTIFICATE block of a PEM text.
  static Result<Certificate> FromPem(std::string_view pem);
  // Every CERTIFICATE block in order (other PEM blocks, e.g. a key, are skipped); at least one.
  static Result<std::vector<Certificate>> ParsePemChain(std::string_view pem);

  const Bytes& ToDer() const;
  std::string ToPem() const;

  // Digests of the DER certificate: SHA-256 is the fingerprint users compare; SHA-1 is what
  // IKEv2 "Hash and URL" encodings name (RFC 7296 §3.6).
  const Bytes& Sha256Fingerprint() const;
  const Bytes& Sha1() const;
  // SHA-1 of the DER SubjectPublicKeyInfo: the "certification authority" key id a CERTREQ
  // payload carries (RFC 7296 §3.7).
  const Bytes& SubjectPublicKeyInfoSha1() const;

  // RFC 4514 string forms, e.g. "CN=alice,O=Example" (most specific RDN first).
  const std::string& Subject() const;
  const std::string& Issuer() const;
  const Bytes& SubjectDer() const;
  // The subject's (last) commonName as escaped UTF-8, if it has one.
  const std::optional<std::string>& CommonName() const;
  const std::vector<SubjectAltName>& SubjectAltNames() const;
  int64_t NotBefore() const;  // Unix seconds
  int64_t NotAfter() const;
  // Serial number as lower-case hex of its magnitude, "-" prefixed if negative.
  const std::string& SerialHex() const;
  int version() const;  // 1 or 3 as printed by openssl, i.e. the field value + 1

  // The key, when it is one of our KeyTypes (kUnsupported otherwise: a certificate with, say,
  // an RSA-1024 key still parses so it can be shown and refused with a reason).
  Result<PublicKey> public_key() const;
  Result<KeyType> key_type() const;

  // Issuer name equals subject name and any authorityKeyIdentifier matches the certificate's
  // own key. Says nothing about the signature; see VerifySelfSignature.
  bool IsSelfSigned() const;
  // Checks that the certificate is self-issued, that its signature algorithm offers at least
  // 112-bit security (no MD5/SHA-1), and that its signature verifies with its own key
  // (kAuthFailure if not).
  Status VerifySelfSignature() const;
  // notBefore <= now <= notAfter, with `now` from the caller's clock (core never reads one).
  Status CheckValidityAt(TimePoint now) const;

  // OpenSSL's object for this certificate (CMS, IsSelfSigned, VerifySelfSignature), decoded on
  // first call. Null only if d2i_X509 refused what our parser accepted, which the differential
  // test and fuzz target check never happens.
  X509* x509() const;
  friend bool operator==(const Certificate& a, const Certificate& b) {
    return a.ToDer() == b.ToDer();
  }

 private:
  struct Data;
  explicit Certificate(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  // Immutable after parsing, so copies share it.
  std::shared_ptr<const Data> data_;
};

// A fresh X.509 v3 self-signed certificate for `key`: subject = issuer = CN=<common_name>; a
// positive 16-octet serial carrying 126 random bits from `rng`; validity from now - 1 hour (a
// peer's clock may lag) to now + validity_days; subjectAltName; basicConstraints CA:FALSE and
// keyUsage digitalSignature (both critical); subject and authority key identifiers (RFC 5280
// §4.2.1.2 method 1). Signed with SHA-256 (Ed25519: pure EdDSA). ECDSA signatures take their
// nonce from OpenSSL's DRBG, so only Ed25519 and RSA certificates are reproducible from the
// Rng and key.
Result<Certificate> MakeSelfSigned(const PrivateKey& key, const SelfSignedOptions& options,
                                   TimePoint now, Rng& rng);

}  // namespace ikewot::crypto
