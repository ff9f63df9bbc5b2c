#include "core/engine/peer_certificates.h"

#include <utility>

namespace ikewot::engine {
namespace {

std::string_view AsKey(ByteView der) {
  return std::string_view(reinterpret_cast<const char*>(der.data()), der.size());
}

}  // namespace

PeerCertificateCache::Map::iterator PeerCertificateCache::Find(ByteView der) {
  return entries_.find(AsKey(der));
}

void PeerCertificateCache::Touch(Map::iterator it) {
  recency_.splice(recency_.begin(), recency_, it->second.recency);
}

Result<crypto::Certificate> PeerCertificateCache::Parse(ByteView der) {
  if (auto it = Find(der); it != entries_.end()) {
    ++stats_.hits;
    Touch(it);
    return it->second.certificate;
  }
  ++stats_.misses;
  Result<crypto::Certificate> parsed = crypto::Certificate::FromDer(der);
  if (!parsed.ok() || max_entries_ == 0) return parsed;
  if (entries_.size() >= max_entries_) {
    entries_.erase(recency_.back());
    recency_.pop_back();
    ++stats_.evictions;
  }
  // The key must view the entry's own copy of the octets, not the caller's buffer.
  const std::string_view key = AsKey(parsed->ToDer());
  recency_.push_front(key);
  entries_.emplace(key, Entry{*parsed, std::nullopt, recency_.begin(), nullptr});
  return parsed;
}

Result<crypto::PublicKey> PeerCertificateCache::PublicKeyOf(const crypto::Certificate& cert) {
  auto it = Find(cert.ToDer());
  if (it != entries_.end() && it->second.public_key) return *it->second.public_key;
  Result<crypto::PublicKey> key = cert.public_key();
  if (key.ok() && it != entries_.end()) it->second.public_key = *key;
  return key;
}

crypto::SignatureTemplates* PeerCertificateCache::VerifyTemplatesOf(
    const crypto::Certificate& cert) {
  auto it = Find(cert.ToDer());
  if (it == entries_.end()) return nullptr;
  // One key per entry; a second template would only appear if the peer changed its AUTH hash.
  if (!it->second.verify_templates) {
    it->second.verify_templates = std::make_unique<crypto::SignatureTemplates>(1);
  }
  return it->second.verify_templates.get();
}

}  // namespace ikewot::engine
