// Curve25519 and Curve448 groups 31, 32 (RFC 8031, functions X25519/X448 of RFC 7748).
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <string>

#include "core/crypto/dh_groups.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/prepared.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto::internal {
namespace {

struct EcxParams {
  int pkey_type;
  const char* name;  // OpenSSL's key type name
  size_t size;       // octets of keys, public values and shared secrets
};

EcxParams ParamsFor(uint16_t group) {
  return group == kDhCurve25519 ? EcxParams{EVP_PKEY_X25519, "X25519", 32}
                                : EcxParams{EVP_PKEY_X448, "X448", 56};
}

// Encodings u whose X25519/X448 result is all zero for every clamped scalar (RFC 7748 §6): the
// points of order dividing the cofactor, on the curve or its twist. Little-endian.
//
// X25519 ignores bit 255 (RFC 7748 §5), so after clearing it u < 2^255 = p + 19, and the only
// non-canonical encodings are p + 0..18. The small-order residues are 0, 1, p-1 and the two
// points of order 8, so the complete list is those five plus p (= 0) and p+1 (= 1).
// X448 uses all 448 bits; u >= p reduces to 0..2^224, so the residues {0, 1, p-1} give the
// five encodings 0, 1, p-1, p, p+1.
using Encoding25519 = std::array<uint8_t, 32>;
using Encoding448 = std::array<uint8_t, 56>;

constexpr Encoding25519 Curve25519PrimePlus(int delta) {  // p + delta for delta in -1..1
  Encoding25519 e{};
  for (auto& b : e) b = 0xff;
  e[0] = static_cast<uint8_t>(0xed + delta);
  e[31] = 0x7f;
  return e;
}

constexpr Encoding448 Curve448PrimePlus(int delta) {  // p + delta for delta in -1..1
  Encoding448 e{};
  for (auto& b : e) b = 0xff;
  e[28] = 0xfe;
  if (delta == -1) e[0] = 0xfe;
  if (delta == 1) {
    for (int i = 0; i < 28; ++i) e[i] = 0x00;
    e[28] = 0xff;
  }
  return e;
}

constexpr Encoding25519 kSmallOrder25519[] = {
    {},   // 0
    {1},  // 1
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
     0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
     0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},  // order 8
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,
     0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
     0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},  // order 8
    Curve25519PrimePlus(-1),
    Curve25519PrimePlus(0),
    Curve25519PrimePlus(1),
};

constexpr Encoding448 kSmallOrder448[] = {
    {}, {1}, Curve448PrimePlus(-1), Curve448PrimePlus(0), Curve448PrimePlus(1)};

bool HasSmallOrder(uint16_t group, ByteView u) {
  if (group == kDhCurve25519) {
    Encoding25519 masked;
    std::copy(u.begin(), u.end(), masked.begin());
    masked[31] &= 0x7f;
    return std::find(std::begin(kSmallOrder25519), std::end(kSmallOrder25519), masked) !=
           std::end(kSmallOrder25519);
  }
  Encoding448 value;
  std::copy(u.begin(), u.end(), value.begin());
  return std::find(std::begin(kSmallOrder448), std::end(kSmallOrder448), value) !=
         std::end(kSmallOrder448);
}

class EcxKeyExchange final : public KeyExchange {
 public:
  EcxKeyExchange(uint16_t group, ossl::PkeyPtr key) : KeyExchange(group), key_(std::move(key)) {}

  Status ExportPublic(size_t size) {
    public_value_.resize(size);
    size_t len = size;
    if (EVP_PKEY_get_raw_public_key(key_.get(), public_value_.data(), &len) != 1 || len != size) {
      return ossl::CryptoError("ECX public value");
    }
    return Status::Ok();
  }

  Result<Bytes> Derive(ByteView peer_public, PreparedCrypto* prepared) const override {
    const EcxParams params = ParamsFor(group());
    if (peer_public.size() != params.size) {
      return InvalidPublicKey(group(), "must be " + std::to_string(params.size) + " octets, got " +
                                           std::to_string(peer_public.size()));
    }
    if (HasSmallOrder(group(), peer_public)) {
      return InvalidPublicKey(group(), "point of small order (all-zero shared secret)");
    }

    ossl::PkeyPtr own_peer;
    EVP_PKEY* peer = nullptr;
    if (prepared != nullptr) {
      Result<EVP_PKEY*> scratch = prepared->EcxPeerKey(params.pkey_type, peer_public);
      if (!scratch.ok()) return scratch.error();
      peer = *scratch;
    } else {
      own_peer.reset(EVP_PKEY_new_raw_public_key(params.pkey_type, nullptr, peer_public.data(),
                                                 peer_public.size()));
      if (!own_peer) return ossl::CryptoError("ECX peer key");
      peer = own_peer.get();
    }
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    // No peer validation by OpenSSL: for X25519/X448 its public check only asks whether the key
    // has a public value (it does); the length and small-order checks above are the real ones.
    // Skipping it saves building a second context per derivation.
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, /*validate_peer=*/0) != 1) {
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
  ossl::PkeyPtr key_;
};

}  // namespace

Result<std::unique_ptr<KeyExchange>> CreateEcxKeyExchange(uint16_t group, Rng& rng,
                                                          PreparedCrypto* prepared) {
  const EcxParams params = ParamsFor(group);
  // RFC 7748 §6: the private key is random octets; clamping happens inside X25519/X448.
  uint8_t private_key[56];
  rng.Fill(std::span<uint8_t>(private_key, params.size));
  ossl::PkeyPtr key;
  if (prepared != nullptr) {
    // The same import EVP_PKEY_new_raw_private_key does, through a prepared context.
    OSSL_PARAM import[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, private_key, params.size),
        OSSL_PARAM_construct_end()};
    Result<ossl::PkeyPtr> made = prepared->KeyFromData(params.name, EVP_PKEY_KEYPAIR, import);
    OPENSSL_cleanse(private_key, sizeof(private_key));
    if (!made.ok()) return made.error();
    key = std::move(*made);
  } else {
    key.reset(EVP_PKEY_new_raw_private_key(params.pkey_type, nullptr, private_key, params.size));
    OPENSSL_cleanse(private_key, sizeof(private_key));
    if (!key) return ossl::CryptoError("ECX private key");
  }
  auto kex = std::make_unique<EcxKeyExchange>(group, std::move(key));
  IKEWOT_RETURN_IF_ERROR(kex->ExportPublic(params.size));
  return std::unique_ptr<KeyExchange>(std::move(kex));
}

}  // namespace ikewot::crypto::internal
