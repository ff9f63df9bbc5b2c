// A node's key pair: the key types ikewot signs IKEv2 AUTH payloads and certificates with,
// generation from the injected Rng, and PKCS#8 / SubjectPublicKeyInfo encodings.
//
// Reproducibility: Ed25519 and ECDSA keys are a pure function of the Rng's bytes (a seeded
// DeterministicRng gives the same key on every machine). RSA keys come from OpenSSL's own prime
// generator and its DRBG, so they are NOT reproducible from the Rng.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

// Key types we generate and accept from peers. P-521 and RSA-4096 exist so that peers using
// the classic RFC 4754 method 11 or large RSA keys (common with strongSwan's pki) interoperate.
enum class KeyType : uint8_t {
  kEcdsaP256,
  kEcdsaP384,
  kEcdsaP521,
  kEd25519,
  kRsa2048,
  kRsa3072,
  kRsa4096,
};

// "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "rsa2048", "rsa3072", "rsa4096".
std::string_view KeyTypeName(KeyType type);
std::optional<KeyType> ParseKeyType(std::string_view name);
bool IsEcdsa(KeyType type);
bool IsRsa(KeyType type);

// A validated public key of one of the KeyTypes. Immutable, so copies share one OpenSSL object
// (reference counted without calling into OpenSSL).
class PublicKey {
 public:
  // DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7); the whole input must be consumed.
  static Result<PublicKey> FromSpkiDer(ByteView der);
  // Takes ownership; fails (kUnsupported) for key types and sizes outside KeyType.
  static Result<PublicKey> FromPkey(ossl::PkeyPtr pkey);

  Result<Bytes> ToSpkiDer() const;
  KeyType type() const { return type_; }
  // Modulus size for RSA, field size for ECDSA, 256 for Ed25519.
  int bits() const { return bits_; }
  bool Equals(const PublicKey& other) const;
  // For the crypto code in core/crypto; never null. OpenSSL wants non-const pointers.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> pkey, KeyType type, int bits)
      : pkey_(std::move(pkey)), type_(type), bits_(bits) {}

  std::shared_ptr<EVP_PKEY> pkey_;
  KeyType type_;
  int bits_;
};

// A private key (move-only). Its public half is derived once at construction.
class PrivateKey {
 public:
  // Ed25519: 32 Rng bytes are the RFC 8032 private key. ECDSA: the scalar is drawn from the
  // Rng by rejection sampling in [1, n-1] and the public point is k*G. RSA: OpenSSL's generator.
  static Result<PrivateKey> Generate(KeyType type, Rng& rng);
  // Unencrypted PKCS#8 PrivateKeyInfo (RFC 5208), DER or PEM ("PRIVATE KEY" block).
  static Result<PrivateKey> FromPkcs8Der(ByteView der);
  static Result<PrivateKey> FromPkcs8Pem(std::string_view pem);

  Result<Bytes> ToPkcs8Der() const;
  Result<std::string> ToPkcs8Pem() const;

  KeyType type() const { return public_key_.type(); }
  const PublicKey& public_key() const { return public_key_; }
  EVP_PKEY* pkey() const { return pkey_.get(); }

  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;

 private:
  PrivateKey(ossl::PkeyPtr pkey, PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  static Result<PrivateKey> FromPkey(ossl::PkeyPtr pkey);

  ossl::PkeyPtr pkey_;
  PublicKey public_key_;
};

}  // namespace ikewot::crypto
