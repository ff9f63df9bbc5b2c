// ECP groups 19, 20, 21 (RFC 5903): NIST P-256, P-384, P-521 with cofactor 1.
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <string>

#include "core/crypto/dh_groups.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto::internal {
namespace {

using EcGroupPtr = std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, ossl::Deleter<EC_POINT_clear_free>>;
using SecretBnPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BN_clear_free>>;

int CurveNid(uint16_t group) {
  switch (group) {
    case kDhEcp256:
      return NID_X9_62_prime256v1;
    case kDhEcp384:
      return NID_secp384r1;
    default:
      return NID_secp521r1;
  }
}

class EcpKeyExchange final : public KeyExchange {
 public:
  EcpKeyExchange(uint16_t group, EcGroupPtr curve, size_t coordinate_size)
      : KeyExchange(group), curve_(std::move(curve)), coordinate_size_(coordinate_size) {}

  // Draws d in [1, n-1] by rejection sampling from the Rng and computes d*G.
  Status Generate(Rng& rng) {
    ossl::BnCtxPtr ctx(BN_CTX_new());
    field_p_.reset(BN_new());
    curve_a_.reset(BN_new());
    curve_b_.reset(BN_new());
    d_.reset(BN_secure_new());
    if (!ctx || !field_p_ || !curve_a_ || !curve_b_ || !d_ ||
        EC_GROUP_get_curve(curve_.get(), field_p_.get(), curve_a_.get(), curve_b_.get(),
                           ctx.get()) != 1) {
      return ossl::CryptoError("ECP curve parameters");
    }
    const BIGNUM* order = EC_GROUP_get0_order(curve_.get());
    const int order_bits = BN_num_bits(order);
    const size_t d_len = static_cast<size_t>(order_bits + 7) / 8;
    const int excess_bits = static_cast<int>(d_len * 8) - order_bits;
    uint8_t buffer[66];
    for (int attempt = 0;; ++attempt) {
      // Each draw is accepted with probability > 1/2; 64 rejections in a row mean a broken RNG.
      if (attempt == 64) return MakeError(ErrorCode::kCryptoFailure, "RNG yields no ECP scalar");
      rng.Fill(std::span<uint8_t>(buffer, d_len));
      buffer[0] &= static_cast<uint8_t>(0xff >> excess_bits);
      const bool converted = BN_bin2bn(buffer, static_cast<int>(d_len), d_.get()) != nullptr;
      OPENSSL_cleanse(buffer, sizeof(buffer));
      if (!converted) return ossl::CryptoError("ECP private value");
      if (!BN_is_zero(d_.get()) && BN_cmp(d_.get(), order) < 0) break;
    }
    BN_set_flags(d_.get(), BN_FLG_CONSTTIME);
    EcPointPtr q(EC_POINT_new(curve_.get()));
    if (!q || EC_POINT_mul(curve_.get(), q.get(), d_.get(), nullptr, nullptr, ctx.get()) != 1) {
      return ossl::CryptoError("ECP d*G");
    }
    public_value_.resize(2 * coordinate_size_);
    return EncodeCoordinates(q.get(), ctx.get(), public_value_.data(), true);
  }

