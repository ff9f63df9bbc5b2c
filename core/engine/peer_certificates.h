// PeerCertificateCache: a node's bounded memory of the peer certificates it has parsed, so a
// node that meets the same peer again does not pay OpenSSL 3.0's certificate and key decoders
// (d2i_X509 plus the public-key decoder cost several times an ECDSA verification) on every
// IKE_AUTH. An IkeNode owns one; its SAs reach it through SaContext.
//
// The key is the exact DER octets that arrived, so a hit returns precisely what
// crypto::Certificate::FromDer would have returned for them (FromDer is a pure function of its
// input). Failed parses are not remembered: bad input costs the parse every time, as before,
// and cannot push good entries out. Nothing that depends on time (validity, trust) is cached;
// those checks still run on every use. Eviction is least-recently-used, bounded by a count.
// An entry also keeps the prepared verification context (EVP_DigestVerifyInit done) for the
// certificate's key, so verifying the same peer's next AUTH copies it instead of initialising.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/prepared.h"

namespace ikewot::engine {

struct PeerCertificateCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;     // parsed (successfully or not) because not cached
  uint64_t evictions = 0;  // entries dropped to stay within the bound
};

class PeerCertificateCache {
 public:
  // max_entries == 0 disables caching (every call parses).
  explicit PeerCertificateCache(size_t max_entries) : max_entries_(max_entries) {}
  PeerCertificateCache(const PeerCertificateCache&) = delete;
  PeerCertificateCache& operator=(const PeerCertificateCache&) = delete;

  // crypto::Certificate::FromDer(der), remembered on success.
  Result<crypto::Certificate> Parse(ByteView der);
  // cert.public_key(), remembered with the certificate's entry when it has one.
  Result<crypto::PublicKey> PublicKeyOf(const crypto::Certificate& cert);
  // Where to keep prepared verification contexts for cert's key (crypto::VerifyAuth), or null
  // when cert is not cached. Valid until the next call that changes the cache.
  crypto::SignatureTemplates* VerifyTemplatesOf(const crypto::Certificate& cert);

  size_t size() const { return entries_.size(); }
  size_t max_entries() const { return max_entries_; }
  const PeerCertificateCacheStats& stats() const { return stats_; }

 private:
  struct Entry {
    crypto::Certificate certificate;
    std::optional<crypto::PublicKey> public_key;
    std::list<std::string_view>::iterator recency;  // position in recency_ (front = newest)
    std::unique_ptr<crypto::SignatureTemplates> verify_templates;  // made on first verification
  };
  // Keys view the DER held by the entry's own Certificate (shared, immutable), so the octets
  // are stored once.
  using Map = std::unordered_map<std::string_view, Entry>;

  Map::iterator Find(ByteView der);
  void Touch(Map::iterator it);

  size_t max_entries_;
  Map entries_;
  std::list<std::string_view> recency_;
  PeerCertificateCacheStats stats_;
};

}  // namespace ikewot::engine
