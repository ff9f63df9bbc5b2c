#include "core/crypto/identity.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <array>
#include <utility>

#include "core/crypto/identity_pem.h"
#include "core/crypto/public_key_import.h"

namespace ikewot::crypto {
namespace {

using EcGroupPtr = std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, ossl::Deleter<EC_POINT_free>>;
using SecretBnPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BN_clear_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO_free>>;

// A key or SubjectPublicKeyInfo is a few hundred bytes (RSA-4096 PKCS#8 is ~2.4 KB).
constexpr size_t kMaxKeyDer = 16 * 1024;
// P-256's order is just below 2^256, so one draw almost always suffices; 64 failures in a row
// would mean a broken Rng, not bad luck (probability < 2^-2000).
constexpr int kMaxScalarDraws = 64;

struct KeyTypeInfo {
  KeyType type;
  std::string_view name;
};
constexpr std::array<KeyTypeInfo, 7> kKeyTypes = {{
    {KeyType::kEcdsaP256, "ecdsa-p256"},
    {KeyType::kEcdsaP384, "ecdsa-p384"},
    {KeyType::kEcdsaP521, "ecdsa-p521"},
    {KeyType::kEd25519, "ed25519"},
    {KeyType::kRsa2048, "rsa2048"},
    {KeyType::kRsa3072, "rsa3072"},
    {KeyType::kRsa4096, "rsa4096"},
}};

struct Curve {
  int nid;
  const char* group_name;  // OpenSSL provider name
};

Curve CurveFor(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP384:
      return {NID_secp384r1, "P-384"};
    case KeyType::kEcdsaP521:
      return {NID_secp521r1, "P-521"};
    default:
      return {NID_X9_62_prime256v1, "P-256"};
  }
}

int RsaBits(KeyType type) {
  switch (type) {
    case KeyType::kRsa3072:
      return 3072;
    case KeyType::kRsa4096:
      return 4096;
    default:
      return 2048;
  }
}

struct Classified {
  KeyType type;
  int bits;
};

// Maps an OpenSSL key to a KeyType, refusing anything we do not sign or verify with.
Result<Classified> Classify(EVP_PKEY* pkey) {
  int bits = EVP_PKEY_get_bits(pkey);
  if (EVP_PKEY_is_a(pkey, "ED25519")) return Classified{KeyType::kEd25519, 256};
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[80];
    size_t group_len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &group_len) != 1) {
      ossl::DrainErrors();
      return MakeError(ErrorCode::kUnsupported,
                       "EC key with explicit or unnamed curve parameters is not supported");
    }
    switch (OBJ_sn2nid(group)) {
      case NID_X9_62_prime256v1:
        return Classified{KeyType::kEcdsaP256, bits};
      case NID_secp384r1:
        return Classified{KeyType::kEcdsaP384, bits};
      case NID_secp521r1:
        return Classified{KeyType::kEcdsaP521, bits};
      default:
        return MakeError(ErrorCode::kUnsupported, std::string("EC curve ") + group +
                                                      " is not supported (P-256, P-384, P-521)");
    }
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    switch (bits) {
      case 2048:
        return Classified{KeyType::kRsa2048, bits};
      case 3072:
        return Classified{KeyType::kRsa3072, bits};
      case 4096:
        return Classified{KeyType::kRsa4096, bits};
      default:
        return MakeError(ErrorCode::kUnsupported, "RSA modulus of " + std::to_string(bits) +
                                                      " bits is not supported (2048, 3072, 4096)");
    }
  }
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return MakeError(ErrorCode::kUnsupported, std::string("key algorithm ") +
                                                (name ? name : "(unknown)") + " is not supported");
}

