// The cryptographic transform of one ESP SA direction: AES-GCM (RFC 4106), ChaCha20-Poly1305
// (RFC 7634) or AES-CBC (RFC 3602) with truncated HMAC-SHA1/SHA2 (RFC 2404, RFC 4868). Reuses
// the raw primitives of core/crypto (Aead, AesCbc, Mac); knows how ESP feeds them:
//
//   AEAD (RFC 4106 §4, §5; RFC 7634 §2, §2.1):
//     nonce = salt (last 4 octets of the key material) || 8-octet IV
//     AAD   = SPI || Sequence Number            (32-bit sequence numbers)
//           = SPI || ESN high 32 || ESN low 32  (Extended Sequence Numbers)
//   AES-CBC + HMAC (RFC 4303 §2.8, §3.3.2):
//     ICV = HMAC(SPI || Sequence Number || IV || ciphertext [|| ESN high 32]) truncated
//     (with ESN the high half is appended for the ICV only, never sent: §2.2.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/aead.h"
#include "core/crypto/mac.h"
#include "core/engine/proposals.h"

namespace ikewot::esp {

class EspCipher {
 public:
  // encr_key: AEAD key || 4-octet salt, or the AES-CBC key; integ_key: the HMAC key (empty with
  // AEAD). kUnsupported for transforms outside the list above, kInvalidArgument for key sizes.
  static Result<EspCipher> Create(const engine::EspSuiteChoice& suite, ByteView encr_key,
                                  ByteView integ_key);

  bool aead() const { return aead_.has_value(); }
  size_t iv_size() const { return iv_size_; }
  size_t icv_size() const { return icv_size_; }
  // The ciphertext (payload, padding, pad length, next header) must be a multiple of this:
  // the cipher block (16 for CBC) and at least 4 (§2.4: the ICV starts 4-octet aligned).
  size_t alignment() const { return alignment_; }

  // `header` is SPI || Sequence Number as sent (8 octets); `esn_high` the implicit high half
  // when ESN is on. Encrypts `body` in place and writes the ICV.
  Status Seal(ByteView header, std::optional<uint32_t> esn_high, ByteView iv,
              std::span<uint8_t> body, std::span<uint8_t> icv);
  // Verifies the ICV first (constant time; AEAD: the tag) and only then decrypts into `out`
  // (out.size() == ciphertext.size()). Every failure is kAuthFailure.
  Status Open(ByteView header, std::optional<uint32_t> esn_high, ByteView iv, ByteView ciphertext,
              ByteView icv, std::span<uint8_t> out);

 private:
  EspCipher() = default;

  size_t iv_size_ = 0;
  size_t icv_size_ = 0;
  size_t alignment_ = 4;
  Bytes salt_;                        // AEAD only
  std::optional<crypto::Aead> aead_;  // AEAD suites
  std::optional<crypto::AesCbc> cbc_;
  std::optional<crypto::Mac> integ_;
};

}  // namespace ikewot::esp
