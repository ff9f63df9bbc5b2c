#include "core/crypto/auth_signature.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <optional>

#include "core/crypto/ecdsa_format.h"

namespace ikewot::crypto {
namespace {

// A classic method fixes curve, hash and the width of r and s (RFC 4754 §7).
struct ClassicEcdsa {
  uint8_t method;
  KeyType key_type;
  uint16_t hash;
  size_t scalar_size;
};
constexpr std::array<ClassicEcdsa, 3> kClassicEcdsa = {{
    {kAuthMethodEcdsaSha256P256, KeyType::kEcdsaP256, kSigHashSha256, 32},
    {kAuthMethodEcdsaSha384P384, KeyType::kEcdsaP384, kSigHashSha384, 48},
    {kAuthMethodEcdsaSha512P521, KeyType::kEcdsaP521, kSigHashSha512, 66},
}};

const ClassicEcdsa* FindClassicEcdsa(uint8_t method) {
  for (const ClassicEcdsa& entry : kClassicEcdsa) {
    if (entry.method == method) return &entry;
  }
  return nullptr;
}

// nullptr for Identity (EdDSA hashes internally); callers check the hash is known first.
const EVP_MD* DigestFor(uint16_t hash) {
  switch (hash) {
    case kSigHashSha1:
      return EVP_sha1();
    case kSigHashSha256:
      return EVP_sha256();
    case kSigHashSha384:
      return EVP_sha384();
    default:
      return hash == kSigHashSha512 ? EVP_sha512() : nullptr;
  }
}

struct SigningParams {
  uint16_t hash;
  std::optional<int> pss_salt_length;  // set: RSASSA-PSS with MGF1 over the same hash

  // Everything a context is initialised with besides the key, as one SignatureTemplates key.
  uint64_t SetupCode(bool sign) const {
    const uint64_t salt =
        pss_salt_length ? (1ull << 32 | static_cast<uint32_t>(*pss_salt_length)) : 0;
    return static_cast<uint64_t>(hash) << 48 | salt << 1 | (sign ? 1 : 0);
  }
};

// One-shot sign/verify contexts: Ed25519 only supports the one-shot EVP_DigestSign/Verify.
Status InitContext(EVP_MD_CTX* ctx, EVP_PKEY* pkey, const SigningParams& params, bool sign,
                   PreparedCrypto* prepared) {
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = nullptr;
  if (const std::string_view name = SignatureDigestName(params.hash); !name.empty()) {
    md = prepared != nullptr ? prepared->Digest(name) : DigestFor(params.hash);
    if (md == nullptr) return ossl::CryptoError("fetching " + std::string(name));
  }
  int ok = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey)
                : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey);
  if (ok != 1) return ossl::CryptoError(sign ? "EVP_DigestSignInit" : "EVP_DigestVerifyInit");
  if (params.pss_salt_length) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, *params.pss_salt_length) != 1) {
      return ossl::CryptoError("configuring RSASSA-PSS");
    }
  } else if (EVP_PKEY_is_a(pkey, "RSA") &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return ossl::CryptoError("configuring RSA PKCS#1 v1.5");
  }
  return Status::Ok();
}

// EVP wants a non-null pointer even for an empty message (RFC 8032 test 1 signs "").
const unsigned char* MessagePointer(ByteView message) {
  static const unsigned char kEmpty = 0;
  return message.empty() ? &kEmpty : message.data();
}

// A context ready for one EVP_DigestSign/EVP_DigestVerify: a copy of the template for
// (pkey, params) when `templates` has one (made and kept on first use), else initialised here.
// The template itself is never used for an operation (one-shot calls finalise their context).
Result<ossl::MdCtxPtr> ReadyContext(EVP_PKEY* pkey, const SigningParams& params, bool sign,
                                    PreparedCrypto* prepared, SignatureTemplates* templates) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return ossl::CryptoError("EVP_MD_CTX_new");
  if (templates == nullptr) {
    IKEWOT_RETURN_IF_ERROR(InitContext(ctx.get(), pkey, params, sign, prepared));
    return ctx;
  }
  const uint64_t setup = params.SetupCode(sign);
  const EVP_MD_CTX* prepared_ctx = templates->Find(pkey, setup);
  if (prepared_ctx == nullptr) {
    ossl::MdCtxPtr fresh(EVP_MD_CTX_new());
    if (!fresh) return ossl::CryptoError("EVP_MD_CTX_new");
    IKEWOT_RETURN_IF_ERROR(InitContext(fresh.get(), pkey, params, sign, prepared));
    prepared_ctx = fresh.get();
    templates->Store(pkey, setup, std::move(fresh));
  }
  if (EVP_MD_CTX_copy_ex(ctx.get(), prepared_ctx) != 1) {
    return ossl::CryptoError("EVP_MD_CTX_copy_ex of a prepared signature context");
  }
  return ctx;
}

