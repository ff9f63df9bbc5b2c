#include "core/engine/cookie.h"

#include <openssl/core_names.h>

#include "core/base/writer.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::engine {

void CookieJar::MaybeRotate(TimePoint now, Rng& rng) {
  if (current_.valid && now - rotated_at_ < policy_.secret_lifetime) return;
  previous_ = current_;
  current_.version = previous_.valid ? previous_.version + 1 : rng.NextU32();
  rng.Fill(current_.key);
  current_.valid = true;
  rotated_at_ = now;
}

Result<Bytes> CookieJar::Compute(const Secret& secret, ByteView nonce_i, ByteView initiator_address,
                                 uint64_t spi_i) const {
  if (!secret.valid) return MakeError(ErrorCode::kState, "cookie secret not drawn yet");
  ossl::MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return ossl::CryptoError("EVP_MAC_fetch(HMAC)");
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return ossl::CryptoError("EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  Bytes spi_bytes;
  Writer(&spi_bytes).U64(spi_i);
  if (EVP_MAC_init(ctx.get(), secret.key.data(), secret.key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), nonce_i.data(), nonce_i.size()) != 1 ||
      EVP_MAC_update(ctx.get(), initiator_address.data(), initiator_address.size()) != 1 ||
      EVP_MAC_update(ctx.get(), spi_bytes.data(), spi_bytes.size()) != 1) {
    return ossl::CryptoError("cookie HMAC");
  }
  Bytes cookie;
  Writer writer(&cookie);
  writer.U32(secret.version);
  size_t tag_len = 0;
  cookie.resize(kCookieSize);
  if (EVP_MAC_final(ctx.get(), cookie.data() + 4, &tag_len, kCookieSize - 4) != 1 ||
      tag_len != kCookieSize - 4) {
    return ossl::CryptoError("cookie HMAC final");
  }
  return cookie;
}

Result<Bytes> CookieJar::Make(ByteView nonce_i, ByteView initiator_address, uint64_t spi_i) const {
  return Compute(current_, nonce_i, initiator_address, spi_i);
}

bool CookieJar::Verify(ByteView cookie, ByteView nonce_i, ByteView initiator_address,
                       uint64_t spi_i) const {
  if (cookie.size() != kCookieSize) return false;
  const uint32_t version =
      static_cast<uint32_t>(cookie[0]) << 24 | cookie[1] << 16 | cookie[2] << 8 | cookie[3];
  for (const Secret* secret : {&current_, &previous_}) {
    if (!secret->valid || secret->version != version) continue;
    Result<Bytes> expected = Compute(*secret, nonce_i, initiator_address, spi_i);
    return expected.ok() && ConstantTimeEqual(cookie, *expected);
  }
  return false;
}

void HalfOpenTracker::Add(const Bytes& source) {
  ++per_source_[source];
  ++total_;
}

void HalfOpenTracker::Remove(const Bytes& source) {
  auto it = per_source_.find(source);
  if (it == per_source_.end()) return;
  if (--it->second == 0) per_source_.erase(it);
  --total_;
}

uint32_t HalfOpenTracker::CountFor(const Bytes& source) const {
  auto it = per_source_.find(source);
  return it == per_source_.end() ? 0 : it->second;
}

bool HalfOpenTracker::CookieRequired(const Bytes& source) const {
  return total_ >= policy_.global_threshold || CountFor(source) >= policy_.per_source_cookie_after;
}

bool HalfOpenTracker::Blocked(const Bytes& source) const {
  return CountFor(source) >= policy_.per_source_block_after;
}

}  // namespace ikewot::engine
