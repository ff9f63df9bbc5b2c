// C++ objects that Python holds by shared_ptr and that other objects point into: an identity
// (the key an Endorser refers to must not move) and a trust store with its lock.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/trust/entry.h"
#include "core/trust/owned_store.h"
#include "core/trust/store_types.h"
#include "core/trust/trust_store.h"
#include "pybind/common.h"

namespace ikewot::python {

// A node's identity: private key, self-signed certificate and the Endorser that signs with them.
// Created only through Make, so `endorser` may point at `key`.
class IdentityHolder {
 public:
  static std::shared_ptr<IdentityHolder> Make(crypto::PrivateKey key,
                                              crypto::Certificate certificate) {
    auto holder =
        std::shared_ptr<IdentityHolder>(new IdentityHolder(std::move(key), std::move(certificate)));
    // Fails when the certificate does not carry the key's public half.
    holder->endorser_.emplace(Unwrap(trust::Endorser::Create(holder->key_, holder->certificate_)));
    return holder;
  }

  const crypto::PrivateKey& key() const { return key_; }
  const crypto::Certificate& certificate() const { return certificate_; }
  const trust::Endorser& endorser() const { return *endorser_; }

 private:
  IdentityHolder(crypto::PrivateKey key, crypto::Certificate certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}

  crypto::PrivateKey key_;
  crypto::Certificate certificate_;
  std::optional<trust::Endorser> endorser_;
};
using IdentityPtr = std::shared_ptr<IdentityHolder>;

// A trust store with the identity that owns it. Calls run with the GIL released, so a lock keeps
// two Python threads from entering the (single-threaded) store at once.
struct StoreHolder {
  IdentityPtr identity;  // may be null
  // One of these owns the store: one opened here, or a home store as the CLI opens it.
  std::unique_ptr<trust::TrustStore> own_store;
  std::unique_ptr<trust::OwnedStore> home_store;
  trust::TrustStore* store = nullptr;
  std::string backend;  // "sqlite" or "memory"
  std::string path;     // sqlite only
  std::mutex mutex;
};
using StorePtr = std::shared_ptr<StoreHolder>;

// A verified collection ready to import (OpenCollection + PrepareCollection, as `ikewot import`).
struct CollectionHolder {
  explicit CollectionHolder(trust::PreparedCollection p) : prepared(std::move(p)) {}
  trust::PreparedCollection prepared;
};
using CollectionPtr = std::shared_ptr<CollectionHolder>;

}  // namespace ikewot::python
