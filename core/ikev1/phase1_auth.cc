#include "core/ikev1/phase1_auth.h"

#include <openssl/rsa.h>

#include <string>

#include "core/base/writer.h"
#include "core/crypto/ecdsa_format.h"
#include "core/crypto/openssl_handles.h"
#include "core/ikev1/payload_codec.h"
#include "core/ikev1/phase1_keys.h"

namespace ikewot::ikev1 {
namespace {

struct EcdsaMethod {
  AuthenticationMethod method;
  crypto::KeyType key_type;
  size_t scalar_size;
};
constexpr EcdsaMethod kEcdsaMethods[] = {
    {AuthenticationMethod::kEcdsaSha256P256, crypto::KeyType::kEcdsaP256, 32},
    {AuthenticationMethod::kEcdsaSha384P384, crypto::KeyType::kEcdsaP384, 48},
    {AuthenticationMethod::kEcdsaSha512P521, crypto::KeyType::kEcdsaP521, 66},
};

const EcdsaMethod* FindEcdsa(AuthenticationMethod method) {
  for (const EcdsaMethod& m : kEcdsaMethods) {
    if (m.method == method) return &m;
  }
  return nullptr;
}

std::string MethodText(AuthenticationMethod method) {
  return std::to_string(static_cast<uint16_t>(method));
}

Status CheckKeyFits(crypto::KeyType type, AuthenticationMethod method) {
  if (method == AuthenticationMethod::kRsaSignature && crypto::IsRsa(type)) return Status::Ok();
  const EcdsaMethod* ecdsa = FindEcdsa(method);
  if (ecdsa != nullptr && ecdsa->key_type == type) return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string("a ") + std::string(crypto::KeyTypeName(type)) +
                       " key cannot make or check authentication method " + MethodText(method));
}

Result<Bytes> ComputeAuthHash(const AuthHashInputs& in, bool initiator) {
  if (in.skeyid.empty() || in.cky_i.size() != kCookieSize || in.cky_r.size() != kCookieSize) {
    return MakeError(ErrorCode::kInvalidArgument, "HASH_I/HASH_R need SKEYID and both cookies");
  }
  if (initiator) {
    return Phase1Prf(in.hash, in.skeyid, {in.g_xi, in.g_xr, in.cky_i, in.cky_r, in.sai_b, in.id_b});
  }
  return Phase1Prf(in.hash, in.skeyid, {in.g_xr, in.g_xi, in.cky_r, in.cky_i, in.sai_b, in.id_b});
}

Result<Bytes> RsaRawSign(EVP_PKEY* pkey, ByteView hash) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return ossl::CryptoError("RSA PKCS#1 v1.5 signing context");
  }
  size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size()) != 1) {
    return ossl::CryptoError("EVP_PKEY_sign (size)");
  }
  Bytes sig(len);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, hash.data(), hash.size()) != 1) {
    return ossl::CryptoError("EVP_PKEY_sign");
  }
  sig.resize(len);
  return sig;
}

Status RsaRawVerify(EVP_PKEY* pkey, ByteView hash, ByteView signature) {
  size_t modulus = static_cast<size_t>(EVP_PKEY_get_size(pkey));
  if (signature.size() != modulus) {
    return MakeError(ErrorCode::kBadLength, "RSA signature must be " + std::to_string(modulus) +
                                                " octets (the modulus), got " +
                                                std::to_string(signature.size()));
  }
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return ossl::CryptoError("RSA PKCS#1 v1.5 verification context");
  }
  int rc = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hash.data(), hash.size());
  if (rc != 1) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure,
                     "RSA signature over the phase-1 hash does not verify");
  }
  return Status::Ok();
}

}  // namespace

Result<Bytes> PayloadBodyOctets(const Payload& payload) {
  Bytes wire;
  Writer w(&wire);
  IKEWOT_RETURN_IF_ERROR(SerializePayload(payload, PayloadType::kNone, &w));
  return Bytes(wire.begin() + kGenericHeaderSize, wire.end());
}

Result<Bytes> ComputeHashI(const AuthHashInputs& in) { return ComputeAuthHash(in, true); }
Result<Bytes> ComputeHashR(const AuthHashInputs& in) { return ComputeAuthHash(in, false); }

bool IsSignatureMethod(AuthenticationMethod method) {
  return method == AuthenticationMethod::kRsaSignature || FindEcdsa(method) != nullptr;
}

Result<AuthenticationMethod> SignatureMethodForKey(crypto::KeyType type) {
  if (crypto::IsRsa(type)) return AuthenticationMethod::kRsaSignature;
  for (const EcdsaMethod& m : kEcdsaMethods) {
    if (m.key_type == type) return m.method;
  }
  return MakeError(ErrorCode::kUnsupported,
                   std::string(crypto::KeyTypeName(type)) + " keys have no IKEv1 signature method");
}

Result<Bytes> SignPhase1Hash(const crypto::PrivateKey& key, AuthenticationMethod method,
                             ByteView hash) {
  IKEWOT_RETURN_IF_ERROR(CheckKeyFits(key.type(), method));
  if (method == AuthenticationMethod::kRsaSignature) return RsaRawSign(key.pkey(), hash);
  const EcdsaMethod* ecdsa = FindEcdsa(method);
  // The phase-1 hash is the digest: it is signed as it is, not hashed again.
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) {
    return ossl::CryptoError("ECDSA signing context");
  }
  size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size()) != 1) {
    return ossl::CryptoError("EVP_PKEY_sign (size)");
  }
  Bytes der(len);
  if (EVP_PKEY_sign(ctx.get(), der.data(), &len, hash.data(), hash.size()) != 1) {
    return ossl::CryptoError("EVP_PKEY_sign");
  }
  der.resize(len);
  return crypto::EcdsaDerToFixed(der, ecdsa->scalar_size);
}

Status VerifyPhase1Signature(const crypto::PublicKey& key, AuthenticationMethod method,
                             ByteView hash, ByteView signature) {
  IKEWOT_RETURN_IF_ERROR(CheckKeyFits(key.type(), method));
  if (method == AuthenticationMethod::kRsaSignature) {
    return RsaRawVerify(key.pkey(), hash, signature);
  }
  const EcdsaMethod* ecdsa = FindEcdsa(method);
  if (signature.size() != 2 * ecdsa->scalar_size) {
    return MakeError(ErrorCode::kBadLength, "ECDSA signature (r | s) must be " +
                                                std::to_string(2 * ecdsa->scalar_size) +
                                                " octets, got " + std::to_string(signature.size()));
  }
  auto der = crypto::EcdsaFixedToDer(signature);
  if (!der.ok()) return der.error();
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
    return ossl::CryptoError("ECDSA verification context");
  }
  int rc = EVP_PKEY_verify(ctx.get(), der->data(), der->size(), hash.data(), hash.size());
  if (rc != 1) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure,
                     "ECDSA signature over the phase-1 hash does not verify");
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev1
