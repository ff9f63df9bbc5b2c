// Curve25519 and Curve448 groups 31, 32 (RFC 8031, functions X25519/X448 of RFC 7748).
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <string>

#include "core/crypto/dh_groups.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto::internal {
namespace {

struct EcxParams {
  int pkey_type;
  size_t size;  // octets of keys, public values and shared secrets
};

EcxParams ParamsFor(uint16_t group) {
  return group == kDhCurve25519 ? EcxParams{EVP_PKEY_X25519, 32} : EcxParams{EVP_PKEY_X448, 56};
}

// p = 2^255 - 19 or 2^448 - 2^224 - 1.
Result<ossl::BnPtr> FieldPrime(uint16_t group) {
  ossl::BnPtr p(BN_new());
  ossl::BnPtr term(BN_new());
  bool ok = p && term;
  if (ok && group == kDhCurve25519) {
    ok = BN_set_bit(p.get(), 255) == 1 && BN_sub_word(p.get(), 19) == 1;
  } else if (ok) {
    ok = BN_set_bit(p.get(), 448) == 1 && BN_set_bit(term.get(), 224) == 1 &&
         BN_sub(p.get(), p.get(), term.get()) == 1 && BN_sub_word(p.get(), 1) == 1;
  }
  if (!ok) return ossl::CryptoError("ECX field prime");
  return p;
}

// u-coordinates (mod p) of the points whose multiple by any clamped scalar is the identity,
// i.e. whose X25519/X448 output is all zero (RFC 7748 §6): for Curve448 {0, 1, p-1}; for
// Curve25519 additionally the two points of order 8. Hex, big-endian.
constexpr const char* kCurve25519Order8[] = {
    "00b8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0",
    "57119fd0dd4e22d8868e1c58c45c44045bef839c55b1d0b1248c50a3bc959c5f"};

class EcxKeyExchange final : public KeyExchange {
 public:
  EcxKeyExchange(uint16_t group, ossl::PkeyPtr key, ossl::BnPtr p)
      : KeyExchange(group), key_(std::move(key)), p_(std::move(p)) {}

  Status ExportPublic(size_t size) {
    public_value_.resize(size);
    size_t len = size;
    if (EVP_PKEY_get_raw_public_key(key_.get(), public_value_.data(), &len) != 1 || len != size) {
      return ossl::CryptoError("ECX public value");
    }
    return Status::Ok();
  }

  Result<Bytes> ComputeSharedSecret(ByteView peer_public) const override {
    const EcxParams params = ParamsFor(group());
    if (peer_public.size() != params.size) {
      return InvalidPublicKey(group(), "must be " + std::to_string(params.size) + " octets, got " +
                                           std::to_string(peer_public.size()));
    }
    auto small = HasSmallOrder(peer_public);
    if (!small.ok()) return small.error();
    if (*small) return InvalidPublicKey(group(), "point of small order (all-zero shared secret)");

    ossl::PkeyPtr peer(EVP_PKEY_new_raw_public_key(params.pkey_type, nullptr, peer_public.data(),
                                                   peer_public.size()));
    if (!peer) return ossl::CryptoError("ECX peer key");
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
      return ossl::CryptoError("ECX derive setup");
    }
    Bytes secret(params.size);
    size_t len = secret.size();
    // OpenSSL refuses to return an all-zero X25519/X448 result (RFC 7748 §6.1 check); the
    // small-order test above should already have caught every such peer value.
    if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) {
      OPENSSL_cleanse(secret.data(), secret.size());
      ossl::DrainErrors();
      return InvalidPublicKey(group(), "shared secret is all zero");
    }
    if (len != params.size) return ossl::CryptoError("ECX shared secret length");
    uint8_t any_bit = 0;
    for (uint8_t b : secret) any_bit |= b;
    if (any_bit == 0) return InvalidPublicKey(group(), "shared secret is all zero");
    return secret;
  }

 private:
  // Reduces the little-endian u-coordinate mod p (X25519 ignores the top bit, RFC 7748 §5) and
  // compares it with the small-order set. Public data: no constant-time concern.
  Result<bool> HasSmallOrder(ByteView peer_public) const {
    Bytes u(peer_public.begin(), peer_public.end());
    if (group() == kDhCurve25519) u.back() &= 0x7f;
    ossl::BnPtr value(BN_lebin2bn(u.data(), static_cast<int>(u.size()), nullptr));
    ossl::BnPtr p_minus_1(BN_dup(p_.get()));
    ossl::BnCtxPtr ctx(BN_CTX_new());
    if (!value || !p_minus_1 || !ctx || BN_sub_word(p_minus_1.get(), 1) != 1 ||
        BN_nnmod(value.get(), value.get(), p_.get(), ctx.get()) != 1) {
      return ossl::CryptoError("ECX u-coordinate reduction");
    }
    if (BN_is_zero(value.get()) || BN_is_one(value.get()) ||
        BN_cmp(value.get(), p_minus_1.get()) == 0) {
      return true;
    }
    if (group() == kDhCurve25519) {
      for (const char* hex : kCurve25519Order8) {
        BIGNUM* raw = nullptr;
        if (BN_hex2bn(&raw, hex) == 0) return ossl::CryptoError("ECX small-order table");
        ossl::BnPtr point(raw);
        if (BN_cmp(value.get(), point.get()) == 0) return true;
      }
    }
    return false;
  }

  ossl::PkeyPtr key_;
  ossl::BnPtr p_;
};

}  // namespace

Result<std::unique_ptr<KeyExchange>> CreateEcxKeyExchange(uint16_t group, Rng& rng) {
  const EcxParams params = ParamsFor(group);
  auto p = FieldPrime(group);
  if (!p.ok()) return p.error();
  // RFC 7748 §6: the private key is random octets; clamping happens inside X25519/X448.
  uint8_t private_key[56];
  rng.Fill(std::span<uint8_t>(private_key, params.size));
  ossl::PkeyPtr key(
      EVP_PKEY_new_raw_private_key(params.pkey_type, nullptr, private_key, params.size));
  OPENSSL_cleanse(private_key, sizeof(private_key));
  if (!key) return ossl::CryptoError("ECX private key");
  auto kex = std::make_unique<EcxKeyExchange>(group, std::move(key), std::move(*p));
  IKEWOT_RETURN_IF_ERROR(kex->ExportPublic(params.size));
  return std::unique_ptr<KeyExchange>(std::move(kex));
}

}  // namespace ikewot::crypto::internal
