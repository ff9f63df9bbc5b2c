#include "core/trust/owned_store.h"

namespace ikewot::trust {

Result<std::unique_ptr<OwnedStore>> OwnedStore::OpenSqlite(
    const std::string& path, std::optional<crypto::PrivateKey> key,
    std::optional<crypto::Certificate> certificate) {
  if (key.has_value() != certificate.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument, "an owner needs both a key and a certificate");
  }
  std::unique_ptr<OwnedStore> owned(new OwnedStore());
  owned->key_ = std::move(key);
  owned->certificate_ = std::move(certificate);
  if (owned->key_) {
    auto endorser = Endorser::Create(*owned->key_, *owned->certificate_);
    if (!endorser.ok()) return endorser.error();
    owned->owner_.emplace(std::move(*endorser));
  }
  StoreOptions options;
  options.owner = owned->owner();
  auto store = TrustStore::OpenSqlite(path, options);
  if (!store.ok()) return store.error();
  owned->store_ = std::move(*store);
  return owned;
}

}  // namespace ikewot::trust
