#include "core/trust/store_types.h"

#include <algorithm>

#include "core/crypto/certificate_text.h"

namespace ikewot::trust {

std::string_view MarkingModeName(MarkingMode mode) {
  switch (mode) {
    case MarkingMode::kStoredOnly:
      return "stored-only";
    case MarkingMode::kFlagged:
      return "flagged";
    case MarkingMode::kSigned:
      return "signed";
  }
  return "flagged";
}

std::optional<MarkingMode> ParseMarkingMode(std::string_view name) {
  for (MarkingMode m : {MarkingMode::kStoredOnly, MarkingMode::kFlagged, MarkingMode::kSigned}) {
    if (MarkingModeName(m) == name) return m;
  }
  return std::nullopt;
}

std::string_view LocalVerdictName(LocalVerdict v) {
  switch (v) {
    case LocalVerdict::kAccepted:
      return "accepted";
    case LocalVerdict::kRejected:
      return "rejected";
    case LocalVerdict::kUnverified:
      return "unverified";
  }
  return "unverified";
}

std::vector<std::string> LocalEntry::identities() const {
  std::vector<std::string> out = cert.identities;
  if (!ike_id.empty() && std::find(out.begin(), out.end(), ike_id) == out.end()) {
    out.push_back(ike_id);
  }
  return out;
}

namespace {

// Asks the CPU to load a certificate that is about to be summarized. A 10,000-entry
// collection's certificates (~4 MB) have left the cache since they were parsed, and the
// summary's first reads of each one otherwise wait on memory.
void PrefetchCertificate(const Bytes& der) {
  constexpr size_t kCacheLine = 64;
  for (size_t at = 0; at < der.size(); at += kCacheLine) __builtin_prefetch(der.data() + at);
}

}  // namespace

Result<PreparedCollection> PrepareCollection(OpenedCollection opened) {
  PreparedCollection out{std::move(opened.signer),
                         opened.content.sequence,
                         opened.content.created,
                         opened.encrypted,
                         Sha256(opened.signed_data),
                         {},
                         std::move(opened.content.removals)};
  std::vector<SignedEntry>& entries = opened.content.entries;
  out.entries.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size()) PrefetchCertificate(entries[i + 1].tbs.certificate);
    SignedEntry& e = entries[i];
    auto summary = SummarizeCertificate(e.tbs.certificate, e.tbs.fingerprint);
    if (!summary.ok()) {
      return MakeError(summary.code(), "entry " + std::to_string(i + 1) +
                                           ": unusable certificate: " + summary.error().message);
    }
    out.entries.push_back(
        std::make_shared<const PreparedEntry>(PreparedEntry{std::move(e), std::move(*summary)}));
  }
  return out;
}

std::string Condition::Describe() const {
  switch (kind) {
    case Kind::kNone:
      return "always";
    case Kind::kWhilePeerUp:
      return "while an IKE SA to " + peer + " is up";
    case Kind::kTimeWindow:
      return "from " + crypto::FormatUnixTimeUtc(from) + " until " +
             crypto::FormatUnixTimeUtc(until);
  }
  return "always";
}

Json Event::ToJson() const {
  Json j = Json::MakeObject();
  j.Set("id", id);
  j.Set("at", crypto::FormatUnixTimeUtc(at));
  j.Set("kind", kind);
  j.Set("subject", subject);
  j.Set("detail", detail);
  return j;
}

}  // namespace ikewot::trust
