#include "core/crypto/mac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <string>

#include "core/crypto/prepared.h"

namespace ikewot::crypto {
namespace {

constexpr size_t kAesBlock = 16;

Result<ossl::MacCtxPtr> NewKeyedMac(const char* algorithm, OSSL_PARAM* params, ByteView key) {
  ossl::MacPtr mac(EVP_MAC_fetch(nullptr, algorithm, nullptr));
  if (!mac) return ossl::CryptoError(std::string("EVP_MAC_fetch ") + algorithm);
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return ossl::CryptoError("EVP_MAC_CTX_new");
  // OpenSSL rejects a NULL key pointer even with length 0; an empty HMAC key is legal.
  static constexpr uint8_t kNoKey[1] = {0};
  const uint8_t* key_ptr = key.empty() ? kNoKey : key.data();
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1) {
    return ossl::CryptoError(std::string("EVP_MAC_init ") + algorithm);
  }
  return ctx;
}

// One AES block encryption with an ECB context (no padding).
bool EncryptBlock(EVP_CIPHER_CTX* ecb, const uint8_t in[kAesBlock], uint8_t out[kAesBlock]) {
  int written = 0;
  return EVP_EncryptUpdate(ecb, out, &written, in, kAesBlock) == 1 && written == kAesBlock;
}

Result<ossl::CipherCtxPtr> NewAes128Ecb(const uint8_t key[kAesBlock]) {
  ossl::CipherPtr cipher(EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr));
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx || EVP_EncryptInit_ex2(ctx.get(), cipher.get(), key, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return ossl::CryptoError("AES-128-ECB setup for XCBC");
  }
  return ctx;
}

}  // namespace

Result<Mac> Mac::CreateHmac(std::string_view digest_name, ByteView key, PreparedCrypto* prepared) {
  Result<ossl::MacCtxPtr> ctx = ossl::MacCtxPtr();
  if (prepared != nullptr) {
    ctx = prepared->KeyedHmac(digest_name, key);
  } else {
    std::string digest(digest_name);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end()};
    ctx = NewKeyedMac("HMAC", params, key);
  }
  if (!ctx.ok()) return ctx.error();
  Mac mac;
  mac.output_size_ = EVP_MAC_CTX_get_mac_size(ctx->get());
  if (mac.output_size_ == 0) return ossl::CryptoError("EVP_MAC_CTX_get_mac_size");
  mac.mac_ctx_ = std::move(*ctx);
  return mac;
}

Result<Mac> Mac::CreateAesCmac(ByteView key) {
  const char* cipher = key.size() == 16   ? "AES-128-CBC"
                       : key.size() == 24 ? "AES-192-CBC"
                       : key.size() == 32 ? "AES-256-CBC"
                                          : nullptr;
  if (cipher == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AES-CMAC key must be 16, 24 or 32 octets, got " + std::to_string(key.size()));
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher), 0),
      OSSL_PARAM_construct_end()};
  auto ctx = NewKeyedMac("CMAC", params, key);
  if (!ctx.ok()) return ctx.error();
  Mac mac;
  mac.output_size_ = kAesBlock;
  mac.mac_ctx_ = std::move(*ctx);
  return mac;
}

Result<Mac> Mac::CreateAesXcbc(ByteView key) {
  if (key.size() != kAesBlock) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AES-XCBC-MAC key must be 16 octets, got " + std::to_string(key.size()));
  }
  // RFC 3566 §4 (1): K1 = E(K, 0x01..), K2 = E(K, 0x02..), K3 = E(K, 0x03..).
  auto base = NewAes128Ecb(key.data());
  if (!base.ok()) return base.error();
  uint8_t constant[kAesBlock];
  uint8_t k1[kAesBlock];
  Mac mac;
  bool ok = true;
  std::fill(std::begin(constant), std::end(constant), 0x01);
  ok = ok && EncryptBlock(base->get(), constant, k1);
  std::fill(std::begin(constant), std::end(constant), 0x02);
  ok = ok && EncryptBlock(base->get(), constant, mac.xcbc_k2_.data());
  std::fill(std::begin(constant), std::end(constant), 0x03);
  ok = ok && EncryptBlock(base->get(), constant, mac.xcbc_k3_.data());
  if (!ok) return ossl::CryptoError("AES-XCBC subkey derivation");
  auto k1_ctx = NewAes128Ecb(k1);
  OPENSSL_cleanse(k1, sizeof(k1));
  if (!k1_ctx.ok()) return k1_ctx.error();
  mac.xcbc_k1_ = std::move(*k1_ctx);
  mac.output_size_ = kAesBlock;
  return mac;
}

Status Mac::Compute(std::initializer_list<ByteView> parts, std::span<uint8_t> out) {
  if (out.size() != output_size_) {
    return MakeError(ErrorCode::kInvalidArgument, "MAC output buffer has the wrong size");
  }
  if (xcbc_k1_) return ComputeXcbc(parts, out);
  // A NULL key re-initialises the context with the key it already holds.
  if (EVP_MAC_init(mac_ctx_.get(), nullptr, 0, nullptr) != 1) {
    return ossl::CryptoError("EVP_MAC_init (rekey-free restart)");
  }
  for (ByteView part : parts) {
    if (!part.empty() && EVP_MAC_update(mac_ctx_.get(), part.data(), part.size()) != 1) {
      return ossl::CryptoError("EVP_MAC_update");
    }
  }
  size_t written = 0;
  if (EVP_MAC_final(mac_ctx_.get(), out.data(), &written, out.size()) != 1 ||
      written != out.size()) {
    return ossl::CryptoError("EVP_MAC_final");
  }
  return Status::Ok();
}

Result<Bytes> Mac::Compute(std::initializer_list<ByteView> parts) {
  Bytes out(output_size_);
  IKEWOT_RETURN_IF_ERROR(Compute(parts, out));
  return out;
}

Status Mac::ComputeXcbc(std::initializer_list<ByteView> parts, std::span<uint8_t> out) {
  // RFC 3566 §4: CBC-MAC under K1; the last block is XORed with K2 when complete, or padded
  // with 10* and XORed with K3 otherwise (an empty message is one padded block).
  uint8_t state[kAesBlock] = {0};
  uint8_t block[kAesBlock];
  size_t filled = 0;
  bool have_full_pending = false;  // `block` holds a complete block that may be the last one
  for (ByteView part : parts) {
    for (uint8_t byte : part) {
      if (have_full_pending) {
        for (size_t i = 0; i < kAesBlock; ++i) state[i] ^= block[i];
        if (!EncryptBlock(xcbc_k1_.get(), state, state)) return ossl::CryptoError("XCBC block");
        have_full_pending = false;
        filled = 0;
      }
      block[filled++] = byte;
      if (filled == kAesBlock) have_full_pending = true;
    }
  }
  if (have_full_pending) {
    for (size_t i = 0; i < kAesBlock; ++i) state[i] ^= block[i] ^ xcbc_k2_[i];
  } else {
    block[filled] = 0x80;
    for (size_t i = filled + 1; i < kAesBlock; ++i) block[i] = 0;
    for (size_t i = 0; i < kAesBlock; ++i) state[i] ^= block[i] ^ xcbc_k3_[i];
  }
  if (!EncryptBlock(xcbc_k1_.get(), state, out.data())) return ossl::CryptoError("XCBC block");
  OPENSSL_cleanse(state, sizeof(state));
  OPENSSL_cleanse(block, sizeof(block));
  return Status::Ok();
}

}  // namespace ikewot::crypto
