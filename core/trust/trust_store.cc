// TrustStore: opening, marking modes, local decisions, collection management, the event log.
// Decisions are in decide.cc, importing in import.cc, sharing in share.cc.
#include "core/trust/trust_store.h"

#include <algorithm>

#include "core/crypto/certificate_text.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"

namespace ikewot::trust {
namespace {

constexpr size_t kMaxNoteBytes = 1024;
constexpr const char* kModeSetting = "marking_mode";
constexpr const char* kOwnerSetting = "owner_fingerprint";

std::string Key(ByteView b) { return std::string(b.begin(), b.end()); }

Status CheckNote(const std::string& note) {
  if (note.size() > kMaxNoteBytes) {
    return MakeError(ErrorCode::kLimitExceeded, "a note has at most 1024 bytes");
  }
  if (!der::IsValidUtf8(note)) return MakeError(ErrorCode::kInvalidArgument, "note is not UTF-8");
  for (char c : note) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a note is one line without control characters");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<TrustStore>> TrustStore::OpenSqlite(const std::string& path,
                                                           const StoreOptions& options) {
  auto backend = OpenSqliteBackend(path);
  if (!backend.ok()) return backend.error();
  return Open(std::move(*backend), options);
}

Result<std::unique_ptr<TrustStore>> TrustStore::InMemory(const StoreOptions& options) {
  return Open(MakeMemoryBackend(), options);
}

Result<std::unique_ptr<TrustStore>> TrustStore::Open(std::unique_ptr<TrustBackend> backend,
                                                     const StoreOptions& options) {
  std::unique_ptr<TrustStore> store(new TrustStore(std::move(backend), options));
  IKEWOT_RETURN_IF_ERROR(store->Load(options));
  return store;
}

Status TrustStore::Load(const StoreOptions& options) {
  auto mode = backend_->GetSetting(kModeSetting);
  if (!mode.ok()) return mode.error();
  if (!*mode) {
    if (options.mode == MarkingMode::kSigned && !owner_) {
      return MakeError(ErrorCode::kInvalidArgument, "a signed-mode store needs the owner's key");
    }
    IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
      IKEWOT_RETURN_IF_ERROR(backend_->PutSetting(kModeSetting, MarkingModeName(options.mode)));
      if (owner_)
        IKEWOT_RETURN_IF_ERROR(backend_->PutSetting(kOwnerSetting, ToHex(owner_->fingerprint())));
      return Status::Ok();
    }));
    mode_ = options.mode;
    return Status::Ok();
  }
  auto parsed = ParseMarkingMode(**mode);
  if (!parsed) {
    return MakeError(ErrorCode::kBadValue,
                     "trust store has an unknown marking mode \"" + (**mode).substr(0, 32) + "\"");
  }
  mode_ = *parsed;
  if (mode_ != MarkingMode::kSigned) return Status::Ok();
  if (!owner_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "this trust store marks acceptances with the owner's signature; opening it "
                     "needs the owner's key and certificate");
  }
  // Verify on load: an acceptance counts only with a valid signature by this owner.
  auto entries = backend_->ListLocal();
  if (!entries.ok()) return entries.error();
  for (const LocalEntry& e : *entries) {
    if (e.verdict != LocalVerdict::kAccepted) continue;
    if (!EndorsementValid(e)) {
      load_problems_.push_back(FingerprintText(e.fingerprint()) + " (" + e.cert.subject +
                               "): the acceptance's signature is missing or does not verify; "
                               "not trusted");
    }
  }
  return Status::Ok();
}

Status TrustStore::Log(TimePoint now, std::string kind, std::string subject, std::string detail) {
  Event e{0, now.UnixSeconds(), std::move(kind), std::move(subject), std::move(detail)};
  return backend_->AppendEvent(&e);
}

bool TrustStore::EndorsementValid(const LocalEntry& entry) {
  if (entry.endorsement.empty() || !owner_) return false;
  const std::string key = Key(Sha256(entry.endorsement));
  if (verified_.count(key)) return true;
  if (failed_.count(key)) return false;
  bool ok = false;
  auto signed_entry = ParseSignedEntry(entry.endorsement);
  if (signed_entry.ok() && signed_entry->tbs.certificate == entry.certificate &&
      signed_entry->tbs.policy == entry.policy && signed_entry->tbs.path.empty()) {
    auto verifier = EntryVerifier::Create(owner_->certificate());
    ok = verifier.ok() && verifier->Verify(*signed_entry).ok();
  }
  (ok ? verified_ : failed_).insert(key);
  return ok;
}

bool TrustStore::LocalBinds(const LocalEntry& entry) {
  if (entry.verdict != LocalVerdict::kAccepted) return false;
  return mode_ != MarkingMode::kSigned || EndorsementValid(entry);
}

