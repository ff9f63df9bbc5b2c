// Raw symmetric primitives shared by IKE's SK payload (sk_cipher.h) and, later, ESP:
// AEAD ciphers (AES-GCM, ChaCha20-Poly1305) with a full 12-octet nonce, and unpadded AES-CBC.
// Keys are scheduled once per object; every call only sets the nonce / IV. Output spans may be
// the very same memory as the input (in-place), but must not overlap it partially.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

class PreparedCrypto;  // prepared.h; every `prepared` below may be null

enum class AeadAlgorithm : uint8_t {
  kAesGcm,            // 16-, 24- or 32-octet key; 8, 12 or 16-octet tag (RFC 4106 / 5282)
  kChaCha20Poly1305,  // 32-octet key; 16-octet tag (RFC 8439)
};

class Aead {
 public:
  static constexpr size_t kNonceSize = 12;

  // kInvalidArgument for a key or tag size the algorithm does not have. `prepared` supplies the
  // fetched cipher.
  static Result<Aead> Create(AeadAlgorithm algorithm, ByteView key, size_t tag_size,
                             PreparedCrypto* prepared = nullptr);

  AeadAlgorithm algorithm() const { return algorithm_; }
  size_t tag_size() const { return tag_size_; }

  // Encrypts `plaintext` and writes ciphertext || tag into `out`
  // (out.size() == plaintext.size() + tag_size()).
  Status Seal(ByteView nonce, ByteView aad, ByteView plaintext, std::span<uint8_t> out);
  // Checks the tag over aad and ciphertext and writes the plaintext into `out`
  // (out.size() == ciphertext_and_tag.size() - tag_size()). A forged or damaged input gives
  // kAuthFailure and `out` is wiped: unauthenticated plaintext is never released.
  Status Open(ByteView nonce, ByteView aad, ByteView ciphertext_and_tag, std::span<uint8_t> out);

 private:
  Aead() = default;
  AeadAlgorithm algorithm_ = AeadAlgorithm::kAesGcm;
  size_t tag_size_ = 0;
  // One context for both directions: GCM and ChaCha20-Poly1305 use the same key schedule to
  // seal and to open, and every call sets the direction along with the nonce.
  ossl::CipherCtxPtr ctx_;
};

// AES-CBC without padding: inputs must be whole 16-octet blocks (IKE and ESP pad themselves).
class AesCbc {
 public:
  static constexpr size_t kBlockSize = 16;

  // 16-, 24- or 32-octet key, else kInvalidArgument.
  static Result<AesCbc> Create(ByteView key, PreparedCrypto* prepared = nullptr);

  // out.size() == input.size(); input.size() a multiple of 16 (else kInvalidArgument).
  Status Encrypt(ByteView iv, ByteView plaintext, std::span<uint8_t> out);
  Status Decrypt(ByteView iv, ByteView ciphertext, std::span<uint8_t> out);

 private:
  AesCbc() = default;
  ossl::CipherCtxPtr encrypt_ctx_;
  ossl::CipherCtxPtr decrypt_ctx_;
};

}  // namespace ikewot::crypto
