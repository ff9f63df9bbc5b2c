// Protection of the IKEv2 Encrypted payload (RFC 7296 §3.14), with the AEAD conventions of
// RFC 5282 (AES-GCM) and RFC 7634 (ChaCha20-Poly1305).
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Initialization Vector                     |
//   |         (length is block size for encryption algorithm)       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Encrypted IKE Payloads                     ~
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |             Padding (0-255 octets)            |
//   +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//   |                                               |  Pad Length   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Integrity Checksum Data                    ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// SkCipher handles everything after the generic payload header: IV || ciphertext || ICV. The
// caller passes `associated` = every octet of the message before the IV (IKE header and the
// 4-octet generic header, length fields already final). For CBC the ICV is HMAC over
// associated || IV || ciphertext; for AEAD that same prefix is the AAD (RFC 5282 §5.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/crypto/aead.h"
#include "core/crypto/mac.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto {

class SkCipher {
 public:
  // encr_key is SK_e for one direction; for AEAD it ends with the 4-octet salt. integ_key is
  // SK_a (must be empty, and integ_id kIntegNone, for AEAD). Wrong key lengths are
  // kInvalidArgument; unknown transforms or an AEAD/integrity mismatch are kUnsupported.
  // `prepared` (may be null) supplies fetched ciphers and HMAC templates.
  static Result<SkCipher> Create(uint16_t encr_id, uint16_t key_bits, uint16_t integ_id,
                                 ByteView encr_key, ByteView integ_key,
                                 PreparedCrypto* prepared = nullptr);

  size_t iv_size() const { return encr_.iv_size; }
  size_t icv_size() const { return icv_size_; }
  size_t block_size() const { return encr_.block_size; }
  // Octets Encrypt() returns for `plaintext_size` octets of inner payloads (IV, padded
  // ciphertext, ICV), so the caller can write the payload and message lengths first.
  size_t EncryptedSize(size_t plaintext_size) const;

  // IV || ciphertext || ICV of `plaintext` (the inner payloads). The IV comes from `rng`;
  // padding is the minimum that reaches the block size, filled with zeros.
  Result<Bytes> Encrypt(ByteView associated, ByteView plaintext, Rng& rng);
  // The inner payloads, after checking the ICV (constant time, before any decryption) and the
  // padding. Every failure is kAuthFailure: a forged message learns nothing from the result.
  Result<Bytes> Decrypt(ByteView associated, ByteView iv_ciphertext_icv);

 private:
  SkCipher() = default;
  size_t PaddedSize(size_t plaintext_size) const;

  EncrProperties encr_;
  size_t icv_size_ = 0;
  Bytes salt_;                 // AEAD only
  std::optional<Aead> aead_;   // AEAD suites
  std::optional<AesCbc> cbc_;  // CBC suites ...
  std::optional<Mac> integ_;   // ... with their HMAC
};

}  // namespace ikewot::crypto
