// IKEv2 AUTH payload data for signature authentication methods, given the "signed octets"
// the engine builds (RFC 7296 §2.15: message || nonce || prf(SK_p, ID)).
//
//   method 14  Digital Signature (RFC 7427): AlgorithmIdentifier + signature, for
//              ECDSA P-256/384/521 with SHA2-256/384/512 (DER ECDSA-Sig-Value),
//              RSA PKCS#1 v1.5 and RSASSA-PSS with SHA2-256/384/512, Ed25519 (RFC 8420);
//   method 1   RSA Digital Signature: PKCS#1 v1.5 with SHA-1 (RFC 7296);
//   methods 9/10/11  ECDSA with SHA2-256 on P-256 / SHA2-384 on P-384 / SHA2-512 on P-521,
//              signature r || s, each zero-padded to the field size (RFC 4754).
//
// Randomness: ECDSA nonces and PSS salts come from OpenSSL's DRBG inside the signing call, so
// those signatures differ from run to run; Ed25519 and PKCS#1 v1.5 signatures are deterministic.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/auth_signature_algid.h"
#include "core/crypto/identity.h"
#include "core/crypto/prepared.h"

namespace ikewot::crypto {

// IKEv2 Authentication Method registry values handled here.
inline constexpr uint8_t kAuthMethodRsaSignature = 1;
inline constexpr uint8_t kAuthMethodEcdsaSha256P256 = 9;
inline constexpr uint8_t kAuthMethodEcdsaSha384P384 = 10;
inline constexpr uint8_t kAuthMethodEcdsaSha512P521 = 11;
inline constexpr uint8_t kAuthMethodDigitalSignature = 14;

std::string AuthMethodName(uint8_t method);

enum class RsaPadding : uint8_t { kPkcs1v15, kPss };

struct AuthData {
  uint8_t method;
  Bytes data;  // the AUTH payload's Authentication Data
};

// Signs `signed_octets`. For method 14, `hash_alg` picks the hash (RFC 7427 registry: 2, 3, 4,
// or 5 = identity for Ed25519; SHA-1 is refused, RFC 8247 §3.3) and `rsa_padding` picks PKCS#1
// v1.5 or PSS for RSA keys. For the classic methods the hash is fixed: pass 0 or that hash.
// Key/method mismatches are kInvalidArgument. With `prepared`, the signing context is a copy of
// one prepared for this key (kept in prepared->signing()) instead of a fresh initialisation.
Result<AuthData> SignAuth(const PrivateKey& key, uint8_t auth_method, uint16_t hash_alg,
                          ByteView signed_octets, RsaPadding rsa_padding = RsaPadding::kPkcs1v15,
                          PreparedCrypto* prepared = nullptr);

// Verifies a peer's Authentication Data against its certificate's key. `acceptable_hashes` is
// local policy (what we announced in SIGNATURE_HASH_ALGORITHMS); a signature whose hash is not
// in it -- including the SHA-1 that method 1 implies -- is refused with kUnsupported before any
// crypto. Errors: malformed data kTruncated/kBadLength/kBadValue/kTrailingData (with offsets
// into auth_data); algorithm not matching the key kBadValue; unknown algorithm kUnsupported;
// a signature that does not verify kAuthFailure. `prepared` (may be null) supplies fetched
// digests; `key_templates` (may be null) keeps prepared verification contexts for this key, for
// callers that verify the same peer key again (engine: the peer-certificate cache entry).
Status VerifyAuth(const PublicKey& key, uint8_t auth_method, ByteView auth_data,
                  ByteView signed_octets, std::span<const uint16_t> acceptable_hashes,
                  PreparedCrypto* prepared = nullptr, SignatureTemplates* key_templates = nullptr);

// Hashes we accept and announce: SHA2-256, SHA2-384, SHA2-512, Identity.
std::vector<uint16_t> SupportedSignatureHashes();

// The hash to sign with for method 14 given the peer's SIGNATURE_HASH_ALGORITHMS list: Ed25519
// needs Identity; ECDSA prefers the hash matching its curve; RSA prefers SHA2-256. Returns 0
// when nothing usable is in common (fall back to ClassicAuthMethod or fail).
uint16_t PreferredHash(KeyType key_type, std::span<const uint16_t> peer_hashes);

// The RFC 7296 / RFC 4754 method for a key when the peer did not announce RFC 7427 support:
// 1 for RSA, 9/10/11 for ECDSA P-256/384/521, 0 for Ed25519 (it has no classic method).
uint8_t ClassicAuthMethod(KeyType key_type);

}  // namespace ikewot::crypto
