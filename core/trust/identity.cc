#include "core/trust/identity.h"

#include "core/trust/address.h"
#include "core/trust/cert_summary.h"
#include "core/trust/der.h"

namespace ikewot::trust {
namespace {

constexpr std::string_view kKinds[] = {"cn", "dn", "dns", "ip", "email", "uri", "keyid"};

bool KnownKind(std::string_view kind) {
  for (std::string_view k : kKinds) {
    if (k == kind) return true;
  }
  return false;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error BadIdentity(std::string_view text, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "identity \"" + std::string(text.substr(0, 80)) + "\": " + why);
}

bool HasControlCharacters(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Result<std::string> CanonicalDns(std::string_view value) {
  std::string v = AsciiLower(value);
  if (!v.empty() && v.back() == '.') v.pop_back();
  if (v.empty() || v.size() > 253) return MakeError(ErrorCode::kInvalidArgument, "bad length");
  for (char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || c == '*';
    if (!ok)
      return MakeError(ErrorCode::kInvalidArgument, "a DNS name has letters, digits, '-', '.'");
  }
  return v;
}

Result<std::string> CanonicalEmail(std::string_view value) {
  const size_t at = value.rfind('@');
  if (at == std::string_view::npos || at + 1 == value.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "a mailbox is local@domain");
  }
  auto domain = CanonicalDns(value.substr(at + 1));
  if (!domain.ok()) return domain.error();
  return std::string(value.substr(0, at + 1)) + *domain;
}

// Appends the canonical DNS name (CanonicalDns) of `value` to `out`; false where
// CanonicalDns would fail.
bool AppendCanonicalDns(std::string_view value, std::string* out) {
  if (!value.empty() && value.back() == '.') value.remove_suffix(1);
  if (value.empty() || value.size() > 253) return false;
  for (char c : value) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || c == '*';
    if (!ok) return false;
    out->push_back(c);
  }
  return true;
}

// CanonicalIdentity's result for the kinds a certificate names (cn, dn, dns, email, uri) built
// in one string; false whenever CanonicalIdentity would not succeed (or for another kind).
bool FastCanonicalIdentity(std::string_view kind, std::string_view value, std::string* out) {
  if (kind.size() + 1 + value.size() > kMaxIdentityBytes || value.empty() ||
      HasControlCharacters(value) || !der::IsValidUtf8(value)) {
    return false;
  }
  out->reserve(kind.size() + 1 + value.size());
  out->append(kind);
  out->push_back(':');
  if (kind == "cn") {
    for (char c : value) {
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return true;
  }
  if (kind == "dn" || kind == "uri") {
    out->append(value);
    return true;
  }
  if (kind == "dns") return AppendCanonicalDns(value, out);
  if (kind == "email") {
    const size_t at = value.rfind('@');
    if (at == std::string_view::npos || at + 1 == value.size()) return false;
    out->append(value.substr(0, at + 1));
    return AppendCanonicalDns(value.substr(at + 1), out);
  }
  return false;
}

}  // namespace

Result<std::string> CanonicalIdentityOf(std::string_view kind, std::string_view value) {
  std::string out;
  if (FastCanonicalIdentity(kind, value, &out)) return out;
  // Anything unusual takes the general path, which also words the error.
  std::string text;
  text.reserve(kind.size() + 1 + value.size());
  text.append(kind);
  text.push_back(':');
  text.append(value);
  return CanonicalIdentity(text);
}

Result<std::string> CanonicalIdentity(std::string_view text) {
  if (text.size() > kMaxIdentityBytes) return BadIdentity(text, "longer than 1024 octets");
  if (!der::IsValidUtf8(text) || HasControlCharacters(text)) {
    return BadIdentity(text, "must be printable UTF-8");
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return BadIdentity(text, "expected kind:value");
  const std::string kind = AsciiLower(text.substr(0, colon));
  const std::string_view value = text.substr(colon + 1);
  if (!KnownKind(kind)) {
    return BadIdentity(text, "kind must be one of cn, dn, dns, ip, email, uri, keyid");
  }
  if (value.empty()) return BadIdentity(text, "empty value");
  if (kind == "cn") return "cn:" + AsciiLower(value);
  if (kind == "dn" || kind == "uri") return kind + ":" + std::string(value);
  if (kind == "dns") {
    auto v = CanonicalDns(value);
    if (!v.ok()) return BadIdentity(text, v.error().message);
    return "dns:" + *v;
  }
  if (kind == "email") {
    auto v = CanonicalEmail(value);
    if (!v.ok()) return BadIdentity(text, v.error().message);
    return "email:" + *v;
  }
  if (kind == "ip") {
    auto a = IpAddress::Parse(value);
    if (!a.ok()) return BadIdentity(text, a.error().message);
    return "ip:" + a->ToString();
  }
  auto raw = FromHex(value);  // keyid
  if (!raw.ok() || raw->empty()) return BadIdentity(text, "a key id is hex");
  return "keyid:" + ToHex(*raw);
}

std::string_view IdentityKind(std::string_view canonical) {
  return canonical.substr(0, canonical.find(':'));
}

std::string_view IdentityValue(std::string_view canonical) {
  const size_t colon = canonical.find(':');
  return colon == std::string_view::npos ? std::string_view() : canonical.substr(colon + 1);
}

std::vector<std::string> CandidateIdentities(std::string_view text) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view candidate) {
    auto c = CanonicalIdentity(candidate);
    if (!c.ok()) return;
    for (const std::string& existing : out) {
      if (existing == *c) return;
    }
    out.push_back(*c);
  };
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && KnownKind(AsciiLower(text.substr(0, colon)))) {
    add(text);
    return out;
  }
  const std::string t(text);
  if (IpAddress::Parse(text).ok()) {
    add("ip:" + t);
    return out;
  }
  if (text.find('@') != std::string_view::npos) add("email:" + t);
  if (text.find('.') != std::string_view::npos) add("dns:" + t);
  add("cn:" + t);
  return out;
}

