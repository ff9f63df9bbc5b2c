#include "core/crypto/sk_cipher.h"

#include <openssl/crypto.h>

#include <string>

#include "core/base/reader.h"

namespace ikewot::crypto {
namespace {

Error AuthFailure(const char* why) { return MakeError(ErrorCode::kAuthFailure, why); }

}  // namespace

Result<SkCipher> SkCipher::Create(uint16_t encr_id, uint16_t key_bits, uint16_t integ_id,
                                  ByteView encr_key, ByteView integ_key, PreparedCrypto* prepared) {
  auto encr = LookupEncr(encr_id, key_bits);
  if (!encr.ok()) return encr.error();
  const size_t expected_encr = encr->key_size + encr->salt_size;
  if (encr_key.size() != expected_encr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "SK_e must be " + std::to_string(expected_encr) + " octets for transform " +
                         std::to_string(encr_id) + ", got " + std::to_string(encr_key.size()));
  }
  SkCipher sk;
  sk.encr_ = *encr;
  ByteView key = encr_key.first(encr->key_size);
  if (encr->aead) {
    // RFC 5282 §8 / RFC 7634 §5: an AEAD transform comes with no (or NONE) integrity transform.
    if (integ_id != kIntegNone || !integ_key.empty()) {
      return MakeError(ErrorCode::kUnsupported,
                       "an AEAD cipher must not be combined with an integrity transform");
    }
    const auto algorithm = encr_id == kEncrChaCha20Poly1305 ? AeadAlgorithm::kChaCha20Poly1305
                                                            : AeadAlgorithm::kAesGcm;
    auto aead = Aead::Create(algorithm, key, encr->icv_size, prepared);
    if (!aead.ok()) return aead.error();
    sk.aead_.emplace(std::move(*aead));
    sk.salt_.assign(encr_key.begin() + encr->key_size, encr_key.end());
    sk.icv_size_ = encr->icv_size;
    return sk;
  }
  auto integ = LookupInteg(integ_id);
  if (!integ.ok()) return integ.error();
  if (integ_key.size() != integ->key_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "SK_a must be " + std::to_string(integ->key_size) + " octets for transform " +
                         std::to_string(integ_id) + ", got " + std::to_string(integ_key.size()));
  }
  auto cbc = AesCbc::Create(key, prepared);
  if (!cbc.ok()) return cbc.error();
  auto mac = Mac::CreateHmac(integ->digest_name, integ_key, prepared);
  if (!mac.ok()) return mac.error();
  sk.cbc_.emplace(std::move(*cbc));
  sk.integ_.emplace(std::move(*mac));
  sk.icv_size_ = integ->icv_size;
  return sk;
}

size_t SkCipher::PaddedSize(size_t plaintext_size) const {
  // Payloads + Padding + Pad Length, rounded up to the block size (§3.14).
  const size_t with_pad_length = plaintext_size + 1;
  const size_t b = encr_.block_size;
  return (with_pad_length + b - 1) / b * b;
}

size_t SkCipher::EncryptedSize(size_t plaintext_size) const {
  return encr_.iv_size + PaddedSize(plaintext_size) + icv_size_;
}

Result<Bytes> SkCipher::Encrypt(ByteView associated, ByteView plaintext, Rng& rng) {
  const size_t padded_size = PaddedSize(plaintext.size());
  const size_t pad_length = padded_size - plaintext.size() - 1;
  Bytes out(encr_.iv_size + padded_size + icv_size_);
  std::span<uint8_t> iv(out.data(), encr_.iv_size);
  std::span<uint8_t> body(out.data() + encr_.iv_size, padded_size);
  std::span<uint8_t> icv(out.data() + encr_.iv_size + padded_size, icv_size_);
  rng.Fill(iv);
  // Build Payloads || Padding (zeros) || Pad Length in place, then encrypt it in place.
  std::copy(plaintext.begin(), plaintext.end(), body.begin());
  body[padded_size - 1] = static_cast<uint8_t>(pad_length);
  if (aead_) {
    uint8_t nonce[Aead::kNonceSize];
    std::copy(salt_.begin(), salt_.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + salt_.size());
    // Seal writes ciphertext || tag, which is exactly body || icv (contiguous).
    IKEWOT_RETURN_IF_ERROR(aead_->Seal(nonce, associated, body,
                                       std::span<uint8_t>(body.data(), padded_size + icv_size_)));
    return out;
  }
  IKEWOT_RETURN_IF_ERROR(cbc_->Encrypt(iv, body, body));
  uint8_t full_mac[EVP_MAX_MD_SIZE];
  std::span<uint8_t> mac(full_mac, integ_->output_size());
  IKEWOT_RETURN_IF_ERROR(integ_->Compute({associated, iv, body}, mac));
  std::copy(mac.begin(), mac.begin() + icv_size_, icv.begin());
  return out;
}

Result<Bytes> SkCipher::Decrypt(ByteView associated, ByteView iv_ciphertext_icv) {
  Reader reader(iv_ciphertext_icv);
  ByteView iv;
  if (!reader.ReadBytes(encr_.iv_size, &iv)) return AuthFailure("SK payload shorter than its IV");
  // The ciphertext holds at least the Pad Length octet, in whole blocks.
  const size_t min_body = encr_.block_size;
  if (reader.remaining() < min_body + icv_size_) return AuthFailure("SK payload too short");
  ByteView ciphertext;
  ByteView icv;
  if (!reader.ReadBytes(reader.remaining() - icv_size_, &ciphertext) ||
      !reader.ReadBytes(icv_size_, &icv) || !reader.empty()) {
    return AuthFailure("SK payload layout");
  }
  if (ciphertext.size() % encr_.block_size != 0) {
    return AuthFailure("SK ciphertext is not a whole number of blocks");
  }
  Bytes plain(ciphertext.size());
  if (aead_) {
    uint8_t nonce[Aead::kNonceSize];
    std::copy(salt_.begin(), salt_.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + salt_.size());
    const ByteView sealed(ciphertext.data(), ciphertext.size() + icv.size());
    if (!aead_->Open(nonce, associated, sealed, plain).ok()) {
      return AuthFailure("SK payload failed its integrity check");
    }
  } else {
    uint8_t full_mac[EVP_MAX_MD_SIZE];
    std::span<uint8_t> mac(full_mac, integ_->output_size());
    IKEWOT_RETURN_IF_ERROR(integ_->Compute({associated, iv, ciphertext}, mac));
    if (!ConstantTimeEqual(ByteView(full_mac, icv_size_), icv)) {
      return AuthFailure("SK payload failed its integrity check");
    }
    IKEWOT_RETURN_IF_ERROR(cbc_->Decrypt(iv, ciphertext, plain));
  }
  // Authentic from here on. The receiver accepts any padding that keeps the alignment (§3.14),
  // but the Pad Length must fit inside the decrypted data.
  const size_t pad_length = plain.back();
  if (pad_length + 1 > plain.size()) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return AuthFailure("SK Pad Length exceeds the decrypted data");
  }
  OPENSSL_cleanse(plain.data() + plain.size() - pad_length - 1, pad_length + 1);
  plain.resize(plain.size() - pad_length - 1);
  return plain;
}

}  // namespace ikewot::crypto