  Result<Bytes> Derive(ByteView peer_public, PreparedCrypto* /*prepared*/) const override {
    if (peer_public.size() != 2 * coordinate_size_) {
      return InvalidPublicKey(group(), "must be " + std::to_string(2 * coordinate_size_) +
                                           " octets (x || y), got " +
                                           std::to_string(peer_public.size()));
    }
    ossl::BnCtxPtr ctx(BN_CTX_new());
    ossl::BnPtr x(BN_bin2bn(peer_public.data(), static_cast<int>(coordinate_size_), nullptr));
    ossl::BnPtr y(BN_bin2bn(peer_public.data() + coordinate_size_,
                            static_cast<int>(coordinate_size_), nullptr));
    if (!ctx || !x || !y) return ossl::CryptoError("ECP peer value decoding");
    // SP 800-56A §5.6.2.3.4: coordinates are field elements, the point satisfies the curve
    // equation, and it is not the point at infinity (which has no x || y encoding; RFC 5903
    // leaves none for it, and (0, 0) is not on these curves). Cofactor 1: no small subgroups.
    if (BN_cmp(x.get(), field_p_.get()) >= 0 || BN_cmp(y.get(), field_p_.get()) >= 0) {
      return InvalidPublicKey(group(), "coordinate is not below the field prime");
    }
    auto on_curve = SatisfiesCurveEquation(x.get(), y.get(), ctx.get());
    if (!on_curve.ok()) return on_curve.error();
    if (!*on_curve) return InvalidPublicKey(group(), "point is not on the curve");
    EcPointPtr peer(EC_POINT_new(curve_.get()));
    if (!peer || EC_POINT_set_affine_coordinates(curve_.get(), peer.get(), x.get(), y.get(),
                                                 ctx.get()) != 1) {
      return ossl::CryptoError("ECP peer point");
    }
    if (EC_POINT_is_at_infinity(curve_.get(), peer.get()) == 1) {
      return InvalidPublicKey(group(), "point at infinity");
    }
    EcPointPtr shared(EC_POINT_new(curve_.get()));
    if (!shared ||
        EC_POINT_mul(curve_.get(), shared.get(), nullptr, peer.get(), d_.get(), ctx.get()) != 1) {
      return ossl::CryptoError("ECP d*Q");
    }
    if (EC_POINT_is_at_infinity(curve_.get(), shared.get()) == 1) {
      return InvalidPublicKey(group(), "shared point is at infinity");
    }
    // RFC 5903 §7: the shared secret is the x coordinate of d*Q.
    Bytes secret(coordinate_size_);
    IKEWOT_RETURN_IF_ERROR(EncodeCoordinates(shared.get(), ctx.get(), secret.data(), false));
    return secret;
  }

 private:
  // y^2 == x^3 + a*x + b (mod p), with plain field arithmetic: cheap and independent of
  // OpenSSL's point representation.
  Result<bool> SatisfiesCurveEquation(const BIGNUM* x, const BIGNUM* y, BN_CTX* ctx) const {
    ossl::BnPtr lhs(BN_new());
    ossl::BnPtr rhs(BN_new());
    ossl::BnPtr ax(BN_new());
    const BIGNUM* p = field_p_.get();
    if (!lhs || !rhs || !ax || BN_mod_sqr(lhs.get(), y, p, ctx) != 1 ||
        BN_mod_sqr(rhs.get(), x, p, ctx) != 1 || BN_mod_mul(rhs.get(), rhs.get(), x, p, ctx) != 1 ||
        BN_mod_mul(ax.get(), curve_a_.get(), x, p, ctx) != 1 ||
        BN_mod_add(rhs.get(), rhs.get(), ax.get(), p, ctx) != 1 ||
        BN_mod_add(rhs.get(), rhs.get(), curve_b_.get(), p, ctx) != 1) {
      return ossl::CryptoError("ECP curve equation");
    }
    return BN_cmp(lhs.get(), rhs.get()) == 0;
  }

  Status EncodeCoordinates(const EC_POINT* point, BN_CTX* ctx, uint8_t* out, bool with_y) const {
    ossl::BnPtr x(BN_new());
    ossl::BnPtr y(BN_new());
    const int width = static_cast<int>(coordinate_size_);
    if (!x || !y ||
        EC_POINT_get_affine_coordinates(curve_.get(), point, x.get(), y.get(), ctx) != 1 ||
        BN_bn2binpad(x.get(), out, width) != width ||
        (with_y && BN_bn2binpad(y.get(), out + coordinate_size_, width) != width)) {
      return ossl::CryptoError("ECP coordinate encoding");
    }
    BN_clear(x.get());
    BN_clear(y.get());
    return Status::Ok();
  }

  EcGroupPtr curve_;
  size_t coordinate_size_;
  ossl::BnPtr field_p_;
  ossl::BnPtr curve_a_;
  ossl::BnPtr curve_b_;
  SecretBnPtr d_;
};

}  // namespace

Result<std::unique_ptr<KeyExchange>> CreateEcpKeyExchange(uint16_t group, Rng& rng) {
  EcGroupPtr curve(EC_GROUP_new_by_curve_name(CurveNid(group)));
  if (!curve) return ossl::CryptoError("EC_GROUP_new_by_curve_name");
  const size_t coordinate_size = (static_cast<size_t>(EC_GROUP_get_degree(curve.get())) + 7) / 8;
  auto kex = std::make_unique<EcpKeyExchange>(group, std::move(curve), coordinate_size);
  IKEWOT_RETURN_IF_ERROR(kex->Generate(rng));
  return std::unique_ptr<KeyExchange>(std::move(kex));
}

}  // namespace ikewot::crypto::internal