Result<std::string> IdentityFromIkeId(uint8_t id_type, ByteView data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  switch (id_type) {
    case kIkeIdIpv4:
    case kIkeIdIpv6: {
      if (data.size() != (id_type == kIkeIdIpv4 ? 4u : 16u)) {
        return MakeError(ErrorCode::kBadLength,
                         "IKE ID_IPV" + std::string(id_type == kIkeIdIpv4 ? "4" : "6") +
                             "_ADDR data has " + std::to_string(data.size()) + " octets");
      }
      auto a = IpAddress::FromBytes(data);
      if (!a.ok()) return a.error();
      return "ip:" + a->ToString();
    }
    case kIkeIdFqdn:
      return CanonicalIdentity("dns:" + std::string(text));
    case kIkeIdRfc822:
      return CanonicalIdentity("email:" + std::string(text));
    case kIkeIdDerAsn1Dn: {
      auto dn = FormatDistinguishedName(data);
      if (!dn.ok()) return dn.error();
      return CanonicalIdentity("dn:" + *dn);
    }
    case kIkeIdKeyId:
      if (data.empty()) return MakeError(ErrorCode::kBadLength, "IKE ID_KEY_ID is empty");
      return "keyid:" + ToHex(data);
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "IKE ID type " + std::to_string(id_type) + " has no trust identity");
  }
}

Result<std::string> CanonicalNamePattern(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string kind = AsciiLower(text.substr(0, colon));
  if (colon != std::string_view::npos && kind == "dns") {
    std::string_view v = text.substr(colon + 1);
    if (v.starts_with("*.")) v.remove_prefix(1);
    if (v.starts_with(".")) {
      auto d = CanonicalDns(v.substr(1));
      if (!d.ok()) return BadIdentity(text, d.error().message);
      return "dns:." + *d;
    }
  }
  if (colon != std::string_view::npos && kind == "email") {
    std::string_view v = text.substr(colon + 1);
    if (v.starts_with("@")) {
      auto d = CanonicalDns(v.substr(1));
      if (!d.ok()) return BadIdentity(text, d.error().message);
      return "email:@" + *d;
    }
  }
  return CanonicalIdentity(text);
}

bool NamePatternMatches(std::string_view pattern, std::string_view identity) {
  if (pattern == identity) return true;
  const std::string_view kind = IdentityKind(pattern);
  if (kind != IdentityKind(identity)) return false;
  const std::string_view p = IdentityValue(pattern);
  const std::string_view v = IdentityValue(identity);
  if (kind == "dns" && p.starts_with(".")) return v.size() > p.size() && v.ends_with(p);
  if (kind == "email" && p.starts_with("@")) return v.ends_with(p) && v.size() > p.size();
  return false;
}

}  // namespace ikewot::trust
