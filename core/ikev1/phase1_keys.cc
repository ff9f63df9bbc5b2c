#include "core/ikev1/phase1_keys.h"

#include <string>

#include "core/crypto/openssl_handles.h"
#include "core/crypto/prf.h"
#include "core/crypto/transforms.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev1 {

std::string Phase1AuthName(AuthenticationMethod auth) {
  switch (auth) {
    case AuthenticationMethod::kRsaSignature:
      return "RSA_SIG";
    case AuthenticationMethod::kEcdsaSha256P256:
      return "ECDSA_256";
    case AuthenticationMethod::kEcdsaSha384P384:
      return "ECDSA_384";
    case AuthenticationMethod::kEcdsaSha512P521:
      return "ECDSA_521";
    default:
      return "AUTH_" + std::to_string(static_cast<uint16_t>(auth));
  }
}

namespace {

std::string HashName(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return "HMAC_SHA1";
    case HashAlgorithm::kSha2_256:
      return "HMAC_SHA2_256";
    case HashAlgorithm::kSha2_384:
      return "HMAC_SHA2_384";
    case HashAlgorithm::kSha2_512:
      return "HMAC_SHA2_512";
    default:
      return "HASH_" + std::to_string(static_cast<uint16_t>(hash));
  }
}

Status CheckLength(ByteView v, size_t want, const char* what) {
  if (v.size() != want) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " must be " +
                                                      std::to_string(want) + " octets, got " +
                                                      std::to_string(v.size()));
  }
  return Status::Ok();
}

}  // namespace

Result<HashProperties> LookupHash(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return HashProperties{"SHA1", crypto::kPrfHmacSha1, 20};
    case HashAlgorithm::kSha2_256:
      return HashProperties{"SHA2-256", crypto::kPrfHmacSha2_256, 32};
    case HashAlgorithm::kSha2_384:
      return HashProperties{"SHA2-384", crypto::kPrfHmacSha2_384, 48};
    case HashAlgorithm::kSha2_512:
      return HashProperties{"SHA2-512", crypto::kPrfHmacSha2_512, 64};
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "phase-1 hash algorithm " + std::to_string(static_cast<uint16_t>(hash)) +
                           " is not supported (SHA-1, SHA2-256/384/512 are)");
  }
}

std::string Phase1Suite::ToString() const {
  std::string encr = encryption == EncryptionAlgorithm::kAesCbc
                         ? "AES_CBC_" + std::to_string(key_bits)
                         : "ENCR_" + std::to_string(static_cast<uint16_t>(encryption));
  return encr + "/" + HashName(hash) + "/" + std::string(ikev2::DhGroupName(group)) + "/" +
         Phase1AuthName(auth);
}

Result<size_t> CipherKeySize(const Phase1Suite& suite) {
  if (suite.encryption != EncryptionAlgorithm::kAesCbc) {
    return MakeError(ErrorCode::kUnsupported,
                     "phase-1 encryption algorithm " +
                         std::to_string(static_cast<uint16_t>(suite.encryption)) +
                         " is not supported (AES-CBC is)");
  }
  if (suite.key_bits != 128 && suite.key_bits != 192 && suite.key_bits != 256) {
    return MakeError(ErrorCode::kUnsupported,
                     "AES-CBC key length " + std::to_string(suite.key_bits) + " is not supported");
  }
  return static_cast<size_t>(suite.key_bits / 8);
}

Result<Bytes> Phase1Hash(HashAlgorithm hash, std::initializer_list<ByteView> parts) {
  auto props = LookupHash(hash);
  if (!props.ok()) return props.error();
  ossl::MdPtr md(EVP_MD_fetch(nullptr, std::string(props->digest_name).c_str(), nullptr));
  if (!md) return ossl::CryptoError("EVP_MD_fetch " + std::string(props->digest_name));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1) {
    return ossl::CryptoError("EVP_DigestInit_ex2");
  }
  for (ByteView p : parts) {
    if (!p.empty() && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) {
      return ossl::CryptoError("EVP_DigestUpdate");
    }
  }
  Bytes out(props->size);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return ossl::CryptoError("EVP_DigestFinal_ex");
  }
  return out;
}

Result<Bytes> Phase1Prf(HashAlgorithm hash, ByteView key, std::initializer_list<ByteView> parts) {
  auto props = LookupHash(hash);
  if (!props.ok()) return props.error();
  auto prf = crypto::KeyedPrf::Create(props->hmac_prf_id, key);
  if (!prf.ok()) return prf.error();
  return prf->Compute(parts);
}

Result<Bytes> ExpandCipherKey(HashAlgorithm hash, ByteView skeyid_e, size_t key_size) {
  if (skeyid_e.size() >= key_size) return Bytes(skeyid_e.begin(), skeyid_e.begin() + key_size);
  auto props = LookupHash(hash);
  if (!props.ok()) return props.error();
  auto prf = crypto::KeyedPrf::Create(props->hmac_prf_id, skeyid_e);
  if (!prf.ok()) return prf.error();
  const uint8_t zero = 0;
  auto block = prf->Compute({ByteView(&zero, 1)});
  if (!block.ok()) return block.error();
  Bytes key = *block;
  while (key.size() < key_size) {
    block = prf->Compute({*block});
    if (!block.ok()) return block.error();
    key.insert(key.end(), block->begin(), block->end());
  }
  key.resize(key_size);
  return key;
}

