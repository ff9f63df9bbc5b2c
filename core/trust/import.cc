// TrustStore::Import: the rules for taking in someone else's collection.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/crypto/certificate_text.h"
#include "core/trust/store_internal.h"

namespace ikewot::trust {
namespace {

constexpr size_t kMaxNameBytes = 64;

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

std::string DeriveName(const crypto::Certificate& signer) {
  std::string base;
  for (char c : signer.CommonName().value_or("")) {
    if (base.size() == 48) break;
    base += ValidName(std::string_view(&c, 1)) ? c : '-';
  }
  return base.empty() ? "collection" : base;
}

std::string Key(ByteView b) { return std::string(b.begin(), b.end()); }

std::string Describe(const PreparedEntry& e) {
  return e.cert.subject + ", " + ShortFingerprint(e.cert.fingerprint) + "...";
}

}  // namespace

Json ImportReport::ToJson() const {
  Json j = Json::MakeObject();
  j.Set("name", name);
  j.Set("sequence", sequence);
  j.Set("replaced_sequence", replaced_sequence ? Json(*replaced_sequence) : Json());
  j.Set("unchanged", unchanged);
  j.Set("stored", static_cast<uint64_t>(stored));
  j.Set("added", static_cast<uint64_t>(added));
  j.Set("dropped", static_cast<uint64_t>(dropped));
  j.Set("withdrawn", static_cast<uint64_t>(withdrawn));
  j.Set("skipped_too_deep", static_cast<uint64_t>(skipped_too_deep));
  Json notes_json = Json::MakeArray();
  for (const std::string& n : notes) notes_json.Push(n);
  j.Set("notes", std::move(notes_json));
  return j;
}

Result<ImportReport> TrustStore::Import(const PreparedCollection& collection,
                                        const ImportOptions& options, TimePoint now) {
  const int64_t t = now.UnixSeconds();
  const Bytes& signer_fp = collection.signer.Sha256Fingerprint();
  const std::string signer =
      collection.signer.Subject() + " (" + ShortFingerprint(signer_fp) + "...)";
  if (owner_ && signer_fp == owner_->fingerprint()) {
    return MakeError(ErrorCode::kInvalidArgument, "this collection was shared by you");
  }
  if (options.max_depth && (*options.max_depth < 1 || *options.max_depth > kMaxPathLength + 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "--max-depth must be 1..8");
  }
  if (!options.name.empty() && !ValidName(options.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a collection name is 1..64 characters of A-Z a-z 0-9 . _ - @");
  }

  // The signer must be someone this user checked (the seed: B, C and D check A's certificate
  // before importing A's list), unless the user explicitly overrides.
  auto local = backend_->GetLocal(signer_fp);
  if (!local.ok()) return local.error();
  if (*local && (*local)->verdict == LocalVerdict::kRejected) {
    return MakeError(ErrorCode::kAuthFailure, "you rejected the signer " + signer);
  }
  bool trusted = *local && LocalBinds(**local);
  if (trusted) {
    const PolicyCheck window = CheckPolicy((*local)->policy, t, kPurposeIkeAuth, std::nullopt, "");
    trusted =
        window.outcome != PolicyOutcome::kExpired && window.outcome != PolicyOutcome::kNotYetValid;
  }
  if (!trusted && !options.override_signer) {
    return MakeError(ErrorCode::kAuthFailure,
                     std::string(*local ? "signer is not trusted directly: " : "unknown signer: ") +
                         signer +
                         "; check and accept their certificate first (ikewot trust add), or "
                         "import with --override-signer");
  }

  auto all = backend_->ListCollections();
  if (!all.ok()) return all.error();
  std::optional<CollectionInfo> existing;
  for (const CollectionInfo& c : *all) {
    if (c.signer_fingerprint == signer_fp) existing = c;
  }

  auto highest = backend_->HighestSequence(signer_fp);
  if (!highest.ok()) return highest.error();
  ImportReport report;
  report.sequence = collection.sequence;
  if (*highest && collection.sequence < **highest) {
    return MakeError(ErrorCode::kState, "rollback refused: sequence " +
                                            std::to_string(collection.sequence) + " from " +
                                            signer + " is older than sequence " +
                                            std::to_string(**highest) + " imported before");
  }
  if (*highest && collection.sequence == **highest) {
    if (existing && existing->content_hash == collection.content_hash) {
      report.name = existing->name;
      report.unchanged = true;
      report.stored = existing->entry_count;
      report.notes.push_back("this collection (sequence " + std::to_string(collection.sequence) +
                             ") is already imported; nothing changed");
      return report;
    }
    return MakeError(ErrorCode::kState,
                     "sequence " + std::to_string(collection.sequence) + " from " + signer +
                         " was already imported with different content; refusing a reused "
                         "sequence number");
  }

  for (size_t i = 0; i < collection.entries.size(); ++i) {
    const PreparedEntry& e = *collection.entries[i];
    const std::string where = "entry " + std::to_string(i + 1) + " (" + Describe(e) + ")";
    if (e.cert.not_after < t) {
      return MakeError(ErrorCode::kBadValue,
                       where + ": the certificate expired at " +
                           crypto::FormatUnixTimeUtc(e.cert.not_after) +
                           "; collection refused, ask the sharer for a fresh one");
    }
    const auto& policy_end = e.entry.tbs.policy.not_after;
    if (policy_end && *policy_end <= t) {
      return MakeError(ErrorCode::kBadValue,
                       where + ": the sharer's trust in it ended at " +
                           crypto::FormatUnixTimeUtc(*policy_end) +
                           "; collection refused, ask the sharer for a fresh one");
    }
  }

  const uint32_t cap = options.max_depth ? *options.max_depth : existing ? existing->max_depth : 0;
  std::vector<EntryRef> kept;
  kept.reserve(collection.entries.size());
  size_t decided_locally = 0;
  for (const EntryRef& e : collection.entries) {
    if (cap != 0 && e->entry.tbs.depth() > cap) {
      ++report.skipped_too_deep;
      continue;
    }
    kept.push_back(e);
  }

  std::string name = !options.name.empty() ? options.name
                     : existing            ? existing->name
                                           : DeriveName(collection.signer);
  for (int suffix = 2;; ++suffix) {
    const bool taken = std::any_of(all->begin(), all->end(), [&](const CollectionInfo& c) {
      return c.name == name && (!existing || c.id != existing->id);
    });
    if (!taken) break;
    if (!options.name.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a collection named \"" + name + "\" already exists (from another signer)");
    }
    name = DeriveName(collection.signer) + "-" + std::to_string(suffix);
  }

  if (existing) {
    auto old_entries = backend_->EntriesOf(existing->id);
    if (!old_entries.ok()) return old_entries.error();
    std::unordered_set<std::string> old_fps, new_fps;
    for (const EntryRef& e : *old_entries) old_fps.insert(Key(e->cert.fingerprint));
    for (const EntryRef& e : kept) {
      new_fps.insert(Key(e->cert.fingerprint));
      if (!old_fps.count(Key(e->cert.fingerprint))) ++report.added;
    }
    for (const std::string& fp : old_fps) {
      if (!new_fps.count(fp)) ++report.dropped;
    }
  } else {
    report.added = kept.size();
  }
  // Local decisions are few (people check peers one by one), imports may be large.
  auto local_entries = backend_->ListLocal();
  if (!local_entries.ok()) return local_entries.error();
  std::unordered_set<std::string> decided;
  for (const LocalEntry& l : *local_entries) {
    if (l.verdict != LocalVerdict::kUnverified) decided.insert(Key(l.fingerprint()));
  }
  for (const EntryRef& e : kept) decided_locally += decided.count(Key(e->cert.fingerprint));

  CollectionInfo info = existing ? *existing : CollectionInfo{};
  info.name = name;
  info.signer_fingerprint = signer_fp;
  info.signer_certificate = collection.signer.ToDer();
  info.signer_subject = collection.signer.Subject();
  info.sequence = collection.sequence;
  info.created = collection.created;
  info.imported_at = t;
  info.max_depth = cap;
  info.signer_override = !trusted;
  info.encrypted = collection.encrypted;
  info.content_hash = collection.content_hash;
  if (existing) report.replaced_sequence = existing->sequence;
  report.name = name;
  report.stored = kept.size();
  report.withdrawn = collection.removals.size();

  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend_->PutCollection(&info, kept, collection.removals));
    IKEWOT_RETURN_IF_ERROR(backend_->SetHighestSequence(signer_fp, collection.sequence));
    std::string detail = std::to_string(kept.size()) + " entries from " + signer + ", sequence " +
                         std::to_string(collection.sequence);
    if (existing) {
      detail += " (replaces " + std::to_string(existing->sequence) + ": +" +
                std::to_string(report.added) + " -" + std::to_string(report.dropped) + ")";
    }
    if (info.signer_override) detail += "; signer NOT checked (--override-signer)";
    IKEWOT_RETURN_IF_ERROR(Log(now, existing ? "replace" : "import", name, detail));
    if (!collection.removals.empty()) {
      std::string list;
      for (size_t i = 0; i < collection.removals.size() && i < 8; ++i) {
        list += (i ? ", " : "") + ShortFingerprint(collection.removals[i]) + "...";
      }
      if (collection.removals.size() > 8) list += ", ...";
      IKEWOT_RETURN_IF_ERROR(Log(now, "withdraw", name,
                                 std::to_string(collection.removals.size()) +
                                     " certificate(s) withdrawn by the signer: " + list));
    }
    return Status::Ok();
  }));
  if (report.skipped_too_deep) {
    report.notes.push_back(std::to_string(report.skipped_too_deep) +
                           " entries deeper than --max-depth " + std::to_string(cap) +
                           " were not imported");
  }
  if (decided_locally) {
    report.notes.push_back(std::to_string(decided_locally) +
                           " entries are certificates you decided on yourself; your decisions "
                           "stay in force");
  }
  if (info.signer_override) {
    report.notes.push_back("imported with --override-signer: you have not checked " + signer);
  }
  return report;
}

}  // namespace ikewot::trust
