#include "core/trust/report.h"

#include "core/crypto/certificate_text.h"

namespace ikewot::trust {
namespace {

Json StringArray(const std::vector<std::string>& items) {
  Json out = Json::MakeArray();
  for (const std::string& s : items) out.Push(s);
  return out;
}

Json TimeOrNull(const std::optional<int64_t>& t) {
  return t ? Json(crypto::FormatUnixTimeUtc(*t)) : Json();
}

}  // namespace

std::string ShortFingerprintText(ByteView fingerprint) {
  return FingerprintText(fingerprint.first(std::min<size_t>(8, fingerprint.size())));
}

std::string Printable(std::string_view text) { return crypto::EscapeForDisplay(text); }

Json PolicyJson(const Policy& policy) {
  Json j = Json::MakeObject();
  j.Set("purposes", StringArray(policy.purposes));
  j.Set("not_before", TimeOrNull(policy.not_before));
  j.Set("not_after", TimeOrNull(policy.not_after));
  Json addresses = Json::MakeArray();
  for (const IpPrefix& p : policy.addresses) addresses.Push(p.ToString());
  j.Set("addresses", std::move(addresses));
  j.Set("names", StringArray(policy.names));
  j.Set("text", policy.Describe());
  return j;
}

Json LocalEntryJson(const LocalEntry& e) {
  Json j = Json::MakeObject();
  j.Set("fingerprint", FingerprintText(e.fingerprint()));
  j.Set("subject", e.cert.subject);
  j.Set("identities", StringArray(e.identities()));
  j.Set("verdict", std::string(LocalVerdictName(e.verdict)));
  j.Set("decided_at", crypto::FormatUnixTimeUtc(e.decided_at));
  j.Set("policy", PolicyJson(e.policy));
  j.Set("note", e.note);
  j.Set("certificate_not_after", crypto::FormatUnixTimeUtc(e.cert.not_after));
  j.Set("signed", !e.endorsement.empty());
  return j;
}

Json CollectionJson(const CollectionInfo& c, const std::string& why_inactive) {
  Json j = Json::MakeObject();
  j.Set("name", c.name);
  j.Set("signer", c.signer_subject);
  j.Set("signer_fingerprint", FingerprintText(c.signer_fingerprint));
  j.Set("sequence", c.sequence);
  j.Set("created", crypto::FormatUnixTimeUtc(c.created));
  j.Set("imported_at", crypto::FormatUnixTimeUtc(c.imported_at));
  j.Set("entries", c.entry_count);
  j.Set("removals", c.removal_count);
  j.Set("enabled", c.enabled);
  j.Set("condition", c.condition.Describe());
  j.Set("active", why_inactive.empty());
  j.Set("inactive_reason", why_inactive.empty() ? Json() : Json(why_inactive));
  j.Set("max_depth", c.max_depth == 0 ? Json() : Json(c.max_depth));
  j.Set("signer_override", c.signer_override);
  j.Set("encrypted", c.encrypted);
  return j;
}

Json EntryJson(const PreparedEntry& e) {
  Json j = Json::MakeObject();
  j.Set("fingerprint", FingerprintText(e.cert.fingerprint));
  j.Set("subject", e.cert.subject);
  j.Set("identities", StringArray(e.cert.identities));
  j.Set("depth", static_cast<uint64_t>(e.entry.tbs.depth()));
  Json path = Json::MakeArray();
  for (const Bytes& hop : e.entry.tbs.path) path.Push(FingerprintText(hop));
  j.Set("path", std::move(path));
  j.Set("policy", PolicyJson(e.entry.tbs.policy));
  j.Set("signed_at", crypto::FormatUnixTimeUtc(e.entry.tbs.signed_at));
  return j;
}

Json ShareResultJson(const ShareResult& r, const std::string& path) {
  Json j = Json::MakeObject();
  j.Set("file", path);
  j.Set("sequence", r.sequence);
  j.Set("entries", static_cast<uint64_t>(r.entries));
  j.Set("removals", static_cast<uint64_t>(r.removals));
  j.Set("skipped", static_cast<uint64_t>(r.skipped));
  j.Set("bytes", static_cast<uint64_t>(r.file.size()));
  j.Set("notes", StringArray(r.notes));
  return j;
}

}  // namespace ikewot::trust
