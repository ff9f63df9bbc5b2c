#include "core/crypto/transforms.h"

#include <string>

namespace ikewot::crypto {

Result<EncrProperties> LookupEncr(uint16_t encr_id, uint16_t key_bits) {
  EncrProperties p;
  switch (encr_id) {
    case kEncrAesCbc:
      p.iv_size = 16;
      p.block_size = 16;
      if (key_bits == 128) p.cipher_name = "AES-128-CBC";
      if (key_bits == 192) p.cipher_name = "AES-192-CBC";
      if (key_bits == 256) p.cipher_name = "AES-256-CBC";
      break;
    case kEncrAesGcm8:
    case kEncrAesGcm12:
    case kEncrAesGcm16:
      // RFC 5282 §7.1: 4-octet salt after the key, 8-octet explicit IV.
      p.aead = true;
      p.salt_size = 4;
      p.iv_size = 8;
      p.icv_size = encr_id == kEncrAesGcm8 ? 8 : encr_id == kEncrAesGcm12 ? 12 : 16;
      if (key_bits == 128) p.cipher_name = "AES-128-GCM";
      if (key_bits == 192) p.cipher_name = "AES-192-GCM";
      if (key_bits == 256) p.cipher_name = "AES-256-GCM";
      break;
    case kEncrChaCha20Poly1305:
      // RFC 7634 §2/§3: 256-bit key only, the Key Length attribute must not be sent.
      p.aead = true;
      p.salt_size = 4;
      p.iv_size = 8;
      p.icv_size = 16;
      if (key_bits == 0 || key_bits == 256) {
        p.cipher_name = "ChaCha20-Poly1305";
        key_bits = 256;
      }
      break;
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "encryption transform " + std::to_string(encr_id) + " is not supported");
  }
  if (p.cipher_name.empty()) {
    return MakeError(ErrorCode::kUnsupported, "encryption transform " + std::to_string(encr_id) +
                                                  " does not support a " +
                                                  std::to_string(key_bits) + "-bit key");
  }
  p.key_size = key_bits / 8;
  return p;
}

Result<IntegProperties> LookupInteg(uint16_t integ_id) {
  switch (integ_id) {
    case kIntegHmacSha1_96:
      return IntegProperties{20, 12, "SHA1"};
    case kIntegHmacSha2_256_128:
      return IntegProperties{32, 16, "SHA2-256"};
    case kIntegHmacSha2_384_192:
      return IntegProperties{48, 24, "SHA2-384"};
    case kIntegHmacSha2_512_256:
      return IntegProperties{64, 32, "SHA2-512"};
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "integrity transform " + std::to_string(integ_id) + " is not supported");
  }
}

}  // namespace ikewot::crypto