Result<ossl::PkeyPtr> GenerateEcdsa(KeyType type, Rng& rng) {
  Curve curve = CurveFor(type);
  EcGroupPtr group(EC_GROUP_new_by_curve_name(curve.nid));
  ossl::BnCtxPtr bn_ctx(BN_CTX_new());
  SecretBnPtr scalar(BN_secure_new());
  if (!group || !bn_ctx || !scalar) return ossl::CryptoError("allocating EC key generation state");
  const BIGNUM* order = EC_GROUP_get0_order(group.get());
  const int order_bits = BN_num_bits(order);
  Bytes draw(static_cast<size_t>(order_bits + 7) / 8);
  const uint8_t top_mask = static_cast<uint8_t>(0xff >> (draw.size() * 8 - order_bits));
  bool in_range = false;
  for (int i = 0; i < kMaxScalarDraws && !in_range; ++i) {
    rng.Fill(draw);
    draw[0] &= top_mask;  // same bit length as n, so a draw is below n with probability > 1/2
    if (BN_bin2bn(draw.data(), static_cast<int>(draw.size()), scalar.get()) == nullptr) {
      OPENSSL_cleanse(draw.data(), draw.size());
      return ossl::CryptoError("BN_bin2bn for the EC private scalar");
    }
    in_range = !BN_is_zero(scalar.get()) && BN_cmp(scalar.get(), order) < 0;
  }
  OPENSSL_cleanse(draw.data(), draw.size());
  if (!in_range) {
    return MakeError(ErrorCode::kCryptoFailure, "the Rng gave no EC scalar in [1, n-1] in " +
                                                    std::to_string(kMaxScalarDraws) + " draws");
  }

  EcPointPtr point(EC_POINT_new(group.get()));
  if (!point ||
      EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, bn_ctx.get()) != 1) {
    return ossl::CryptoError("EC_POINT_mul deriving the public point");
  }
  size_t point_len = EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                                        nullptr, 0, bn_ctx.get());
  Bytes public_point(point_len);
  if (point_len == 0 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         public_point.data(), public_point.size(), bn_ctx.get()) != point_len) {
    return ossl::CryptoError("EC_POINT_point2oct encoding the public point");
  }

  ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group_name,
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, public_point.data(),
                                       public_point.size()) != 1) {
    return ossl::CryptoError("building EC key parameters");
  }
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return ossl::CryptoError("EVP_PKEY_fromdata importing the EC key");
  }
  return ossl::PkeyPtr(raw);
}

Result<ossl::PkeyPtr> GenerateEd25519(Rng& rng) {
  std::array<uint8_t, 32> secret;
  rng.Fill(secret);
  EVP_PKEY* raw =
      EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, secret.data(), secret.size());
  OPENSSL_cleanse(secret.data(), secret.size());
  if (raw == nullptr) return ossl::CryptoError("EVP_PKEY_new_raw_private_key_ex (Ed25519)");
  return ossl::PkeyPtr(raw);
}

Result<ossl::PkeyPtr> GenerateRsa(KeyType type) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), RsaBits(type)) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return ossl::CryptoError("RSA key generation");
  }
  return ossl::PkeyPtr(raw);
}

Result<Bytes> SpkiDer(EVP_PKEY* pkey) {
  int len = i2d_PUBKEY(pkey, nullptr);
  if (len <= 0) return ossl::CryptoError("i2d_PUBKEY");
  Bytes der(static_cast<size_t>(len));
  unsigned char* out = der.data();
  if (i2d_PUBKEY(pkey, &out) != len) return ossl::CryptoError("i2d_PUBKEY");
  return der;
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  for (const KeyTypeInfo& info : kKeyTypes) {
    if (info.type == type) return info.name;
  }
  return "unknown";
}

std::optional<KeyType> ParseKeyType(std::string_view name) {
  for (const KeyTypeInfo& info : kKeyTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

bool IsEcdsa(KeyType type) {
  return type == KeyType::kEcdsaP256 || type == KeyType::kEcdsaP384 || type == KeyType::kEcdsaP521;
}

bool IsRsa(KeyType type) {
  return type == KeyType::kRsa2048 || type == KeyType::kRsa3072 || type == KeyType::kRsa4096;
}

// ---------------------------------------------------------------------------------------------
// PublicKey

Result<PublicKey> PublicKey::FromSpkiDer(ByteView der) {
  if (der.empty()) return MakeError(ErrorCode::kTruncated, "empty SubjectPublicKeyInfo");
  if (der.size() > kMaxKeyDer) {
    return MakeError(
        ErrorCode::kLimitExceeded,
        "SubjectPublicKeyInfo of " + std::to_string(der.size()) + " bytes is too large");
  }
  const unsigned char* cursor = der.data();
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
  if (raw == nullptr) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "not a DER SubjectPublicKeyInfo: " + why);
  }
  ossl::PkeyPtr pkey(raw);
  size_t consumed = static_cast<size_t>(cursor - der.data());
  if (consumed != der.size()) {
    return MakeError(
        ErrorCode::kTrailingData,
        std::to_string(der.size() - consumed) + " bytes after the SubjectPublicKeyInfo", consumed);
  }
  return FromPkey(std::move(pkey));
}

Result<PublicKey> PublicKey::FromPkey(ossl::PkeyPtr pkey) {
  if (!pkey) return MakeError(ErrorCode::kInvalidArgument, "null public key");
  auto classified = Classify(pkey.get());
  if (!classified.ok()) return classified.error();
  if (IsEcdsa(classified->type)) {
    // d2i already decoded the point onto the curve; this also rejects the point at infinity.
    // The quick check (on the curve, not infinity) is complete here: P-256/384/521 have
    // cofactor 1, so every other curve point has order n, and the full check's extra n*Q
    // scalar multiplication (about an ECDSA verification) proves nothing more.
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_public_check_quick(ctx.get()) != 1) {
      std::string why = ossl::DrainErrors();
      return MakeError(ErrorCode::kInvalidPublicKey, "EC public key fails validation: " + why);
    }
  }
  std::shared_ptr<EVP_PKEY> shared(pkey.release(), EVP_PKEY_free);
  return PublicKey(std::move(shared), classified->type, classified->bits);
}

