// One signed statement "I vouch for this certificate under this policy": the unit of a shared
// collection, and the detached signature the "signed" marking mode keeps for each accepted
// certificate. Each entry carries its own signature, so a single entry can be cut out of a
// collection and still be verified against the signer's certificate (the seed's per-certificate
// signatures).
//
//   SignedEntry ::= SEQUENCE {
//     tbs                 EntryTBS,
//     signatureAlgorithm  AlgorithmIdentifier,  -- fixed by the signer's key type, see below
//     signature           BIT STRING }          -- over the DER of tbs
//
//   EntryTBS ::= SEQUENCE {
//     version      INTEGER (1),
//     endorser     OCTET STRING (SIZE (32)),    -- SHA-256 fingerprint of the signer's certificate
//     certificate  Certificate,                 -- the vouched-for certificate, verbatim DER
//     policy       TrustPolicy,                 -- policy.h
//     path         SEQUENCE SIZE (0..7) OF OCTET STRING (SIZE (32)),
//                  -- empty: the endorser checked the certificate personally (depth 1);
//                  -- else the fingerprints of the earlier sharers, the original checker first
//     signedAt     GeneralizedTime }
//
// Signature algorithms (one per key type, so there is nothing to downgrade): ecdsa-with-SHA256
// for P-256, ecdsa-with-SHA384 for P-384, ecdsa-with-SHA512 for P-521, sha256WithRSAEncryption
// (PKCS #1 v1.5) for RSA, Ed25519 (RFC 8410) for Ed25519.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/openssl_handles.h"
#include "core/trust/cert_summary.h"
#include "core/trust/policy.h"

namespace ikewot::trust {

inline constexpr size_t kMaxPathLength = 7;  // delegation depth at most 8
inline constexpr size_t kMaxSignatureBytes = 1024;
inline constexpr size_t kMaxSignedEntryBytes = 24 * 1024;

enum class SignatureAlgorithm : uint8_t {
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kRsaPkcs1Sha256,
  kEd25519,
};

struct EntryTbs {
  Bytes endorser;     // 32 octets
  Bytes certificate;  // DER
  Bytes fingerprint;  // SHA-256 of `certificate` (derived, not encoded)
  Policy policy;
  std::vector<Bytes> path;  // 32-octet fingerprints, original checker first
  int64_t signed_at = 0;    // Unix seconds

  // What an endorser signs about `certificate`; Endorser::Sign fills in the fingerprints.
  static EntryTbs For(Bytes certificate, Policy policy, int64_t signed_at,
                      std::vector<Bytes> path = {}) {
    EntryTbs tbs;
    tbs.certificate = std::move(certificate);
    tbs.policy = std::move(policy);
    tbs.signed_at = signed_at;
    tbs.path = std::move(path);
    return tbs;
  }

  // 1 = the endorser checked the certificate personally.
  size_t depth() const { return path.size() + 1; }
};

struct SignedEntry {
  EntryTbs tbs;
  SignatureAlgorithm algorithm = SignatureAlgorithm::kEcdsaSha256;
  Bytes signature;
  Bytes der;  // the complete SignedEntry encoding
  // Where the DER of tbs -- exactly the signed octets -- lies inside `der`.
  size_t tbs_offset = 0;
  size_t tbs_size = 0;

  ByteView tbs_der() const { return ByteView(der).subspan(tbs_offset, tbs_size); }
};

// Syntax only (no signature check): limits, field shapes, a normalized policy. `hasher`
// (optional, made once by a caller that reads many entries) computes the certificate
// fingerprint.
[[nodiscard]] Status ReadSignedEntry(Reader& in, SignedEntry* out, Sha256Hasher* hasher = nullptr);
Result<SignedEntry> ParseSignedEntry(ByteView der);

// Signs entries with a private key whose certificate the verifiers will hold. Keeps a
// reference to `key`: the key must outlive the Endorser.
class Endorser {
 public:
  // Fails if `key` is not the key of `certificate`.
  static Result<Endorser> Create(const crypto::PrivateKey& key, crypto::Certificate certificate);

  // Fills in tbs.endorser, encodes and signs.
  Result<SignedEntry> Sign(EntryTbs tbs) const;

  const crypto::Certificate& certificate() const { return certificate_; }
  const crypto::PrivateKey& key() const { return *key_; }
  const Bytes& fingerprint() const { return certificate_.Sha256Fingerprint(); }

 private:
  Endorser(const crypto::PrivateKey* key, crypto::Certificate certificate,
           SignatureAlgorithm algorithm)
      : key_(key), certificate_(std::move(certificate)), algorithm_(algorithm) {}

  const crypto::PrivateKey* key_;
  crypto::Certificate certificate_;
  SignatureAlgorithm algorithm_;
};

// Verifies entries from one signer. Holds a prepared OpenSSL verify context so that checking
// thousands of entries costs little more than the raw signature operations.
class EntryVerifier {
 public:
  static Result<EntryVerifier> Create(const crypto::Certificate& signer);

  // kAuthFailure for a bad signature, a foreign endorser or an algorithm that is not the one
  // the signer's key type implies.
  Status Verify(const SignedEntry& entry);

  const Bytes& signer_fingerprint() const { return fingerprint_; }

 private:
  EntryVerifier() = default;

  std::optional<crypto::PublicKey> key_;
  Bytes fingerprint_;
  SignatureAlgorithm algorithm_ = SignatureAlgorithm::kEcdsaSha256;
  ossl::MdPtr md_;            // null for Ed25519
  ossl::MdCtxPtr digest_;     // reused for every entry's digest (null for Ed25519)
  ossl::PkeyCtxPtr prehash_;  // verify context for digest-then-verify algorithms
};

}  // namespace ikewot::trust