Result<Bytes> RawSign(EVP_PKEY* pkey, const SigningParams& params, ByteView message,
                      PreparedCrypto* prepared) {
  Result<ossl::MdCtxPtr> ctx = ReadyContext(pkey, params, /*sign=*/true, prepared,
                                            prepared != nullptr ? &prepared->signing() : nullptr);
  if (!ctx.ok()) return ctx.error();
  // The key's maximum signature size, so one EVP_DigestSign call does it (a size query first
  // would cost a second pass through the provider).
  const int max_size = EVP_PKEY_get_size(pkey);
  if (max_size <= 0) return ossl::CryptoError("EVP_PKEY_get_size");
  size_t size = static_cast<size_t>(max_size);
  Bytes signature(size);
  if (EVP_DigestSign(ctx->get(), signature.data(), &size, MessagePointer(message),
                     message.size()) != 1) {
    return ossl::CryptoError("EVP_DigestSign");
  }
  signature.resize(size);
  return signature;
}

Status RawVerify(EVP_PKEY* pkey, const SigningParams& params, ByteView message, ByteView signature,
                 const std::string& what, PreparedCrypto* prepared, SignatureTemplates* templates) {
  Result<ossl::MdCtxPtr> ctx = ReadyContext(pkey, params, /*sign=*/false, prepared, templates);
  if (!ctx.ok()) return ctx.error();
  int result = EVP_DigestVerify(ctx->get(), signature.data(), signature.size(),
                                MessagePointer(message), message.size());
  if (result != 1) {
    ossl::DrainErrors();  // a bad signature is an answer, not an OpenSSL fault
    return MakeError(ErrorCode::kAuthFailure, what + " signature does not verify");
  }
  return Status::Ok();
}

bool Contains(std::span<const uint16_t> list, uint16_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string HashList(std::span<const uint16_t> hashes) {
  std::string out;
  for (uint16_t h : hashes) out += (out.empty() ? "" : ", ") + SignatureHashName(h);
  return out.empty() ? "none" : out;
}

Status CheckHashAcceptable(uint16_t hash, std::span<const uint16_t> acceptable,
                           const std::string& what) {
  if (Contains(acceptable, hash)) return Status::Ok();
  return MakeError(ErrorCode::kUnsupported, what + " uses " + SignatureHashName(hash) +
                                                ", not acceptable to local policy (accepting " +
                                                HashList(acceptable) + ")");
}

bool SchemeFitsKey(SignatureScheme scheme, KeyType key_type) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1v15:
    case SignatureScheme::kRsaPss:
      return IsRsa(key_type);
    case SignatureScheme::kEcdsa:
      return IsEcdsa(key_type);
    case SignatureScheme::kEd25519:
      return key_type == KeyType::kEd25519;
  }
  return false;
}

Status CheckRsaSignatureSize(const PublicKey& key, ByteView signature, const std::string& what) {
  auto modulus_size = static_cast<size_t>(EVP_PKEY_get_size(key.pkey()));
  if (signature.size() == modulus_size) return Status::Ok();
  return MakeError(ErrorCode::kAuthFailure,
                   what + " signature is " + std::to_string(signature.size()) +
                       " octets, the RSA modulus is " + std::to_string(modulus_size));
}