Result<Bytes> PublicKey::ToSpkiDer() const { return SpkiDer(pkey_.get()); }

bool PublicKey::Equals(const PublicKey& other) const {
  return EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
}

// ---------------------------------------------------------------------------------------------
// PrivateKey

Result<PrivateKey> PrivateKey::FromPkey(ossl::PkeyPtr pkey) {
  // The public half goes through the same validation as a peer's key (built from its raw
  // parts: a DER round trip through OpenSSL's decoders cost a quarter of node set-up).
  auto public_half = PublicHalfOf(pkey.get());
  if (!public_half.ok()) return public_half.error();
  auto public_key = PublicKey::FromPkey(std::move(public_half).value());
  if (!public_key.ok()) return public_key.error();
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue,
                     "private key does not match its public key (pairwise check): " + why);
  }
  return PrivateKey(std::move(pkey), std::move(public_key).value());
}

Result<PrivateKey> PrivateKey::Generate(KeyType type, Rng& rng) {
  Result<ossl::PkeyPtr> pkey = MakeError(ErrorCode::kInvalidArgument, "unknown key type");
  if (IsEcdsa(type)) {
    pkey = GenerateEcdsa(type, rng);
  } else if (type == KeyType::kEd25519) {
    pkey = GenerateEd25519(rng);
  } else if (IsRsa(type)) {
    pkey = GenerateRsa(type);
  }
  if (!pkey.ok()) return pkey.error();
  return FromPkey(std::move(pkey).value());
}

Result<PrivateKey> PrivateKey::FromPkcs8Der(ByteView der) {
  if (der.empty()) return MakeError(ErrorCode::kTruncated, "empty PKCS#8 private key");
  if (der.size() > kMaxKeyDer) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "PKCS#8 private key of " + std::to_string(der.size()) + " bytes is too large");
  }
  const unsigned char* cursor = der.data();
  Pkcs8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
  if (!p8) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "not a DER PKCS#8 PrivateKeyInfo: " + why);
  }
  size_t consumed = static_cast<size_t>(cursor - der.data());
  if (consumed != der.size()) {
    return MakeError(ErrorCode::kTrailingData,
                     std::to_string(der.size() - consumed) + " bytes after the PKCS#8 structure",
                     consumed);
  }
  ossl::PkeyPtr pkey(EVP_PKCS82PKEY(p8.get()));
  if (!pkey) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "PKCS#8 holds no usable private key: " + why);
  }
  return FromPkey(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromPkcs8Pem(std::string_view pem) {
  auto blocks = ParsePemBlocks(pem);
  if (!blocks.ok()) return blocks.error();
  const PemBlock* key_block = nullptr;
  for (const PemBlock& block : *blocks) {
    if (block.label == "ENCRYPTED PRIVATE KEY") {
      return MakeError(ErrorCode::kUnsupported, "encrypted PKCS#8 keys are not supported");
    }
    if (block.label == "EC PRIVATE KEY" || block.label == "RSA PRIVATE KEY") {
      return MakeError(ErrorCode::kUnsupported,
                       "'" + block.label +
                           "' is a traditional key format; convert it with "
                           "'openssl pkcs8 -topk8 -nocrypt'");
    }
    if (block.label == "PRIVATE KEY") {
      if (key_block != nullptr) {
        return MakeError(ErrorCode::kBadValue, "more than one PRIVATE KEY block");
      }
      key_block = &block;
    }
  }
  if (key_block == nullptr) {
    return MakeError(ErrorCode::kNotFound, "no '-----BEGIN PRIVATE KEY-----' block");
  }
  return FromPkcs8Der(key_block->der);
}

Result<Bytes> PrivateKey::ToPkcs8Der() const {
  Pkcs8Ptr p8(EVP_PKEY2PKCS8(pkey_.get()));
  if (!p8) return ossl::CryptoError("EVP_PKEY2PKCS8");
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
  if (len <= 0) return ossl::CryptoError("i2d_PKCS8_PRIV_KEY_INFO");
  Bytes der(static_cast<size_t>(len));
  unsigned char* out = der.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &out) != len) {
    OPENSSL_cleanse(der.data(), der.size());
    return ossl::CryptoError("i2d_PKCS8_PRIV_KEY_INFO");
  }
  return der;
}

Result<std::string> PrivateKey::ToPkcs8Pem() const {
  auto der = ToPkcs8Der();
  if (!der.ok()) return der.error();
  std::string pem = EncodePem("PRIVATE KEY", *der);
  OPENSSL_cleanse(der->data(), der->size());
  return pem;
}

}  // namespace ikewot::crypto
