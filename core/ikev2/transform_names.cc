// Names of the transform registries (RFC 7296 §3.3.2 and later registrations); declared in
// constants.h.
#include "core/ikev2/constants.h"
#include "core/ikev2/internal/unknown_name.h"

namespace ikewot::ikev2 {

using internal::UnknownName;

std::string_view EncrIdName(uint16_t id) {
  switch (id) {
    case 1:
      return "DES_IV64";
    case 2:
      return "DES";
    case 3:
      return "3DES";
    case 4:
      return "RC5";
    case 5:
      return "IDEA";
    case 6:
      return "CAST";
    case 7:
      return "BLOWFISH";
    case 8:
      return "3IDEA";
    case 9:
      return "DES_IV32";
    case 11:
      return "NULL";
    case 12:
      return "AES_CBC";
    case 13:
      return "AES_CTR";
    case 14:
      return "AES_CCM_8";
    case 15:
      return "AES_CCM_12";
    case 16:
      return "AES_CCM_16";
    case 18:
      return "AES_GCM_8";
    case 19:
      return "AES_GCM_12";
    case 20:
      return "AES_GCM_16";
    case 21:
      return "NULL_AUTH_AES_GMAC";
    case 23:
      return "CAMELLIA_CBC";
    case 24:
      return "CAMELLIA_CTR";
    case 25:
      return "CAMELLIA_CCM_8";
    case 26:
      return "CAMELLIA_CCM_12";
    case 27:
      return "CAMELLIA_CCM_16";
    case 28:
      return "CHACHA20_POLY1305";
    case 29:
      return "AES_CCM_8_IIV";
    case 30:
      return "AES_GCM_16_IIV";
    case 31:
      return "CHACHA20_POLY1305_IIV";
    default:
      return UnknownName(id);
  }
}

std::string_view PrfIdName(uint16_t id) {
  switch (id) {
    case 1:
      return "PRF_HMAC_MD5";
    case 2:
      return "PRF_HMAC_SHA1";
    case 3:
      return "PRF_HMAC_TIGER";
    case 4:
      return "PRF_AES128_XCBC";
    case 5:
      return "PRF_HMAC_SHA2_256";
    case 6:
      return "PRF_HMAC_SHA2_384";
    case 7:
      return "PRF_HMAC_SHA2_512";
    case 8:
      return "PRF_AES128_CMAC";
    case 9:
      return "PRF_HMAC_STREEBOG_512";
    default:
      return UnknownName(id);
  }
}

std::string_view IntegIdName(uint16_t id) {
  switch (id) {
    case 0:
      return "NONE";
    case 1:
      return "AUTH_HMAC_MD5_96";
    case 2:
      return "AUTH_HMAC_SHA1_96";
    case 3:
      return "AUTH_DES_MAC";
    case 4:
      return "AUTH_KPDK_MD5";
    case 5:
      return "AUTH_AES_XCBC_96";
    case 6:
      return "AUTH_HMAC_MD5_128";
    case 7:
      return "AUTH_HMAC_SHA1_160";
    case 8:
      return "AUTH_AES_CMAC_96";
    case 9:
      return "AUTH_AES_128_GMAC";
    case 10:
      return "AUTH_AES_192_GMAC";
    case 11:
      return "AUTH_AES_256_GMAC";
    case 12:
      return "AUTH_HMAC_SHA2_256_128";
    case 13:
      return "AUTH_HMAC_SHA2_384_192";
    case 14:
      return "AUTH_HMAC_SHA2_512_256";
    default:
      return UnknownName(id);
  }
}

std::string_view DhGroupName(uint16_t id) {
  switch (id) {
    case 0:
      return "NONE";
    case 1:
      return "MODP_768";
    case 2:
      return "MODP_1024";
    case 5:
      return "MODP_1536";
    case 14:
      return "MODP_2048";
    case 15:
      return "MODP_3072";
    case 16:
      return "MODP_4096";
    case 17:
      return "MODP_6144";
    case 18:
      return "MODP_8192";
    case 19:
      return "ECP_256";
    case 20:
      return "ECP_384";
    case 21:
      return "ECP_521";
    case 22:
      return "MODP_1024_160";
    case 23:
      return "MODP_2048_224";
    case 24:
      return "MODP_2048_256";
    case 25:
      return "ECP_192";
    case 26:
      return "ECP_224";
    case 27:
      return "ECP_224_BP";
    case 28:
      return "ECP_256_BP";
    case 29:
      return "ECP_384_BP";
    case 30:
      return "ECP_512_BP";
    case 31:
      return "CURVE_25519";
    case 32:
      return "CURVE_448";
    case 33:
      return "GOST3410_2012_256";
    case 34:
      return "GOST3410_2012_512";
    case 35:
      return "ML_KEM_512";
    case 36:
      return "ML_KEM_768";
    case 37:
      return "ML_KEM_1024";
    default:
      return UnknownName(id);
  }
}

std::string_view EsnIdName(uint16_t id) {
  switch (id) {
    case 0:
      return "NO_ESN";
    case 1:
      return "ESN";
    default:
      return UnknownName(id);
  }
}

std::string_view TransformIdName(uint8_t transform_type, uint16_t id) {
  switch (transform_type) {
    case 1:
      return EncrIdName(id);
    case 2:
      return PrfIdName(id);
    case 3:
      return IntegIdName(id);
    case 5:
      return EsnIdName(id);
    default:
      if (IsKeyExchangeTransformType(transform_type)) return DhGroupName(id);
      return UnknownName(id);
  }
}

std::string_view TransformAttributeTypeName(uint16_t type) {
  return type == 14 ? "Key Length" : UnknownName(type);
}

bool IsAeadEncrId(uint16_t id) {
  switch (static_cast<EncrId>(id)) {
    case EncrId::kAesCcm8:
    case EncrId::kAesCcm12:
    case EncrId::kAesCcm16:
    case EncrId::kAesGcm8:
    case EncrId::kAesGcm12:
    case EncrId::kAesGcm16:
    case EncrId::kNullAuthAesGmac:
    case EncrId::kCamelliaCcm8:
    case EncrId::kCamelliaCcm12:
    case EncrId::kCamelliaCcm16:
    case EncrId::kChaCha20Poly1305:
    case EncrId::kAesCcm8Iiv:
    case EncrId::kAesGcm16Iiv:
    case EncrId::kChaCha20Poly1305Iiv:
      return true;
    default:
      return false;
  }
}

bool IsKeyExchangeTransformType(uint8_t type) {
  return type == static_cast<uint8_t>(TransformType::kKeyExchange) ||
         (type >= static_cast<uint8_t>(TransformType::kAdditionalKe1) &&
          type <= static_cast<uint8_t>(TransformType::kAdditionalKe7));
}

}  // namespace ikewot::ikev2
