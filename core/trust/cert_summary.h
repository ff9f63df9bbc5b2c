// What the trust store needs to know about a certificate, read straight from its DER with the
// bounds-checked Reader (RFC 5280 §4.1): fingerprint, subject, the identities it names, validity.
//
// Why not crypto::Certificate here: importing a collection parses every entry's certificate,
// and d2i_X509 costs ~130 us in OpenSSL 3.0 (it decodes the public key through the provider
// decoders) against ~66 us for the ECDSA verify we must do anyway; this walk costs ~2 us. The
// store pins exact certificates by SHA-256 of their DER, so it never needs more than this.
// crypto::Certificate remains the tool for everything else (display, self-signature checks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::trust {

inline constexpr size_t kMaxCertificateBytes = 16 * 1024;

struct CertSummary {
  Bytes fingerprint;                    // SHA-256 of the whole DER
  std::string subject;                  // RFC 4514 text, e.g. "CN=bob,O=Example"
  std::string common_name;              // first commonName as written (may be empty)
  std::vector<std::string> identities;  // canonical: "cn:", "dn:" and one per supported SAN
  int64_t not_before = 0;               // Unix seconds
  int64_t not_after = 0;
  bool self_issued = false;  // issuer == subject (byte-wise)
};

// Fails with a clear error (and the byte offset) on anything that is not one DER certificate.
// `known_fingerprint`: the SHA-256 of `der` when the caller already has it (saves hashing).
Result<CertSummary> SummarizeCertificate(ByteView der, ByteView known_fingerprint = {});

// RFC 4514 text of a DER Name (RDNs last-to-first, multi-valued RDNs joined with '+').
Result<std::string> FormatDistinguishedName(ByteView name_der);

// SHA-256 of `data` (certificate fingerprints, entry hashes). Pass a digest fetched once with
// EVP_MD_fetch when hashing in a loop: OpenSSL 3 otherwise looks the algorithm up per call.
Bytes Sha256(ByteView data, const EVP_MD* sha256 = nullptr);

// SHA-256 over many inputs with one fetched algorithm and one reused context (EVP_Digest
// allocates a context per call; with EVP_sha256() it also looks the algorithm up each time).
// Importing a collection hashes every entry's certificate with one of these.
class Sha256Hasher {
 public:
  static Result<Sha256Hasher> Create();
  [[nodiscard]] Status Digest(ByteView data, Bytes* out);

 private:
  Sha256Hasher() = default;
  ossl::MdPtr md_;
  ossl::MdCtxPtr ctx_;
};

// Colon-separated upper-case hex, the way `openssl x509 -fingerprint -sha256` prints it
// (crypto::FormatFingerprintHex).
std::string FingerprintText(ByteView fingerprint);

}  // namespace ikewot::trust