Result<AuthData> SignDigitalSignature(const PrivateKey& key, uint16_t hash, ByteView octets,
                                      RsaPadding rsa_padding, PreparedCrypto* prepared) {
  KeyType type = key.type();
  if (hash == kSigHashSha1) {
    return MakeError(ErrorCode::kUnsupported,
                     "refusing to sign with SHA1 (RFC 8247 section 3.3: MUST NOT for method 14)");
  }
  if ((type == KeyType::kEd25519) != (hash == kSigHashIdentity)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Ed25519 signs with exactly the Identity hash (5); got " +
                         SignatureHashName(hash) + " for an " + std::string(KeyTypeName(type)) +
                         " key");
  }
  if (hash != kSigHashIdentity && DigestFor(hash) == nullptr) {
    return MakeError(ErrorCode::kUnsupported, SignatureHashName(hash) + " is not supported");
  }
  SignatureScheme scheme = SignatureScheme::kEd25519;
  SigningParams params{hash, std::nullopt};
  if (IsEcdsa(type)) {
    scheme = SignatureScheme::kEcdsa;
  } else if (IsRsa(type)) {
    scheme =
        rsa_padding == RsaPadding::kPss ? SignatureScheme::kRsaPss : SignatureScheme::kRsaPkcs1v15;
    if (scheme == SignatureScheme::kRsaPss) {
      params.pss_salt_length = EVP_MD_get_size(DigestFor(hash));  // as in RFC 7427 A.4.3
    }
  }
  auto signature = RawSign(key.pkey(), params, octets, prepared);
  if (!signature.ok()) return signature.error();
  auto data = EncodeDigitalSignatureAuthData(scheme, hash, *signature);
  if (!data.ok()) return data.error();
  return AuthData{kAuthMethodDigitalSignature, std::move(data).value()};
}

Status VerifyDigitalSignature(const PublicKey& key, ByteView auth_data, ByteView octets,
                              std::span<const uint16_t> acceptable, PreparedCrypto* prepared,
                              SignatureTemplates* templates) {
  auto parsed = ParseDigitalSignatureAuthData(auth_data);
  if (!parsed.ok()) return parsed.error();
  const SignatureAlgorithm& algorithm = parsed->algorithm;
  std::string what = DescribeSignatureAlgorithm(algorithm);
  IKEWOT_RETURN_IF_ERROR(CheckHashAcceptable(algorithm.hash, acceptable, what));
  if (!SchemeFitsKey(algorithm.scheme, key.type())) {
    return MakeError(ErrorCode::kBadValue, "AlgorithmIdentifier " + what + " does not fit the " +
                                               std::string(KeyTypeName(key.type())) + " key");
  }
  SigningParams params{algorithm.hash, std::nullopt};
  if (algorithm.scheme == SignatureScheme::kRsaPss) {
    params.pss_salt_length = algorithm.pss_salt_length;
  }
  if (IsRsa(key.type())) {
    IKEWOT_RETURN_IF_ERROR(CheckRsaSignatureSize(key, parsed->signature, what));
  }
  return RawVerify(key.pkey(), params, octets, parsed->signature, what, prepared, templates);
}

}  // namespace

std::string AuthMethodName(uint8_t method) {
  switch (method) {
    case kAuthMethodRsaSignature:
      return "RSA Digital Signature";
    case kAuthMethodEcdsaSha256P256:
      return "ECDSA with SHA-256 on P-256";
    case kAuthMethodEcdsaSha384P384:
      return "ECDSA with SHA-384 on P-384";
    case kAuthMethodEcdsaSha512P521:
      return "ECDSA with SHA-512 on P-521";
    case kAuthMethodDigitalSignature:
      return "Digital Signature";
    default:
      return "auth method " + std::to_string(method);
  }
}

Result<AuthData> SignAuth(const PrivateKey& key, uint8_t auth_method, uint16_t hash_alg,
                          ByteView signed_octets, RsaPadding rsa_padding,
                          PreparedCrypto* prepared) {
  if (auth_method == kAuthMethodDigitalSignature) {
    return SignDigitalSignature(key, hash_alg, signed_octets, rsa_padding, prepared);
  }
  if (auth_method == kAuthMethodRsaSignature) {
    if (!IsRsa(key.type())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "method 1 needs an RSA key, not " + std::string(KeyTypeName(key.type())));
    }
    if (hash_alg != 0 && hash_alg != kSigHashSha1) {
      return MakeError(ErrorCode::kInvalidArgument, "method 1 always hashes with SHA1");
    }
    auto signature =
        RawSign(key.pkey(), SigningParams{kSigHashSha1, std::nullopt}, signed_octets, prepared);
    if (!signature.ok()) return signature.error();
    return AuthData{auth_method, std::move(signature).value()};
  }
  if (const ClassicEcdsa* classic = FindClassicEcdsa(auth_method)) {
    if (key.type() != classic->key_type) {
      return MakeError(ErrorCode::kInvalidArgument,
                       AuthMethodName(auth_method) + " needs an " +
                           std::string(KeyTypeName(classic->key_type)) + " key, not " +
                           std::string(KeyTypeName(key.type())));
    }
    if (hash_alg != 0 && hash_alg != classic->hash) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          AuthMethodName(auth_method) + " fixes the hash to " + SignatureHashName(classic->hash));
    }
    auto der =
        RawSign(key.pkey(), SigningParams{classic->hash, std::nullopt}, signed_octets, prepared);
    if (!der.ok()) return der.error();
    auto fixed = EcdsaDerToFixed(*der, classic->scalar_size);
    if (!fixed.ok()) return fixed.error();
    return AuthData{auth_method, std::move(fixed).value()};
  }
  return MakeError(ErrorCode::kUnsupported,
                   AuthMethodName(auth_method) + " is not a signature method ikewot implements");
}