Status TrustStore::SetMarkingMode(MarkingMode mode, TimePoint now) {
  if (mode == mode_) return Status::Ok();
  auto entries = backend_->ListLocal();
  if (!entries.ok()) return entries.error();
  if (mode == MarkingMode::kStoredOnly) {
    for (const LocalEntry& e : *entries) {
      if (e.verdict != LocalVerdict::kAccepted) {
        return MakeError(ErrorCode::kState,
                         "stored-only mode cannot hold rejected or unverified certificates; "
                         "remove them first (" +
                             FingerprintText(e.fingerprint()) + ")");
      }
    }
  }
  if (mode == MarkingMode::kSigned && !owner_) {
    return MakeError(ErrorCode::kInvalidArgument, "signed mode needs the owner's key");
  }
  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    for (LocalEntry& e : *entries) {
      if (mode == MarkingMode::kSigned && e.verdict == LocalVerdict::kAccepted) {
        auto signed_entry = owner_->Sign(EntryTbs::For(e.certificate, e.policy, now.UnixSeconds()));
        if (!signed_entry.ok()) return signed_entry.error();
        e.endorsement = std::move(signed_entry->der);
      } else if (mode != MarkingMode::kSigned) {
        e.endorsement.clear();
      }
      IKEWOT_RETURN_IF_ERROR(backend_->PutLocal(e));
    }
    IKEWOT_RETURN_IF_ERROR(backend_->PutSetting(kModeSetting, MarkingModeName(mode)));
    if (owner_)
      IKEWOT_RETURN_IF_ERROR(backend_->PutSetting(kOwnerSetting, ToHex(owner_->fingerprint())));
    return Log(now, "mode", std::string(MarkingModeName(mode)),
               "marking mode changed from " + std::string(MarkingModeName(mode_)));
  }));
  mode_ = mode;
  load_problems_.clear();
  return Status::Ok();
}

Result<LocalEntry> TrustStore::AddLocal(ByteView certificate_der, const AcceptOptions& options,
                                        TimePoint now) {
  auto summary = SummarizeCertificate(certificate_der);
  if (!summary.ok()) return summary.error();
  // The strict parser refuses what the quick summary would let through (bad keys, ...).
  auto strict = crypto::Certificate::FromDer(certificate_der);
  if (!strict.ok()) return strict.error();
  IKEWOT_RETURN_IF_ERROR(CheckNote(options.note));
  LocalEntry e;
  e.cert = std::move(*summary);
  e.certificate.assign(certificate_der.begin(), certificate_der.end());
  e.verdict = options.verdict;
  e.policy = options.policy;
  IKEWOT_RETURN_IF_ERROR(e.policy.Normalize());
  e.decided_at = now.UnixSeconds();
  e.note = options.note;
  if (!options.ike_id.empty()) {
    auto id = CanonicalIdentity(options.ike_id);
    if (!id.ok()) return id.error();
    e.ike_id = *id;
  }
  if (mode_ == MarkingMode::kStoredOnly && e.verdict != LocalVerdict::kAccepted) {
    return MakeError(ErrorCode::kState,
                     "this store marks trust by storing (stored-only mode): it cannot record a "
                     "rejected or unverified certificate");
  }
  if (mode_ == MarkingMode::kSigned && e.verdict == LocalVerdict::kAccepted) {
    if (!owner_) return MakeError(ErrorCode::kInvalidArgument, "signed mode needs the owner's key");
    auto signed_entry = owner_->Sign(EntryTbs::For(e.certificate, e.policy, e.decided_at));
    if (!signed_entry.ok()) return signed_entry.error();
    e.endorsement = std::move(signed_entry->der);
    verified_.insert(Key(Sha256(e.endorsement)));
  }
  const std::string kind = e.verdict == LocalVerdict::kAccepted   ? "accept"
                           : e.verdict == LocalVerdict::kRejected ? "reject"
                                                                  : "unverified";
  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend_->PutLocal(e));
    return Log(
        now, kind, ToHex(e.fingerprint()),
        e.cert.subject + "; " + e.policy.Describe() + (e.note.empty() ? "" : "; note: " + e.note));
  }));
  return e;
}

Result<bool> TrustStore::RemoveLocal(ByteView fingerprint, TimePoint now) {
  bool removed = false;
  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    auto old = backend_->GetLocal(fingerprint);
    if (!old.ok()) return old.error();
    auto r = backend_->DeleteLocal(fingerprint);
    if (!r.ok()) return r.error();
    removed = *r;
    if (!removed) return Status::Ok();
    return Log(
        now, "remove", ToHex(fingerprint),
        (*old)->cert.subject + " (was " + std::string(LocalVerdictName((*old)->verdict)) + ")");
  }));
  return removed;
}

Result<std::optional<LocalEntry>> TrustStore::GetLocal(ByteView fingerprint) {
  return backend_->GetLocal(fingerprint);
}

Result<std::vector<LocalEntry>> TrustStore::ListLocal() { return backend_->ListLocal(); }