Result<Phase1Keys> DerivePhase1Keys(const Phase1KeyInputs& in) {
  IKEWOT_RETURN_IF_ERROR(CheckLength(in.cky_i, kCookieSize, "CKY-I"));
  IKEWOT_RETURN_IF_ERROR(CheckLength(in.cky_r, kCookieSize, "CKY-R"));
  if (in.ni_b.empty() || in.nr_b.empty() || in.shared_secret.empty() || in.g_xi.empty() ||
      in.g_xr.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "phase-1 keys need both nonces, both public values and g^xy");
  }
  auto key_size = CipherKeySize(in.suite);
  if (!key_size.ok()) return key_size.error();
  auto props = LookupHash(in.suite.hash);
  if (!props.ok()) return props.error();

  Phase1Keys keys;
  Bytes nonces = Concat({in.ni_b, in.nr_b});
  auto skeyid = Phase1Prf(in.suite.hash, nonces, {in.shared_secret});
  if (!skeyid.ok()) return skeyid.error();
  keys.skeyid = std::move(*skeyid);

  auto prf = crypto::KeyedPrf::Create(props->hmac_prf_id, keys.skeyid);
  if (!prf.ok()) return prf.error();
  const uint8_t zero = 0, one = 1, two = 2;
  auto d = prf->Compute({in.shared_secret, in.cky_i, in.cky_r, ByteView(&zero, 1)});
  if (!d.ok()) return d.error();
  keys.skeyid_d = std::move(*d);
  auto a = prf->Compute({keys.skeyid_d, in.shared_secret, in.cky_i, in.cky_r, ByteView(&one, 1)});
  if (!a.ok()) return a.error();
  keys.skeyid_a = std::move(*a);
  auto e = prf->Compute({keys.skeyid_a, in.shared_secret, in.cky_i, in.cky_r, ByteView(&two, 1)});
  if (!e.ok()) return e.error();
  keys.skeyid_e = std::move(*e);

  auto ka = ExpandCipherKey(in.suite.hash, keys.skeyid_e, *key_size);
  if (!ka.ok()) return ka.error();
  keys.encryption_key = std::move(*ka);

  auto iv = Phase1Hash(in.suite.hash, {in.g_xi, in.g_xr});
  if (!iv.ok()) return iv.error();
  iv->resize(kPhase1BlockSize);
  keys.initial_iv = std::move(*iv);
  return keys;
}

Result<Bytes> ExchangeIv(HashAlgorithm hash, ByteView last_phase1_block, uint32_t message_id) {
  const uint8_t mid[4] = {static_cast<uint8_t>(message_id >> 24),
                          static_cast<uint8_t>(message_id >> 16),
                          static_cast<uint8_t>(message_id >> 8), static_cast<uint8_t>(message_id)};
  auto iv = Phase1Hash(hash, {last_phase1_block, ByteView(mid, 4)});
  if (!iv.ok()) return iv.error();
  iv->resize(kPhase1BlockSize);
  return iv;
}

Result<Phase1Cipher> Phase1Cipher::Create(const Phase1Suite& suite, ByteView encryption_key) {
  auto key_size = CipherKeySize(suite);
  if (!key_size.ok()) return key_size.error();
  IKEWOT_RETURN_IF_ERROR(CheckLength(encryption_key, *key_size, "phase-1 encryption key"));
  auto cbc = crypto::AesCbc::Create(encryption_key);
  if (!cbc.ok()) return cbc.error();
  return Phase1Cipher(std::move(*cbc));
}

Result<Bytes> Phase1Cipher::Encrypt(ByteView iv, ByteView plaintext, Bytes* next_iv) {
  IKEWOT_RETURN_IF_ERROR(CheckLength(iv, kPhase1BlockSize, "CBC IV"));
  Bytes padded(plaintext.begin(), plaintext.end());
  size_t remainder = padded.size() % kPhase1BlockSize;
  if (remainder != 0 || padded.empty()) {
    size_t pad = kPhase1BlockSize - remainder;
    padded.resize(padded.size() + pad, 0);
    padded.back() = static_cast<uint8_t>(pad - 1);
  }
  Bytes out(padded.size());
  IKEWOT_RETURN_IF_ERROR(cbc_.Encrypt(iv, padded, out));
  next_iv->assign(out.end() - kPhase1BlockSize, out.end());
  return out;
}

Result<Bytes> Phase1Cipher::Decrypt(ByteView iv, ByteView ciphertext, Bytes* next_iv) {
  IKEWOT_RETURN_IF_ERROR(CheckLength(iv, kPhase1BlockSize, "CBC IV"));
  if (ciphertext.empty() || ciphertext.size() % kPhase1BlockSize != 0) {
    return MakeError(ErrorCode::kBadLength, "encrypted body must be a non-zero multiple of " +
                                                std::to_string(kPhase1BlockSize) + " octets, got " +
                                                std::to_string(ciphertext.size()));
  }
  Bytes out(ciphertext.size());
  IKEWOT_RETURN_IF_ERROR(cbc_.Decrypt(iv, ciphertext, out));
  next_iv->assign(ciphertext.end() - kPhase1BlockSize, ciphertext.end());
  return out;
}

Status CheckPadding(ByteView padding) {
  // strongSwan ends an aligned body with a whole block of padding (found by the interop run),
  // so a full block is allowed; its content is not checked (nothing authenticates it, and the
  // payload chain, which HASH/SIG cover, delimits the message).
  if (padding.size() > kPhase1BlockSize) {
    return MakeError(ErrorCode::kBadValue, "padding of " + std::to_string(padding.size()) +
                                               " octets is longer than a block");
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev1
