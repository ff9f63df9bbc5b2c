#include "core/crypto/aead.h"

#include <openssl/crypto.h>

#include <climits>
#include <string>

#include "core/crypto/prepared.h"

namespace ikewot::crypto {
namespace {

enum class AesMode { kGcm, kCbc };

// OpenSSL's cipher name for AES in `mode` with a key of `key_size` octets, or nullptr.
const char* AesName(size_t key_size, AesMode mode) {
  const bool gcm = mode == AesMode::kGcm;
  switch (key_size) {
    case 16:
      return gcm ? "AES-128-GCM" : "AES-128-CBC";
    case 24:
      return gcm ? "AES-192-GCM" : "AES-192-CBC";
    case 32:
      return gcm ? "AES-256-GCM" : "AES-256-CBC";
    default:
      return nullptr;
  }
}

// A context with the key scheduled for one direction; later calls only supply the IV.
Result<ossl::CipherCtxPtr> KeyedContext(const char* name, ByteView key, int encrypt,
                                        PreparedCrypto* prepared) {
  ossl::CipherPtr fetched;
  const EVP_CIPHER* cipher = nullptr;
  if (prepared != nullptr) {
    cipher = prepared->Cipher(name);
  } else {
    fetched.reset(EVP_CIPHER_fetch(nullptr, name, nullptr));
    cipher = fetched.get();
  }
  if (cipher == nullptr) return ossl::CryptoError(std::string("EVP_CIPHER_fetch ") + name);
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ossl::CryptoError("EVP_CIPHER_CTX_new");
  if (EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, encrypt, nullptr) != 1) {
    return ossl::CryptoError(std::string("EVP_CipherInit_ex2 ") + name);
  }
  if (static_cast<size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != key.size()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(name) + " key has the wrong length");
  }
  return ctx;
}

bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

}  // namespace

Result<Aead> Aead::Create(AeadAlgorithm algorithm, ByteView key, size_t tag_size,
                          PreparedCrypto* prepared) {
  const char* name = nullptr;
  if (algorithm == AeadAlgorithm::kAesGcm) {
    name = AesName(key.size(), AesMode::kGcm);
    if (name == nullptr) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "AES-GCM key must be 16, 24 or 32 octets, got " + std::to_string(key.size()));
    }
    if (tag_size != 8 && tag_size != 12 && tag_size != 16) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "AES-GCM tag must be 8, 12 or 16 octets, got " + std::to_string(tag_size));
    }
  } else {
    name = "ChaCha20-Poly1305";
    if (key.size() != 32) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "ChaCha20-Poly1305 key must be 32 octets, got " + std::to_string(key.size()));
    }
    if (tag_size != 16) {
      return MakeError(ErrorCode::kInvalidArgument, "ChaCha20-Poly1305 tag must be 16 octets");
    }
  }
  auto ctx = KeyedContext(name, key, 1, prepared);
  if (!ctx.ok()) return ctx.error();
  if (EVP_CIPHER_CTX_get_iv_length(ctx->get()) != static_cast<int>(kNonceSize)) {
    return ossl::CryptoError(std::string(name) + " does not use a 12-octet nonce");
  }
  Aead aead;
  aead.algorithm_ = algorithm;
  aead.tag_size_ = tag_size;
  aead.ctx_ = std::move(*ctx);
  return aead;
}

Status Aead::Seal(ByteView nonce, ByteView aad, ByteView plaintext, std::span<uint8_t> out) {
  if (nonce.size() != kNonceSize || out.size() != plaintext.size() + tag_size_ ||
      !FitsInt(aad.size()) || !FitsInt(plaintext.size())) {
    return MakeError(ErrorCode::kInvalidArgument, "AEAD seal: bad nonce or buffer size");
  }
  EVP_CIPHER_CTX* ctx = ctx_.get();
  int written = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 1, nullptr) != 1) {
    return ossl::CryptoError("AEAD seal: set nonce");
  }
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1) {
    return ossl::CryptoError("AEAD seal: associated data");
  }
  int body = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx, out.data(), &body, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    return ossl::CryptoError("AEAD seal: encrypt");
  }
  int tail = 0;
  if (EVP_EncryptFinal_ex(ctx, out.data() + body, &tail) != 1 ||
      static_cast<size_t>(body + tail) != plaintext.size()) {
    return ossl::CryptoError("AEAD seal: final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size_),
                          out.data() + plaintext.size()) != 1) {
    return ossl::CryptoError("AEAD seal: get tag");
  }
  return Status::Ok();
}

