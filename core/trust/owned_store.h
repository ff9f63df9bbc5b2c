// A trust store together with the identity that owns it: what a node (or a CLI command) opens.
// The owner's Endorser points at the key held here, so the object stays where it was made.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/trust/entry.h"
#include "core/trust/trust_store.h"

namespace ikewot::trust {

class OwnedStore {
 public:
  // SQLite at `path`; `key` and `certificate` are this node's identity, both or neither.
  // Signing-mode problems found on load are in store().load_problems().
  static Result<std::unique_ptr<OwnedStore>> OpenSqlite(
      const std::string& path, std::optional<crypto::PrivateKey> key,
      std::optional<crypto::Certificate> certificate);

  TrustStore& store() { return *store_; }
  // Null when the node has no identity yet.
  const Endorser* owner() const { return owner_ ? &*owner_ : nullptr; }
  const crypto::PrivateKey* key() const { return key_ ? &*key_ : nullptr; }
  const crypto::Certificate* certificate() const { return certificate_ ? &*certificate_ : nullptr; }

  OwnedStore(const OwnedStore&) = delete;
  OwnedStore& operator=(const OwnedStore&) = delete;

 private:
  OwnedStore() = default;

  std::optional<crypto::PrivateKey> key_;
  std::optional<crypto::Certificate> certificate_;
  std::optional<Endorser> owner_;
  std::unique_ptr<TrustStore> store_;
};

}  // namespace ikewot::trust
