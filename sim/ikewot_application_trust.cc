// IkewotApplication: what the node trusts (the trust half of the driver): verifications,
// sharing and importing collections, and the trust / untrust / conflict events that follow
// every change of the store.
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/trust/collection.h"
#include "sim/ikewot_application.h"

namespace ikewot::sim {

Status IkewotApplication::AcceptVerified(const Bytes& certificate_der) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  trust::AcceptOptions options;
  options.note = "verified by phone in the simulation";
  Result<trust::LocalEntry> entry = store_->AddLocal(certificate_der, options, Now());
  if (!entry.ok()) return entry.error();
  RefreshTrust("verified");
  return Status::Ok();
}

void IkewotApplication::RecordVerification(uint32_t peer, bool ok, int64_t duration_s) {
  Json fields = Json::MakeObject();
  fields.Set("peer", peer);
  fields.Set("ok", ok);
  fields.Set("duration_s", duration_s);
  Emit("verify", std::move(fields));
}

Result<IkewotApplication::Shared> IkewotApplication::Share(uint32_t depth,
                                                           const std::string& recipients) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  trust::ShareOptions options;
  options.depth = depth;
  Result<trust::ShareResult> result = store_->Share(*endorser_, options, Now());
  if (!result.ok()) return result.error();
  Shared shared;
  shared.file = std::move(result->file);
  shared.id = std::to_string(node_id_) + "/" + std::to_string(result->sequence);
  shared.entries = result->entries;
  ++shares_;
  Json fields = Json::MakeObject();
  fields.Set("collection", shared.id);
  fields.Set("entries", static_cast<uint64_t>(shared.entries));
  fields.Set("recipients", recipients);
  Emit("share", std::move(fields));
  return shared;
}

Status IkewotApplication::Import(const Bytes& file, uint32_t from, const std::string& collection_id,
                                 const trust::Condition& condition) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  auto report_failure = [&](const Error& error) {
    Json fields = Json::MakeObject();
    fields.Set("from", from);
    fields.Set("collection", collection_id);
    fields.Set("entries", 0);
    fields.Set("ok", false);
    fields.Set("reason", error.message);
    Emit("import", std::move(fields));
    return Status(error);
  };
  trust::Decryptor decryptor{key_.get(), &*certificate_};
  Result<trust::OpenedCollection> opened = trust::OpenCollection(file, decryptor);
  if (!opened.ok()) return report_failure(opened.error());
  Result<trust::PreparedCollection> prepared = trust::PrepareCollection(std::move(*opened));
  if (!prepared.ok()) return report_failure(prepared.error());
  trust::ImportOptions options;
  options.name = StoreNameFor(from);
  Result<trust::ImportReport> report = store_->Import(*prepared, options, Now());
  if (!report.ok()) return report_failure(report.error());
  collection_ids_[report->name] = collection_id;
  Json fields = Json::MakeObject();
  fields.Set("from", from);
  fields.Set("collection", collection_id);
  fields.Set("entries", static_cast<uint64_t>(report->stored));
  fields.Set("ok", true);
  fields.Set("reason", "");
  Emit("import", std::move(fields));
  if (condition.kind != trust::Condition::Kind::kNone) {
    Status set = store_->SetCollectionCondition(report->name, condition, Now());
    if (!set.ok()) return set;
  }
  Json enable = Json::MakeObject();
  enable.Set("collection", collection_id);
  enable.Set("from", from);
  enable.Set("condition", condition.kind == trust::Condition::Kind::kWhilePeerUp
                              ? Json("connected:" + condition.peer)
                              : Json(nullptr));
  Emit("enable", std::move(enable));
  RefreshTrust("collection imported");
  return Status::Ok();
}

Status IkewotApplication::SetCollectionEnabled(uint32_t from, bool enabled) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  const std::string name = StoreNameFor(from);
  Status status = store_->SetCollectionEnabled(name, enabled, Now());
  if (!status.ok()) return status;
  Json fields = Json::MakeObject();
  fields.Set("collection", collection_ids_.count(name) ? collection_ids_[name] : name);
  fields.Set("from", from);
  fields.Set("condition", nullptr);
  Emit(enabled ? "enable" : "disable", std::move(fields));
  RefreshTrust(enabled ? "collection enabled" : "collection disabled");
  return Status::Ok();
}