Status VerifyAuth(const PublicKey& key, uint8_t auth_method, ByteView auth_data,
                  ByteView signed_octets, std::span<const uint16_t> acceptable_hashes,
                  PreparedCrypto* prepared, SignatureTemplates* key_templates) {
  if (auth_method == kAuthMethodDigitalSignature) {
    return VerifyDigitalSignature(key, auth_data, signed_octets, acceptable_hashes, prepared,
                                  key_templates);
  }
  std::string what = AuthMethodName(auth_method) + " (method " + std::to_string(auth_method) + ")";
  if (auth_method == kAuthMethodRsaSignature) {
    IKEWOT_RETURN_IF_ERROR(CheckHashAcceptable(kSigHashSha1, acceptable_hashes, what));
    if (!IsRsa(key.type())) {
      return MakeError(ErrorCode::kBadValue,
                       what + " does not fit the " + std::string(KeyTypeName(key.type())) + " key");
    }
    IKEWOT_RETURN_IF_ERROR(CheckRsaSignatureSize(key, auth_data, what));
    return RawVerify(key.pkey(), SigningParams{kSigHashSha1, std::nullopt}, signed_octets,
                     auth_data, what, prepared, key_templates);
  }
  if (const ClassicEcdsa* classic = FindClassicEcdsa(auth_method)) {
    IKEWOT_RETURN_IF_ERROR(CheckHashAcceptable(classic->hash, acceptable_hashes, what));
    if (key.type() != classic->key_type) {
      return MakeError(ErrorCode::kBadValue,
                       what + " does not fit the " + std::string(KeyTypeName(key.type())) + " key");
    }
    if (auth_data.size() != 2 * classic->scalar_size) {
      return MakeError(ErrorCode::kBadLength,
                       what + " signature must be " + std::to_string(2 * classic->scalar_size) +
                           " octets (r || s), got " + std::to_string(auth_data.size()));
    }
    auto der = EcdsaFixedToDer(auth_data);
    if (!der.ok()) return der.error();
    return RawVerify(key.pkey(), SigningParams{classic->hash, std::nullopt}, signed_octets, *der,
                     what, prepared, key_templates);
  }
  return MakeError(ErrorCode::kUnsupported,
                   AuthMethodName(auth_method) + " is not a signature method ikewot implements");
}

std::vector<uint16_t> SupportedSignatureHashes() {
  return {kSigHashSha256, kSigHashSha384, kSigHashSha512, kSigHashIdentity};
}

uint16_t PreferredHash(KeyType key_type, std::span<const uint16_t> peer_hashes) {
  std::vector<uint16_t> order;
  switch (key_type) {
    case KeyType::kEd25519:
      order = {kSigHashIdentity};
      break;
    case KeyType::kEcdsaP384:
      order = {kSigHashSha384, kSigHashSha512, kSigHashSha256};
      break;
    case KeyType::kEcdsaP521:
      order = {kSigHashSha512, kSigHashSha384, kSigHashSha256};
      break;
    default:  // P-256 and RSA: SHA2-256 is the RFC 8247 MUST
      order = {kSigHashSha256, kSigHashSha384, kSigHashSha512};
      break;
  }
  for (uint16_t hash : order) {
    if (Contains(peer_hashes, hash)) return hash;
  }
  return 0;
}

uint8_t ClassicAuthMethod(KeyType key_type) {
  if (IsRsa(key_type)) return kAuthMethodRsaSignature;
  for (const ClassicEcdsa& entry : kClassicEcdsa) {
    if (entry.key_type == key_type) return entry.method;
  }
  return 0;
}

}  // namespace ikewot::crypto