Status Aead::Open(ByteView nonce, ByteView aad, ByteView ciphertext_and_tag,
                  std::span<uint8_t> out) {
  if (nonce.size() != kNonceSize || ciphertext_and_tag.size() < tag_size_ ||
      out.size() != ciphertext_and_tag.size() - tag_size_ || !FitsInt(aad.size()) ||
      !FitsInt(ciphertext_and_tag.size())) {
    return MakeError(ErrorCode::kInvalidArgument, "AEAD open: bad nonce or buffer size");
  }
  const size_t body_size = out.size();
  // Copy the tag first: `out` may alias the input and decryption overwrites it.
  uint8_t tag[16];
  std::copy(ciphertext_and_tag.begin() + body_size, ciphertext_and_tag.end(), tag);
  EVP_CIPHER_CTX* ctx = ctx_.get();
  int written = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size_), tag) != 1) {
    return ossl::CryptoError("AEAD open: set nonce and tag");
  }
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1) {
    return ossl::CryptoError("AEAD open: associated data");
  }
  int body = 0;
  if (body_size != 0 && EVP_DecryptUpdate(ctx, out.data(), &body, ciphertext_and_tag.data(),
                                          static_cast<int>(body_size)) != 1) {
    return ossl::CryptoError("AEAD open: decrypt");
  }
  int tail = 0;
  // The tag is checked in Final (in constant time by OpenSSL); its failure is the only outcome
  // an attacker can cause here, so it is reported as an authentication failure.
  if (EVP_DecryptFinal_ex(ctx, out.data() + body, &tail) != 1 ||
      static_cast<size_t>(body + tail) != body_size) {
    OPENSSL_cleanse(out.data(), out.size());
    ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure, "AEAD tag mismatch");
  }
  return Status::Ok();
}

Result<AesCbc> AesCbc::Create(ByteView key, PreparedCrypto* prepared) {
  const char* name = AesName(key.size(), AesMode::kCbc);
  if (name == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AES-CBC key must be 16, 24 or 32 octets, got " + std::to_string(key.size()));
  }
  // Two contexts: AES decryption runs on the inverse key schedule.
  auto enc = KeyedContext(name, key, 1, prepared);
  if (!enc.ok()) return enc.error();
  auto dec = KeyedContext(name, key, 0, prepared);
  if (!dec.ok()) return dec.error();
  if (EVP_CIPHER_CTX_set_padding(enc->get(), 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(dec->get(), 0) != 1) {
    return ossl::CryptoError("AES-CBC: disable padding");
  }
  AesCbc cbc;
  cbc.encrypt_ctx_ = std::move(*enc);
  cbc.decrypt_ctx_ = std::move(*dec);
  return cbc;
}

namespace {
Status CbcRun(EVP_CIPHER_CTX* ctx, int encrypt, ByteView iv, ByteView in, std::span<uint8_t> out) {
  if (iv.size() != AesCbc::kBlockSize || in.size() % AesCbc::kBlockSize != 0 ||
      out.size() != in.size() || !FitsInt(in.size())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AES-CBC needs a 16-octet IV and whole 16-octet blocks");
  }
  int body = 0;
  int tail = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv.data(), encrypt, nullptr) != 1 ||
      (!in.empty() &&
       EVP_CipherUpdate(ctx, out.data(), &body, in.data(), static_cast<int>(in.size())) != 1) ||
      EVP_CipherFinal_ex(ctx, out.data() + body, &tail) != 1 ||
      static_cast<size_t>(body + tail) != in.size()) {
    return ossl::CryptoError(encrypt ? "AES-CBC encrypt" : "AES-CBC decrypt");
  }
  return Status::Ok();
}
}  // namespace

Status AesCbc::Encrypt(ByteView iv, ByteView plaintext, std::span<uint8_t> out) {
  return CbcRun(encrypt_ctx_.get(), 1, iv, plaintext, out);
}

Status AesCbc::Decrypt(ByteView iv, ByteView ciphertext, std::span<uint8_t> out) {
  return CbcRun(decrypt_ctx_.get(), 0, iv, ciphertext, out);
}

}  // namespace ikewot::crypto
