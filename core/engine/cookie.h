// The responder's stateless cookie (RFC 7296 §2.6) and half-open SA accounting.
//
//   Cookie = <VersionIDofSecret> | HMAC-SHA256(secret, Ni | IPi | SPIi)
//
// The responder keeps no state for a request until its cookie checks out. Secrets rotate; the
// previous secret stays valid for one period so a cookie handed out just before a rotation still
// works. Cookies are demanded only under load: when the total number of half-open SAs passes a
// threshold, or when one source holds several (real daemons start cookies after ~3 and refuse
// after ~5 half-open SAs per source).
#pragma once

#include <array>
#include <cstdint>
#include <map>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/base/time.h"

namespace ikewot::engine {

struct CookiePolicy {
  // Demand cookies from everyone once this many SAs are half-open in total (0: always).
  uint32_t global_threshold = 64;
  // Demand a cookie from a source that already holds this many half-open SAs.
  uint32_t per_source_cookie_after = 3;
  // Refuse (silently drop) new IKE_SA_INIT from a source holding this many half-open SAs.
  uint32_t per_source_block_after = 5;
  Duration secret_lifetime = std::chrono::minutes(2);
};

class CookieJar {
 public:
  static constexpr size_t kSecretSize = 32;
  static constexpr size_t kCookieSize = 4 + 32;

  explicit CookieJar(CookiePolicy policy = {}) : policy_(policy) {}

  // Rotates the secret when it is older than its lifetime (or was never drawn).
  void MaybeRotate(TimePoint now, Rng& rng);
  Result<Bytes> Make(ByteView nonce_i, ByteView initiator_address, uint64_t spi_i) const;
  // Constant-time check against the current or previous secret.
  bool Verify(ByteView cookie, ByteView nonce_i, ByteView initiator_address, uint64_t spi_i) const;

 private:
  struct Secret {
    uint32_t version = 0;
    std::array<uint8_t, kSecretSize> key{};
    bool valid = false;
  };
  Result<Bytes> Compute(const Secret& secret, ByteView nonce_i, ByteView initiator_address,
                        uint64_t spi_i) const;

  CookiePolicy policy_;
  Secret current_;
  Secret previous_;
  TimePoint rotated_at_{};
};

// Half-open SA counts, per source address and in total.
class HalfOpenTracker {
 public:
  explicit HalfOpenTracker(CookiePolicy policy = {}) : policy_(policy) {}

  void Add(const Bytes& source);
  void Remove(const Bytes& source);
  uint32_t total() const { return total_; }
  uint32_t CountFor(const Bytes& source) const;
  bool CookieRequired(const Bytes& source) const;
  bool Blocked(const Bytes& source) const;

 private:
  CookiePolicy policy_;
  std::map<Bytes, uint32_t> per_source_;
  uint32_t total_ = 0;
};

}  // namespace ikewot::engine
