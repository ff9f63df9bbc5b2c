#include "core/esp/esp_cipher.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string>

#include "core/crypto/transforms.h"

namespace ikewot::esp {
namespace {

Error AuthFailure(const char* why) { return MakeError(ErrorCode::kAuthFailure, why); }

// AEAD associated data (RFC 4106 §5): 8 octets, or 12 with the ESN high half in the middle.
size_t BuildAad(ByteView header, std::optional<uint32_t> esn_high, uint8_t (&aad)[12]) {
  std::copy(header.begin(), header.begin() + 4, aad);
  if (!esn_high) {
    std::copy(header.begin() + 4, header.begin() + 8, aad + 4);
    return 8;
  }
  aad[4] = static_cast<uint8_t>(*esn_high >> 24);
  aad[5] = static_cast<uint8_t>(*esn_high >> 16);
  aad[6] = static_cast<uint8_t>(*esn_high >> 8);
  aad[7] = static_cast<uint8_t>(*esn_high);
  std::copy(header.begin() + 4, header.begin() + 8, aad + 8);
  return 12;
}

void BigEndian32(uint32_t v, uint8_t (&out)[4]) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

}  // namespace

Result<EspCipher> EspCipher::Create(const engine::EspSuiteChoice& suite, ByteView encr_key,
                                    ByteView integ_key) {
  auto encr = crypto::LookupEncr(suite.encr.id, suite.encr.key_bits);
  if (!encr.ok()) return encr.error();
  const size_t expected = encr->key_size + encr->salt_size;
  if (encr_key.size() != expected) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ESP encryption key must be " + std::to_string(expected) +
                         " octets for transform " + std::to_string(suite.encr.id) + ", got " +
                         std::to_string(encr_key.size()));
  }
  EspCipher cipher;
  cipher.iv_size_ = encr->iv_size;
  const ByteView key = encr_key.first(encr->key_size);
  if (encr->aead) {
    if (suite.integ != crypto::kIntegNone || !integ_key.empty()) {
      return MakeError(ErrorCode::kUnsupported,
                       "an AEAD ESP transform must not be combined with an integrity transform");
    }
    const auto algorithm = suite.encr.id == crypto::kEncrChaCha20Poly1305
                               ? crypto::AeadAlgorithm::kChaCha20Poly1305
                               : crypto::AeadAlgorithm::kAesGcm;
    auto aead = crypto::Aead::Create(algorithm, key, encr->icv_size);
    if (!aead.ok()) return aead.error();
    cipher.aead_.emplace(std::move(*aead));
    cipher.salt_.assign(encr_key.begin() + encr->key_size, encr_key.end());
    cipher.icv_size_ = encr->icv_size;
    cipher.alignment_ = 4;  // stream-like AEADs: only the 4-octet ICV alignment (RFC 4106 §3.2)
    return cipher;
  }
  auto integ = crypto::LookupInteg(suite.integ);
  if (!integ.ok()) return integ.error();
  if (integ_key.size() != integ->key_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ESP integrity key must be " + std::to_string(integ->key_size) +
                         " octets for transform " + std::to_string(suite.integ) + ", got " +
                         std::to_string(integ_key.size()));
  }
  auto cbc = crypto::AesCbc::Create(key);
  if (!cbc.ok()) return cbc.error();
  auto mac = crypto::Mac::CreateHmac(integ->digest_name, integ_key);
  if (!mac.ok()) return mac.error();
  cipher.cbc_.emplace(std::move(*cbc));
  cipher.integ_.emplace(std::move(*mac));
  cipher.icv_size_ = integ->icv_size;
  cipher.alignment_ = crypto::AesCbc::kBlockSize;
  return cipher;
}

Status EspCipher::Seal(ByteView header, std::optional<uint32_t> esn_high, ByteView iv,
                       std::span<uint8_t> body, std::span<uint8_t> icv) {
  if (header.size() != 8 || iv.size() != iv_size_ || icv.size() != icv_size_ ||
      body.size() % alignment_ != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "ESP seal: inconsistent sizes");
  }
  if (aead_) {
    uint8_t nonce[crypto::Aead::kNonceSize];
    std::copy(salt_.begin(), salt_.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + salt_.size());
    uint8_t aad[12];
    const size_t aad_size = BuildAad(header, esn_high, aad);
    // Seal writes ciphertext || tag; body and icv are adjacent in the packet but not
    // necessarily here, so seal into a scratch buffer when they are not.
    if (body.data() + body.size() == icv.data()) {
      return aead_->Seal(nonce, ByteView(aad, aad_size), body,
                         std::span<uint8_t>(body.data(), body.size() + icv.size()));
    }
    Bytes sealed(body.size() + icv.size());
    IKEWOT_RETURN_IF_ERROR(aead_->Seal(nonce, ByteView(aad, aad_size), body, sealed));
    std::copy(sealed.begin(), sealed.begin() + body.size(), body.begin());
    std::copy(sealed.begin() + body.size(), sealed.end(), icv.begin());
    return Status::Ok();
  }
  IKEWOT_RETURN_IF_ERROR(cbc_->Encrypt(iv, body, body));
  uint8_t full[EVP_MAX_MD_SIZE];
  std::span<uint8_t> mac(full, integ_->output_size());
  uint8_t high[4] = {};
  if (esn_high) BigEndian32(*esn_high, high);
  IKEWOT_RETURN_IF_ERROR(
      integ_->Compute({header, iv, body, ByteView(high, esn_high ? 4 : 0)}, mac));
  std::copy(full, full + icv_size_, icv.begin());
  return Status::Ok();
}

Status EspCipher::Open(ByteView header, std::optional<uint32_t> esn_high, ByteView iv,
                       ByteView ciphertext, ByteView icv, std::span<uint8_t> out) {
  if (header.size() != 8 || iv.size() != iv_size_ || icv.size() != icv_size_ ||
      out.size() != ciphertext.size() || ciphertext.size() % alignment_ != 0) {
    return AuthFailure("ESP open: inconsistent sizes");
  }
  if (aead_) {
    uint8_t nonce[crypto::Aead::kNonceSize];
    std::copy(salt_.begin(), salt_.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + salt_.size());
    uint8_t aad[12];
    const size_t aad_size = BuildAad(header, esn_high, aad);
    Bytes sealed;
    ByteView sealed_view;
    if (ciphertext.data() + ciphertext.size() == icv.data()) {
      sealed_view = ByteView(ciphertext.data(), ciphertext.size() + icv.size());
    } else {
      sealed = Concat({ciphertext, icv});
      sealed_view = sealed;
    }
    if (!aead_->Open(nonce, ByteView(aad, aad_size), sealed_view, out).ok()) {
      return AuthFailure("ESP packet failed its integrity check");
    }
    return Status::Ok();
  }
  uint8_t full[EVP_MAX_MD_SIZE];
  std::span<uint8_t> mac(full, integ_->output_size());
  uint8_t high[4] = {};
  if (esn_high) BigEndian32(*esn_high, high);
  IKEWOT_RETURN_IF_ERROR(
      integ_->Compute({header, iv, ciphertext, ByteView(high, esn_high ? 4 : 0)}, mac));
  if (!ConstantTimeEqual(ByteView(full, icv_size_), icv)) {
    return AuthFailure("ESP packet failed its integrity check");
  }
  return cbc_->Decrypt(iv, ciphertext, out);
}

}  // namespace ikewot::esp
