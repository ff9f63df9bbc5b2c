// The Authentication Data of an IKEv2 AUTH payload with Auth Method 14, "Digital Signature"
// (RFC 7427 §3): a one-octet length, a DER AlgorithmIdentifier naming signature scheme and
// hash, then the signature value.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Auth Method   |                RESERVED                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
//   +-+-+-+-+-+-+-+-+                                               +
//   ~        AlgorithmIdentifier ASN.1 object continuing            ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                         Signature Value                       ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// This file is the syntax layer only: it says which algorithm the peer claims and where the
// signature is. Whether that algorithm is acceptable and matches the peer's key is decided in
// auth_signature.cc. The length octet is never trusted: the AlgorithmIdentifier is parsed as
// DER inside a sub-Reader of exactly that length, which must be consumed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::crypto {

// IKEv2 Hash Algorithms registry (RFC 7427 §7, RFC 8420), as carried in the
// SIGNATURE_HASH_ALGORITHMS notify.
inline constexpr uint16_t kSigHashSha1 = 1;
inline constexpr uint16_t kSigHashSha256 = 2;
inline constexpr uint16_t kSigHashSha384 = 3;
inline constexpr uint16_t kSigHashSha512 = 4;
inline constexpr uint16_t kSigHashIdentity = 5;  // "no separate hash": Ed25519 / Ed448

// OpenSSL's digest name for a hash of the RFC 7427 registry; empty for Identity and unknown ones.
std::string_view SignatureDigestName(uint16_t hash);
std::string SignatureHashName(uint16_t hash);  // "SHA2-256", ..., "hash #9"

enum class SignatureScheme : uint8_t {
  kRsaPkcs1v15,  // sha*WithRSAEncryption (RFC 8017 RSASSA-PKCS1-v1_5)
  kRsaPss,       // id-RSASSA-PSS with MGF1 over the same hash (RFC 4055)
  kEcdsa,        // ecdsa-with-SHA* (RFC 5758), signature is a DER ECDSA-Sig-Value
  kEd25519,      // id-Ed25519 (RFC 8410), pure EdDSA over the signed octets (RFC 8420)
};

struct SignatureAlgorithm {
  SignatureScheme scheme;
  uint16_t hash;                 // registry value above
  uint16_t pss_salt_length = 0;  // octets; RSASSA-PSS only

  friend bool operator==(const SignatureAlgorithm&, const SignatureAlgorithm&) = default;
};

// "ecdsa-with-SHA256", "RSA PKCS#1 v1.5 with SHA384", "RSASSA-PSS(SHA2-256, salt 32)", "Ed25519".
std::string DescribeSignatureAlgorithm(const SignatureAlgorithm& algorithm);

struct DigitalSignatureAuth {
  SignatureAlgorithm algorithm;
  ByteView algorithm_identifier;  // the DER as received
  ByteView signature;             // never empty
};

// Splits Authentication Data for method 14. `base_offset` is the data's offset in the whole
// message so errors point at the right octet.
Result<DigitalSignatureAuth> ParseDigitalSignatureAuthData(ByteView auth_data,
                                                           size_t base_offset = 0);

// Decodes one DER AlgorithmIdentifier into a scheme we implement. Unknown OIDs are
// kUnsupported; malformed DER is kTruncated / kBadLength / kBadValue / kTrailingData.
Result<SignatureAlgorithm> ParseSignatureAlgorithmIdentifier(ByteView der, size_t base_offset = 0);

// The AlgorithmIdentifier we send for `scheme` and `hash`: the exact encodings of RFC 7427
// Appendix A (A.1 PKCS#1, A.3 ECDSA, A.4.3 RSASSA-PSS with salt = hash length and the
// trailerField written out as the RFC does) and RFC 8420 §2 for Ed25519. kUnsupported for
// combinations we never sign with (anything with SHA-1).
Result<ByteView> SignatureAlgorithmIdentifierDer(SignatureScheme scheme, uint16_t hash);

// ASN.1 Length || AlgorithmIdentifier || signature.
Result<Bytes> EncodeDigitalSignatureAuthData(SignatureScheme scheme, uint16_t hash,
                                             ByteView signature);

}  // namespace ikewot::crypto
