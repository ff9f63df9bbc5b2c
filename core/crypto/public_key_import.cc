#include "core/crypto/public_key_import.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/crypto/der_reader.h"

namespace ikewot::crypto {
namespace {

// Algorithm OIDs (contents octets) and the named-curve parameters (whole TLVs) we import
// directly: RFC 8410 §3 (EdDSA), RFC 5480 §2.1.1 (EC), RFC 3279 §2.3.1 (RSA, NULL parameters).
constexpr uint8_t kOidEd25519[] = {0x2b, 0x65, 0x70};
constexpr uint8_t kOidEd448[] = {0x2b, 0x65, 0x71};
constexpr uint8_t kOidEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
constexpr uint8_t kOidRsaEncryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
constexpr uint8_t kDerNull[] = {0x05, 0x00};

struct NamedCurve {
  std::array<uint8_t, 10> parameters;  // the OID TLV
  size_t size;
  const char* group_name;
};
constexpr NamedCurve kNamedCurves[] = {
    {{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 10, "P-256"},
    {{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22}, 7, "P-384"},
    {{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23}, 7, "P-521"},
};

bool Is(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

// The error Certificate::public_key has always given for a key OpenSSL cannot build.
Error Undecodable(ByteView algorithm_oid) {
  std::string name = "unknown algorithm";
  Bytes tlv = {0x06, static_cast<uint8_t>(algorithm_oid.size())};
  tlv.insert(tlv.end(), algorithm_oid.begin(), algorithm_oid.end());
  const unsigned char* cursor = tlv.data();
  ASN1_OBJECT* oid = algorithm_oid.size() < 0x80
                         ? d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(tlv.size()))
                         : nullptr;
  char text[80];
  if (oid != nullptr && OBJ_obj2txt(text, sizeof(text), oid, 0) > 0) name = text;
  ASN1_OBJECT_free(oid);
  ossl::DrainErrors();
  return MakeError(ErrorCode::kUnsupported,
                   "certificate key (" + name + ") cannot be decoded or is not supported");
}

// Today's path: OpenSSL's decoders judge the whole SubjectPublicKeyInfo.
Result<PublicKey> ViaDecoder(const SubjectPublicKeyParts& parts) {
  const unsigned char* cursor = parts.spki.data();
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(parts.spki.size()));
  if (raw == nullptr) return Undecodable(parts.algorithm_oid);
  return PublicKey::FromPkey(ossl::PkeyPtr(raw));
}

Result<ossl::PkeyPtr> FromData(const char* type, OSSL_PARAM* params, const char* what) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kInvalidPublicKey, std::string(what) + " public key is not valid" +
                                                       (why.empty() ? "" : ": " + why));
  }
  return ossl::PkeyPtr(raw);
}

Result<ossl::PkeyPtr> EcFromData(const char* group_name, ByteView point) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group_name),
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end(),
  };
  return FromData("EC", params, "EC");
}

// Domain parameters only (no key) of one named curve, or null if OpenSSL cannot build them.
EVP_PKEY* MakeCurveParameters(const char* group_name) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group_name),
                                       0),
      OSSL_PARAM_construct_end(),
  };
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEY_PARAMETERS, params) != 1) {
    ossl::DrainErrors();
    return nullptr;
  }
  return raw;
}

// The curve's parameters, built once per process and never modified afterwards (so shared
// across threads): EVP_PKEY_fromdata would rebuild the EC_GROUP, Montgomery constants and a
// modular inverse included, for every key, which was most of a P-256 key import.
const EVP_PKEY* CurveParameters(std::string_view group_name) {
  static EVP_PKEY* const kP256 = MakeCurveParameters("P-256");
  static EVP_PKEY* const kP384 = MakeCurveParameters("P-384");
  static EVP_PKEY* const kP521 = MakeCurveParameters("P-521");
  if (group_name == "P-256") return kP256;
  if (group_name == "P-384") return kP384;
  if (group_name == "P-521") return kP521;
  return nullptr;
}

// An EC public key on a named curve from its encoded point (SEC 1 §2.3.3; OpenSSL checks the
// point is on the curve as it decodes it).
Result<ossl::PkeyPtr> EcFromPoint(const char* group_name, ByteView point) {
  const EVP_PKEY* parameters = CurveParameters(group_name);
  if (parameters == nullptr) return EcFromData(group_name, point);
  ossl::PkeyPtr key(EVP_PKEY_dup(const_cast<EVP_PKEY*>(parameters)));
  if (!key) return ossl::CryptoError("EVP_PKEY_dup of the curve parameters");
  if (EVP_PKEY_set1_encoded_public_key(key.get(), point.data(), point.size()) != 1) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kInvalidPublicKey,
                     "EC public key is not valid" + (why.empty() ? "" : ": " + why));
  }
  return key;
}

