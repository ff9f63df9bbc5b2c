// MODP groups 14, 15, 16 (RFC 3526 §3-§5): safe primes p = 2q + 1 with generator 2.
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include <string>

#include "core/crypto/dh_groups.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto::internal {
namespace {

// Private values are cleared, not just freed.
using SecretBnPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BN_clear_free>>;

struct ModpParams {
  BIGNUM* (*prime)(BIGNUM*);
  size_t modulus_size;  // octets
  // Private exponent length: RFC 3526 §8, the larger ("estimate 2") exponent size per group.
  int exponent_bits;
};

ModpParams ParamsFor(uint16_t group) {
  switch (group) {
    case kDhModp2048:
      return {BN_get_rfc3526_prime_2048, 256, 320};
    case kDhModp3072:
      return {BN_get_rfc3526_prime_3072, 384, 420};
    default:
      return {BN_get_rfc3526_prime_4096, 512, 480};
  }
}

class ModpKeyExchange final : public KeyExchange {
 public:
  ModpKeyExchange(uint16_t group, size_t modulus_size, ossl::BnPtr p, SecretBnPtr x)
      : KeyExchange(group), modulus_size_(modulus_size), p_(std::move(p)), x_(std::move(x)) {}

  Status ComputePublicValue() {
    ossl::BnCtxPtr ctx(BN_CTX_new());
    ossl::BnPtr g(BN_new());
    ossl::BnPtr y(BN_new());
    if (!ctx || !g || !y || BN_set_word(g.get(), 2) != 1 ||
        BN_mod_exp_mont_consttime(y.get(), g.get(), x_.get(), p_.get(), ctx.get(), nullptr) != 1) {
      return ossl::CryptoError("MODP g^x");
    }
    public_value_.resize(modulus_size_);
    if (BN_bn2binpad(y.get(), public_value_.data(), static_cast<int>(modulus_size_)) < 0) {
      return ossl::CryptoError("MODP public value encoding");
    }
    return Status::Ok();
  }

  Result<Bytes> Derive(ByteView peer_public, PreparedCrypto* /*prepared*/) const override {
    // RFC 7296 §3.4: the value is padded to the modulus length, so the length is exact.
    if (peer_public.size() != modulus_size_) {
      return InvalidPublicKey(group(), "must be " + std::to_string(modulus_size_) +
                                           " octets, got " + std::to_string(peer_public.size()));
    }
    ossl::BnPtr y(BN_bin2bn(peer_public.data(), static_cast<int>(peer_public.size()), nullptr));
    ossl::BnPtr p_minus_1(BN_dup(p_.get()));
    if (!y || !p_minus_1 || BN_sub_word(p_minus_1.get(), 1) != 1) {
      return ossl::CryptoError("MODP peer value decoding");
    }
    // 1 < y < p-1 (NIST SP 800-56A §5.6.2.3.1). For a safe prime the only subgroups of small
    // order are {1} and {1, p-1}, so this range check excludes every small-subgroup value.
    if (BN_is_zero(y.get()) || BN_is_one(y.get()) || BN_cmp(y.get(), p_minus_1.get()) >= 0) {
      return InvalidPublicKey(group(), "must satisfy 1 < y < p-1");
    }
    ossl::BnCtxPtr ctx(BN_CTX_new());
    SecretBnPtr z(BN_new());
    if (!ctx || !z ||
        BN_mod_exp_mont_consttime(z.get(), y.get(), x_.get(), p_.get(), ctx.get(), nullptr) != 1) {
      return ossl::CryptoError("MODP y^x");
    }
    // §2.14: g^ir is padded with leading zeros to the modulus length.
    Bytes secret(modulus_size_);
    if (BN_bn2binpad(z.get(), secret.data(), static_cast<int>(modulus_size_)) < 0) {
      return ossl::CryptoError("MODP shared secret encoding");
    }
    return secret;
  }

 private:
  size_t modulus_size_;
  ossl::BnPtr p_;
  SecretBnPtr x_;
};

}  // namespace

Result<std::unique_ptr<KeyExchange>> CreateModpKeyExchange(uint16_t group, Rng& rng) {
  const ModpParams params = ParamsFor(group);
  ossl::BnPtr p(params.prime(nullptr));
  if (!p) return ossl::CryptoError("RFC 3526 prime");
  // x uniform in [2, 2^exponent_bits): exponent_bits is far below |q|, so x < q always.
  const size_t x_len = (params.exponent_bits + 7) / 8;
  const int excess_bits = static_cast<int>(x_len * 8) - params.exponent_bits;
  uint8_t buffer[64];
  SecretBnPtr x(BN_secure_new());
  if (!x) return ossl::CryptoError("BN_secure_new");
  for (int attempt = 0;; ++attempt) {
    // The chance of drawing 0 or 1 is 2^-319 or less; a stream that keeps doing so is broken.
    if (attempt == 16) return MakeError(ErrorCode::kCryptoFailure, "RNG keeps yielding x < 2");
    rng.Fill(std::span<uint8_t>(buffer, x_len));
    buffer[0] &= static_cast<uint8_t>(0xff >> excess_bits);
    const bool converted = BN_bin2bn(buffer, static_cast<int>(x_len), x.get()) != nullptr;
    OPENSSL_cleanse(buffer, sizeof(buffer));
    if (!converted) return ossl::CryptoError("MODP private value");
    if (!BN_is_zero(x.get()) && !BN_is_one(x.get())) break;
  }
  BN_set_flags(x.get(), BN_FLG_CONSTTIME);
  auto kex =
      std::make_unique<ModpKeyExchange>(group, params.modulus_size, std::move(p), std::move(x));
  IKEWOT_RETURN_IF_ERROR(kex->ComputePublicValue());
  return std::unique_ptr<KeyExchange>(std::move(kex));
}

}  // namespace ikewot::crypto::internal
