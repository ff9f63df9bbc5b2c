// IKEv2 transform identifiers (IANA "IKEv2 Transform Type" registries, RFC 7296 §3.3.2) that the
// crypto suite implements, and the sizes each one implies. Everything that needs to know "how long
// is the key / IV / ICV of transform N" asks here, so the numbers live in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/status.h"

namespace ikewot::crypto {

// Transform Type 1: encryption algorithms.
inline constexpr uint16_t kEncrAesCbc = 12;            // RFC 3602; key length attribute 128/192/256
inline constexpr uint16_t kEncrAesGcm8 = 18;           // RFC 5282, 8-octet ICV
inline constexpr uint16_t kEncrAesGcm12 = 19;          // RFC 5282, 12-octet ICV
inline constexpr uint16_t kEncrAesGcm16 = 20;          // RFC 5282, 16-octet ICV
inline constexpr uint16_t kEncrChaCha20Poly1305 = 28;  // RFC 7634; no key length attribute

// Transform Type 2: pseudorandom functions.
inline constexpr uint16_t kPrfHmacSha1 = 2;      // RFC 2104
inline constexpr uint16_t kPrfAesXcbc128 = 4;    // RFC 4434
inline constexpr uint16_t kPrfHmacSha2_256 = 5;  // RFC 4868
inline constexpr uint16_t kPrfHmacSha2_384 = 6;  // RFC 4868
inline constexpr uint16_t kPrfHmacSha2_512 = 7;  // RFC 4868
inline constexpr uint16_t kPrfAesCmac128 = 8;    // RFC 4615

// Transform Type 3: integrity algorithms.
inline constexpr uint16_t kIntegNone = 0;               // with AEAD ciphers
inline constexpr uint16_t kIntegHmacSha1_96 = 2;        // RFC 2404
inline constexpr uint16_t kIntegHmacSha2_256_128 = 12;  // RFC 4868
inline constexpr uint16_t kIntegHmacSha2_384_192 = 13;  // RFC 4868
inline constexpr uint16_t kIntegHmacSha2_512_256 = 14;  // RFC 4868

// Transform Type 4: key exchange (Diffie-Hellman) groups.
inline constexpr uint16_t kDhModp2048 = 14;    // RFC 3526
inline constexpr uint16_t kDhModp3072 = 15;    // RFC 3526
inline constexpr uint16_t kDhModp4096 = 16;    // RFC 3526
inline constexpr uint16_t kDhEcp256 = 19;      // RFC 5903
inline constexpr uint16_t kDhEcp384 = 20;      // RFC 5903
inline constexpr uint16_t kDhEcp521 = 21;      // RFC 5903
inline constexpr uint16_t kDhCurve25519 = 31;  // RFC 8031
inline constexpr uint16_t kDhCurve448 = 32;    // RFC 8031

// What an encryption transform (with its key length attribute) implies for the SK payload.
struct EncrProperties {
  bool aead = false;
  size_t key_size = 0;           // cipher key octets, without the salt
  size_t salt_size = 0;          // AEAD nonce salt taken from the end of the keying material
  size_t iv_size = 0;            // octets of IV sent in each Encrypted payload
  size_t block_size = 1;         // plaintext alignment that padding must reach (§3.14)
  size_t icv_size = 0;           // AEAD tag length; 0 for CBC (the integrity transform decides)
  std::string_view cipher_name;  // OpenSSL cipher to fetch
};

// key_bits is the Key Length attribute; 0 means "absent", valid only for ChaCha20-Poly1305.
// kUnsupported for unknown ids or key lengths.
Result<EncrProperties> LookupEncr(uint16_t encr_id, uint16_t key_bits);

struct IntegProperties {
  size_t key_size = 0;  // HMAC keys are the digest length (RFC 2404, RFC 4868)
  size_t icv_size = 0;  // truncated output sent in the message
  std::string_view digest_name;
};

// kUnsupported for unknown ids and for kIntegNone (which has no properties).
Result<IntegProperties> LookupInteg(uint16_t integ_id);

}  // namespace ikewot::crypto