void IkewotApplication::RefreshTrust(const std::string& reason) {
  // Every certificate the store knows about: local decisions and collection entries.
  std::map<Bytes, Bytes> candidates;  // fingerprint -> DER
  if (Result<std::vector<trust::LocalEntry>> local = store_->ListLocal(); local.ok()) {
    for (const trust::LocalEntry& e : *local) candidates[e.fingerprint()] = e.certificate;
  }
  if (Result<std::vector<trust::CollectionInfo>> infos = store_->ListCollections(); infos.ok()) {
    for (const trust::CollectionInfo& info : *infos) {
      Result<std::vector<trust::EntryRef>> entries = store_->CollectionEntries(info.name);
      if (!entries.ok()) continue;
      for (const trust::EntryRef& e : *entries) {
        candidates.emplace(e->cert.fingerprint, e->entry.tbs.certificate);
      }
    }
  }
  std::map<Bytes, TrustEdge> now_trusted;
  for (const auto& [fingerprint, der] : candidates) {
    trust::DecisionQuery query;
    query.certificate = der;
    query.now = Now();
    Result<trust::Decision> decision = store_->Decide(query);
    if (!decision.ok()) continue;
    const NodeRecord* peer = directory_ ? directory_->BySubject(decision->subject) : nullptr;
    if (decision->verdict == trust::Verdict::kConflict) {
      if (conflicts_reported_.insert(fingerprint).second) {
        Json fields = Json::MakeObject();
        fields.Set("peer", peer ? Json(peer->id) : Json(decision->subject));
        // The other source: "local pin", or "collection from-<sharer>".
        const std::string source =
            decision->conflicts.empty() ? std::string() : decision->conflicts.front().source;
        Json from = nullptr;
        Json collection = nullptr;
        const std::string prefix = "collection ";
        if (source.rfind(prefix, 0) == 0) {
          const std::string name = source.substr(prefix.size());
          auto id = collection_ids_.find(name);
          collection = Json(id != collection_ids_.end() ? id->second : name);
          if (name.rfind("from-", 0) == 0) {
            from = Json(static_cast<int64_t>(std::strtoll(name.c_str() + 5, nullptr, 10)));
          }
        }
        fields.Set("from", from);
        fields.Set("collection", collection);
        fields.Set("source", source);
        fields.Set("genuine", peer != nullptr && peer->fingerprint == fingerprint);
        Emit("conflict", std::move(fields));
      }
      continue;
    }
    if (!decision->trusted() || peer == nullptr || peer->id == node_id_) continue;
    TrustEdge edge;
    edge.peer = peer->id;
    edge.depth = static_cast<uint32_t>(decision->depth);
    edge.genuine = peer->fingerprint == fingerprint;
    if (decision->verdict == trust::Verdict::kTrustedVia) {
      const NodeRecord* signer = directory_->ByFingerprint(decision->signer_fingerprint);
      if (signer != nullptr) edge.via = signer->id;
      auto id = collection_ids_.find(decision->collection);
      edge.collection = id != collection_ids_.end() ? id->second : decision->collection;
    }
    now_trusted[fingerprint] = edge;
  }
  for (const auto& [fingerprint, edge] : trusted_) {
    if (now_trusted.count(fingerprint) != 0) continue;
    Json fields = Json::MakeObject();
    fields.Set("peer", edge.peer);
    fields.Set("via", edge.via ? Json(*edge.via) : Json(nullptr));
    fields.Set("reason", reason);
    Emit("untrust", std::move(fields));
  }
  for (const auto& [fingerprint, edge] : now_trusted) {
    auto old = trusted_.find(fingerprint);
    if (old != trusted_.end() && old->second.via == edge.via && old->second.depth == edge.depth) {
      continue;
    }
    Json fields = Json::MakeObject();
    fields.Set("peer", edge.peer);
    fields.Set("via", edge.via ? Json(*edge.via) : Json(nullptr));
    fields.Set("depth", edge.depth);
    fields.Set("genuine", edge.genuine);
    fields.Set("collection", edge.collection.empty() ? Json(nullptr) : Json(edge.collection));
    Emit("trust", std::move(fields));
  }
  trusted_ = std::move(now_trusted);
}

}  // namespace ikewot::sim