Result<ossl::PkeyPtr> RsaFromParts(const BIGNUM* n, const BIGNUM* e) {
  ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1) {
    return ossl::CryptoError("building RSA public key parameters");
  }
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  if (!params) return ossl::CryptoError("OSSL_PARAM_BLD_to_param");
  return FromData("RSA", params.get(), "RSA");
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }  (RFC 8017 §A.1.1).
// Returns nullopt when the key is not in the plain form we import (then the decoder judges).
std::optional<std::pair<ByteView, ByteView>> RsaIntegers(ByteView key_bits) {
  Reader in(key_bits);
  der::Element sequence;
  ByteView n, e;
  if (!der::ReadTagged(in, der::kSequence, &sequence, "RSAPublicKey").ok() || !in.empty() ||
      !der::ReadInteger(sequence.contents, &n, "modulus").ok() ||
      !der::ReadInteger(sequence.contents, &e, "publicExponent").ok() ||
      !sequence.contents.empty() || (n[0] & 0x80) != 0 || (e[0] & 0x80) != 0) {
    return std::nullopt;
  }
  return std::make_pair(n, e);
}

Result<PublicKey> Adopt(Result<ossl::PkeyPtr> pkey, ByteView algorithm_oid) {
  if (!pkey.ok()) return Undecodable(algorithm_oid);
  return PublicKey::FromPkey(std::move(pkey).value());
}

Result<ossl::PkeyPtr> SpkiRoundTrip(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey, &der);
  if (len <= 0) return ossl::CryptoError("i2d_PUBKEY");
  const unsigned char* cursor = der;
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, len);
  OPENSSL_free(der);
  if (raw == nullptr) return ossl::CryptoError("d2i_PUBKEY");
  return ossl::PkeyPtr(raw);
}

}  // namespace

Result<PublicKey> ImportSubjectPublicKey(const SubjectPublicKeyParts& parts) {
  const ByteView oid = parts.algorithm_oid;
  const ByteView bits = parts.key_bits;
  if ((Is(oid, kOidEd25519) && bits.size() == 32) || (Is(oid, kOidEd448) && bits.size() == 57)) {
    if (parts.parameters) return ViaDecoder(parts);  // RFC 8410: parameters MUST be absent
    const char* name = bits.size() == 32 ? "ED25519" : "ED448";
    EVP_PKEY* raw =
        EVP_PKEY_new_raw_public_key_ex(nullptr, name, nullptr, bits.data(), bits.size());
    if (raw == nullptr) return Undecodable(oid);
    return PublicKey::FromPkey(ossl::PkeyPtr(raw));
  }
  if (Is(oid, kOidEcPublicKey) && parts.parameters && !bits.empty()) {
    for (const NamedCurve& curve : kNamedCurves) {
      if (Is(*parts.parameters, ByteView(curve.parameters.data(), curve.size))) {
        return Adopt(EcFromPoint(curve.group_name, bits), oid);
      }
    }
    return ViaDecoder(parts);  // explicit or other curves
  }
  if (Is(oid, kOidRsaEncryption) && parts.parameters && Is(*parts.parameters, kDerNull)) {
    auto integers = RsaIntegers(bits);
    if (!integers) return ViaDecoder(parts);
    ossl::BnPtr n(
        BN_bin2bn(integers->first.data(), static_cast<int>(integers->first.size()), nullptr));
    ossl::BnPtr e(
        BN_bin2bn(integers->second.data(), static_cast<int>(integers->second.size()), nullptr));
    if (!n || !e) return ossl::CryptoError("BN_bin2bn for an RSA public key");
    return Adopt(RsaFromParts(n.get(), e.get()), oid);
  }
  return ViaDecoder(parts);
}

Result<ossl::PkeyPtr> PublicHalfOf(EVP_PKEY* pkey) {
  if (pkey == nullptr) return MakeError(ErrorCode::kInvalidArgument, "null key");
  const bool ed25519 = EVP_PKEY_is_a(pkey, "ED25519") == 1;
  if (ed25519 || EVP_PKEY_is_a(pkey, "ED448") == 1) {
    std::array<uint8_t, 57> raw_key;
    size_t len = raw_key.size();
    if (EVP_PKEY_get_raw_public_key(pkey, raw_key.data(), &len) != 1) {
      return ossl::CryptoError("EVP_PKEY_get_raw_public_key");
    }
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key_ex(nullptr, ed25519 ? "ED25519" : "ED448", nullptr,
                                                   raw_key.data(), len);
    if (raw == nullptr) return ossl::CryptoError("EVP_PKEY_new_raw_public_key_ex");
    return ossl::PkeyPtr(raw);
  }
  if (EVP_PKEY_is_a(pkey, "EC") == 1) {
    char group[64];
    size_t group_len = 0;
    std::array<uint8_t, 160> point;  // P-521 uncompressed: 133 octets
    size_t point_len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_len) != 1 ||
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(),
                                        &point_len) != 1) {
      ossl::DrainErrors();
      return SpkiRoundTrip(pkey);  // explicit curve parameters: let the encoder/decoder handle it
    }
    return EcFromPoint(group, ByteView(point.data(), point_len));
  }
  if (EVP_PKEY_is_a(pkey, "RSA") == 1) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
      BN_free(n);
      return ossl::CryptoError("reading the RSA public key parameters");
    }
    ossl::BnPtr n_owned(n), e_owned(e);
    return RsaFromParts(n, e);
  }
  return SpkiRoundTrip(pkey);
}

}  // namespace ikewot::crypto