Result<std::vector<Bytes>> TrustStore::FindFingerprints(std::string_view hex_prefix) {
  std::string prefix;
  for (char c : hex_prefix) {
    if (c == ':' || c == ' ' || c == '-') continue;
    prefix += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  std::set<Bytes> found;
  auto consider = [&](const Bytes& fp) {
    if (ToHex(fp).starts_with(prefix)) found.insert(fp);
  };
  auto local = backend_->ListLocal();
  if (!local.ok()) return local.error();
  for (const LocalEntry& e : *local) consider(e.fingerprint());
  auto collections = backend_->ListCollections();
  if (!collections.ok()) return collections.error();
  for (const CollectionInfo& c : *collections) {
    auto entries = backend_->EntriesOf(c.id);
    if (!entries.ok()) return entries.error();
    for (const EntryRef& e : *entries) consider(e->cert.fingerprint);
  }
  return std::vector<Bytes>(found.begin(), found.end());
}

Result<std::vector<CollectionInfo>> TrustStore::ListCollections() {
  return backend_->ListCollections();
}

Result<CollectionInfo> TrustStore::FindCollection(std::string_view name) {
  auto all = backend_->ListCollections();
  if (!all.ok()) return all.error();
  for (CollectionInfo& c : *all) {
    if (c.name == name) return std::move(c);
  }
  return MakeError(ErrorCode::kNotFound, "no collection named \"" + std::string(name) + "\"");
}

Result<CollectionInfo> TrustStore::GetCollection(std::string_view name) {
  return FindCollection(name);
}

Result<std::vector<EntryRef>> TrustStore::CollectionEntries(std::string_view name) {
  auto c = FindCollection(name);
  if (!c.ok()) return c.error();
  return backend_->EntriesOf(c->id);
}

Status TrustStore::SetCollectionEnabled(std::string_view name, bool enabled, TimePoint now) {
  auto c = FindCollection(name);
  if (!c.ok()) return c.error();
  if (c->enabled == enabled) return Status::Ok();
  c->enabled = enabled;
  return backend_->Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend_->UpdateCollection(*c));
    return Log(now, enabled ? "enable" : "disable", c->name,
               std::to_string(c->entry_count) + " entries from " + c->signer_subject);
  });
}

Status TrustStore::SetCollectionCondition(std::string_view name, const Condition& condition,
                                          TimePoint now) {
  auto c = FindCollection(name);
  if (!c.ok()) return c.error();
  if (condition.kind == Condition::Kind::kWhilePeerUp && condition.peer.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "--while-peer needs a peer id");
  }
  if (condition.kind == Condition::Kind::kTimeWindow && condition.until <= condition.from) {
    return MakeError(ErrorCode::kInvalidArgument, "the time window ends before it starts");
  }
  c->condition = condition;
  return backend_->Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend_->UpdateCollection(*c));
    return Log(now, "condition", c->name, condition.Describe());
  });
}

Result<size_t> TrustStore::RemoveCollection(std::string_view name, TimePoint now) {
  auto c = FindCollection(name);
  if (!c.ok()) return c.error();
  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    auto removed = backend_->DeleteCollection(c->id);
    if (!removed.ok()) return removed.error();
    return Log(now, "remove-collection", c->name,
               std::to_string(c->entry_count) + " entries from " + c->signer_subject +
                   " withdrawn (sequence " + std::to_string(c->sequence) + ")");
  }));
  return static_cast<size_t>(c->entry_count);
}

bool TrustStore::ConditionHolds(const CollectionInfo& info, TimePoint now, std::string* why) const {
  switch (info.condition.kind) {
    case Condition::Kind::kNone:
      return true;
    case Condition::Kind::kWhilePeerUp:
      if (peers_up_.count(info.condition.peer)) return true;
      if (why)
        *why = "enabled only while an IKE SA to " + info.condition.peer + " is up, and it is not";
      return false;
    case Condition::Kind::kTimeWindow: {
      const int64_t t = now.UnixSeconds();
      if (t >= info.condition.from && t < info.condition.until) return true;
      if (why) *why = "enabled only " + info.condition.Describe();
      return false;
    }
  }
  return false;
}

void TrustStore::SetPeerUp(std::string_view peer, bool up) {
  if (up) {
    peers_up_.insert(std::string(peer));
  } else {
    peers_up_.erase(std::string(peer));
  }
}

Result<std::vector<Event>> TrustStore::Events(int64_t after_id, size_t limit) {
  return backend_->Events(after_id, limit);
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kTrustedDirect:
      return "trusted-direct";
    case Verdict::kTrustedVia:
      return "trusted-via";
    case Verdict::kUnknown:
      return "unknown";
    case Verdict::kConflict:
      return "conflict";
    case Verdict::kExpired:
      return "expired";
    case Verdict::kOutOfPolicy:
      return "out-of-policy";
    case Verdict::kRejected:
      return "rejected";
  }
  return "unknown";
}

}  // namespace ikewot::trust
