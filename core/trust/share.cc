// TrustStore::Share: turn this user's checked certificates into a signed collection.
#include <algorithm>
#include <map>
#include <set>

#include "core/trust/store_internal.h"

namespace ikewot::trust {
namespace {

constexpr const char* kShareSequenceSetting = "share_sequence";

// The setting is ours, but a damaged database must give an error, not an exception.
Result<uint64_t> ParseSequence(const std::string& text) {
  uint64_t v = 0;
  if (text.empty() || text.size() > 19)
    return MakeError(ErrorCode::kBadValue, "bad share sequence");
  for (char c : text) {
    if (c < '0' || c > '9') return MakeError(ErrorCode::kBadValue, "bad share sequence");
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool Expired(const CertSummary& cert, const Policy& policy, int64_t now) {
  return cert.not_after < now || (policy.not_after && *policy.not_after <= now);
}

}  // namespace

Result<ShareResult> TrustStore::Share(const Endorser& sharer, const ShareOptions& options,
                                      TimePoint now) {
  const int64_t t = now.UnixSeconds();
  if (sharer.key().type() == crypto::KeyType::kEd25519) {
    return MakeError(ErrorCode::kUnsupported,
                     "sharing needs an ECDSA or RSA identity: OpenSSL 3.0 cannot make CMS "
                     "signatures with Ed25519 keys (create one with "
                     "`ikewot id init --key ecdsa-p256 --force`)");
  }
  if (options.depth < 1 || options.depth > kMaxPathLength + 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--depth must be 1..8");
  }
  if (options.valid_days && (*options.valid_days < 1 || *options.valid_days > 36500)) {
    return MakeError(ErrorCode::kInvalidArgument, "--valid-days must be 1..36500");
  }
  // What the sharer's options allow; every entry is narrowed to it.
  Policy narrowing;
  narrowing.purposes = options.purposes;
  if (options.valid_days) narrowing.not_after = t + *options.valid_days * 86400;
  IKEWOT_RETURN_IF_ERROR(narrowing.Normalize());

  ShareResult result;
  std::map<Bytes, SignedEntry> chosen;  // by certificate fingerprint
  std::set<Bytes> decided_locally;
  auto local = backend_->ListLocal();
  if (!local.ok()) return local.error();
  for (const LocalEntry& e : *local) {
    decided_locally.insert(e.fingerprint());
    if (!LocalBinds(e) || e.fingerprint() == sharer.fingerprint()) continue;
    auto policy = IntersectPolicies(e.policy, narrowing);
    if (!policy || Expired(e.cert, *policy, t)) {
      ++result.skipped;
      continue;
    }
    // Signed mode keeps a detached signature per acceptance; it is reused when it says
    // exactly what we would sign now ("can later be shown to others").
    if (!e.endorsement.empty() &&
        sharer.fingerprint() == (owner_ ? owner_->fingerprint() : Bytes())) {
      auto stored = ParseSignedEntry(e.endorsement);
      if (stored.ok() && stored->tbs.policy == *policy && stored->tbs.path.empty() &&
          stored->tbs.endorser == sharer.fingerprint()) {
        chosen.emplace(e.fingerprint(), std::move(*stored));
        continue;
      }
    }
    auto signed_entry = sharer.Sign(EntryTbs::For(e.certificate, *policy, t));
    if (!signed_entry.ok()) return signed_entry.error();
    chosen.emplace(e.fingerprint(), std::move(*signed_entry));
  }

  if (options.depth > 1) {
    // Pass on what others vouched for, one step deeper, but never past the requested depth,
    // never what this user decided on personally, and never anything the sharer is already on
    // the path of (a loop).
    auto ctx = MakeContext(now);
    if (!ctx.ok()) return ctx.error();
    std::map<Bytes, std::pair<size_t, SignedEntry>> reshared;
    for (const auto& [id, info] : ctx->collections) {
      if (!ctx->inactive[id].empty()) continue;
      auto entries = backend_->EntriesOf(id);
      if (!entries.ok()) return entries.error();
      for (const EntryRef& e : *entries) {
        const EntryTbs& in = e->entry.tbs;
        const Bytes& fp = e->cert.fingerprint;
        if (decided_locally.count(fp) || in.depth() + 1 > options.depth ||
            fp == sharer.fingerprint() ||
            std::find(in.path.begin(), in.path.end(), sharer.fingerprint()) != in.path.end()) {
          continue;
        }
        auto it = reshared.find(fp);
        if (it != reshared.end() && it->second.first <= in.depth()) continue;
        // Recheck that this entry is active right now (not withdrawn, within the cap).
        auto active = ActiveCandidates(*ctx, fp, nullptr);
        if (!active.ok()) return active.error();
        const bool counts = std::any_of(
            active->begin(), active->end(),
            [collection_id = id](const Candidate& c) { return c.collection->id == collection_id; });
        if (!counts) continue;
        auto policy = IntersectPolicies(in.policy, narrowing);
        if (!policy || Expired(e->cert, *policy, t)) {
          ++result.skipped;
          continue;
        }
        std::vector<Bytes> path = in.path;
        path.push_back(info.signer_fingerprint);
        auto signed_entry = sharer.Sign(EntryTbs::For(in.certificate, *policy, t, path));
        if (!signed_entry.ok()) return signed_entry.error();
        reshared[fp] = {in.depth(), std::move(*signed_entry)};
      }
    }
    for (auto& [fp, item] : reshared) chosen.emplace(fp, std::move(item.second));
  }

  // Signed removals: everything shared before that is no longer vouched for.
  auto history = backend_->SharedHistory();
  if (!history.ok()) return history.error();
  CollectionContent content;
  for (const auto& [fp, withdrawn] : *history) {
    if (!chosen.count(fp)) content.removals.push_back(fp);
  }
  content.created = t;
  auto last = backend_->GetSetting(kShareSequenceSetting);
  if (!last.ok()) return last.error();
  content.sequence = 1;
  if (*last) {
    auto previous = ParseSequence(**last);
    if (!previous.ok()) return previous.error();
    content.sequence = *previous + 1;
  }
  for (auto& [fp, entry] : chosen) content.entries.push_back(std::move(entry));

  auto content_der = EncodeCollectionContent(content);
  if (!content_der.ok()) return content_der.error();
  auto file = SealCollection(*content_der, sharer, now, options.recipients);
  if (!file.ok()) return file.error();

  IKEWOT_RETURN_IF_ERROR(backend_->Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(
        backend_->PutSetting(kShareSequenceSetting, std::to_string(content.sequence)));
    for (const SignedEntry& e : content.entries) {
      IKEWOT_RETURN_IF_ERROR(backend_->PutShared(e.tbs.fingerprint, false));
    }
    for (const Bytes& fp : content.removals) {
      IKEWOT_RETURN_IF_ERROR(backend_->PutShared(fp, true));
    }
    std::string to = options.recipients.empty() ? "unencrypted" : "encrypted for ";
    for (size_t i = 0; i < options.recipients.size(); ++i) {
      to += (i ? ", " : "") + options.recipients[i].Subject();
    }
    return Log(now, "share", "sequence " + std::to_string(content.sequence),
               std::to_string(content.entries.size()) + " entries, " +
                   std::to_string(content.removals.size()) + " removals, " + to);
  }));
  result.file = std::move(*file);
  result.sequence = content.sequence;
  result.entries = content.entries.size();
  result.removals = content.removals.size();
  if (result.skipped) {
    result.notes.push_back(std::to_string(result.skipped) +
                           " certificates left out: expired, or nothing left of their policy "
                           "after --valid-days/--purpose");
  }
  return result;
}

}  // namespace ikewot::trust
