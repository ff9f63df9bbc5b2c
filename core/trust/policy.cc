#include "core/trust/policy.h"

#include <algorithm>

#include "core/crypto/certificate_text.h"
#include "core/trust/asn1_encode.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"

namespace ikewot::trust {
namespace {

bool ValidPurpose(const std::string& p) {
  if (p.empty() || p.size() > kMaxPurposeBytes) return false;
  for (char c : p) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool PrefixLess(const IpPrefix& a, const IpPrefix& b) {
  if (a.address.v6 != b.address.v6) return !a.address.v6;
  if (a.address.bytes != b.address.bytes) return a.address.bytes < b.address.bytes;
  return a.length < b.length;
}

template <typename T>
void SortUnique(std::vector<T>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// Does pattern `outer` admit everything pattern (or identity) `inner` admits?
bool PatternCovers(const std::string& outer, const std::string& inner) {
  if (outer == inner) return true;
  if (NamePatternMatches(outer, inner)) return true;  // inner is a concrete name below outer
  // inner is itself a suffix pattern below outer: "dns:.a.example.org" under "dns:.example.org".
  const std::string_view kind = IdentityKind(outer);
  const std::string_view o = IdentityValue(outer);
  const std::string_view i = IdentityValue(inner);
  if (kind != IdentityKind(inner)) return false;
  if (kind == "dns" && o.starts_with(".") && i.starts_with(".")) return i.ends_with(o);
  return false;
}

}  // namespace

Policy Policy::ForIkeAuth() {
  Policy p;
  p.purposes = {std::string(kPurposeIkeAuth)};
  return p;
}

Status Policy::Normalize() {
  SortUnique(&purposes);
  std::sort(addresses.begin(), addresses.end(), PrefixLess);
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  for (std::string& n : names) {
    auto c = CanonicalNamePattern(n);
    if (!c.ok()) return c.error();
    n = *c;
  }
  SortUnique(&names);
  if (purposes.size() > kMaxPurposes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "a policy has at most " + std::to_string(kMaxPurposes) + " purposes");
  }
  for (const std::string& p : purposes) {
    if (!ValidPurpose(p)) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "purpose \"" + p.substr(0, 40) + "\" must be 1..32 characters of a-z, 0-9 and '-'");
    }
  }
  if (addresses.size() > kMaxAddressConstraints || names.size() > kMaxNameConstraints) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "a policy has at most 64 address and 64 name constraints");
  }
  if ((not_before && *not_before < 0) || (not_after && *not_after < 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "policy times start in 1970");
  }
  if (not_before && not_after && *not_after <= *not_before) {
    return MakeError(ErrorCode::kInvalidArgument, "policy window ends before it starts");
  }
  return Status::Ok();
}

std::string Policy::Describe() const {
  std::string out = purposes.empty() ? "any purpose" : "";
  for (size_t i = 0; i < purposes.size(); ++i) out += (i ? "," : "") + purposes[i];
  if (not_before && not_after) {
    out += "; " + crypto::FormatUnixTimeUtc(*not_before) + " .. " +
           crypto::FormatUnixTimeUtc(*not_after);
  } else if (not_before) {
    out += "; from " + crypto::FormatUnixTimeUtc(*not_before);
  } else if (not_after) {
    out += "; until " + crypto::FormatUnixTimeUtc(*not_after);
  }
  if (!addresses.empty()) {
    out += "; addresses ";
    for (size_t i = 0; i < addresses.size(); ++i) out += (i ? "," : "") + addresses[i].ToString();
  }
  if (!names.empty()) {
    out += "; names ";
    for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  }
  return out;
}

PolicyCheck CheckPolicy(const Policy& policy, int64_t now, std::string_view purpose,
                        const std::optional<IpAddress>& address, std::string_view identity) {
  if (policy.not_before && now < *policy.not_before) {
    return {PolicyOutcome::kNotYetValid,
            "trusted only from " + crypto::FormatUnixTimeUtc(*policy.not_before)};
  }
  if (policy.not_after && now >= *policy.not_after) {
    return {PolicyOutcome::kExpired,
            "trust ended at " + crypto::FormatUnixTimeUtc(*policy.not_after)};
  }
  if (!policy.purposes.empty() &&
      std::find(policy.purposes.begin(), policy.purposes.end(), purpose) == policy.purposes.end()) {
    std::string allowed;
    for (const std::string& p : policy.purposes) allowed += (allowed.empty() ? "" : ",") + p;
    return {PolicyOutcome::kPurpose,
            "trusted for " + allowed + ", not for " + std::string(purpose)};
  }
  if (!policy.addresses.empty()) {
    if (!address) {
      return {PolicyOutcome::kAddress, "trusted only at certain addresses, and none was given"};
    }
    const bool inside = std::any_of(policy.addresses.begin(), policy.addresses.end(),
                                    [&](const IpPrefix& p) { return p.Contains(*address); });
    if (!inside) {
      return {PolicyOutcome::kAddress,
              "address " + address->ToString() + " is outside the allowed prefixes"};
    }
  }
  if (!policy.names.empty() && !identity.empty()) {
    const bool allowed =
        std::any_of(policy.names.begin(), policy.names.end(),
                    [&](const std::string& p) { return NamePatternMatches(p, identity); });
    if (!allowed) {
      return {PolicyOutcome::kName,
              "identity " + std::string(identity) + " is outside the allowed names"};
    }
  }
  return {};
}

std::optional<Policy> IntersectPolicies(const Policy& a, const Policy& b) {
  Policy out;
  out.not_before = a.not_before;
  if (b.not_before && (!out.not_before || *b.not_before > *out.not_before)) {
    out.not_before = b.not_before;
  }
  out.not_after = a.not_after;
  if (b.not_after && (!out.not_after || *b.not_after < *out.not_after)) {
    out.not_after = b.not_after;
  }
  if (out.not_before && out.not_after && *out.not_after <= *out.not_before) return std::nullopt;

  if (a.purposes.empty() || b.purposes.empty()) {
    out.purposes = a.purposes.empty() ? b.purposes : a.purposes;
  } else {
    std::set_intersection(a.purposes.begin(), a.purposes.end(), b.purposes.begin(),
                          b.purposes.end(), std::back_inserter(out.purposes));
    if (out.purposes.empty()) return std::nullopt;
  }

  if (a.addresses.empty() || b.addresses.empty()) {
    out.addresses = a.addresses.empty() ? b.addresses : a.addresses;
  } else {
    for (const IpPrefix& x : a.addresses) {
      for (const IpPrefix& y : b.addresses) {
        if (y.Contains(x))
          out.addresses.push_back(x);
        else if (x.Contains(y))
          out.addresses.push_back(y);
      }
    }
    if (out.addresses.empty()) return std::nullopt;
  }

  if (a.names.empty() || b.names.empty()) {
    out.names = a.names.empty() ? b.names : a.names;
  } else {
    for (const std::string& x : a.names) {
      for (const std::string& y : b.names) {
        if (PatternCovers(y, x))
          out.names.push_back(x);
        else if (PatternCovers(x, y))
          out.names.push_back(y);
      }
    }
    if (out.names.empty()) return std::nullopt;
  }
  if (!out.Normalize().ok()) return std::nullopt;
  return out;
}

Result<Bytes> EncodePolicy(const Policy& policy) {
  asn1::PolicyFields f;
  f.not_before = policy.not_before.value_or(-1);
  f.not_after = policy.not_after.value_or(-1);
  f.purposes = policy.purposes;
  for (const IpPrefix& p : policy.addresses) f.addresses.push_back(p.Encode());
  f.names = policy.names;
  return asn1::EncodePolicy(f);
}

Status ReadPolicy(Reader& in, Policy* out) {
  der::Element seq, list;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &seq, "TrustPolicy"));
  Reader& r = seq.contents;
  Policy p;
  int64_t t;
  if (der::NextIs(r, der::ContextPrimitive(0))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadGeneralizedTime(r, &t, "notBefore", der::ContextPrimitive(0)));
    p.not_before = t;
  }
  if (der::NextIs(r, der::ContextPrimitive(1))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadGeneralizedTime(r, &t, "notAfter", der::ContextPrimitive(1)));
    p.not_after = t;
  }
  auto read_strings = [&](uint8_t tag, const char* what, size_t max_items, size_t max_bytes,
                          std::vector<std::string>* items) -> Status {
    if (!der::NextIs(r, der::ContextConstructed(tag))) return Status::Ok();
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(r, &list, what));
    if (list.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, std::string(what) + " must not be empty", list.offset);
    }
    while (!list.contents.empty()) {
      if (items->size() == max_items) {
        return MakeError(
            ErrorCode::kLimitExceeded,
            std::string(what) + " has more than " + std::to_string(max_items) + " items",
            list.contents.offset());
      }
      std::string s;
      IKEWOT_RETURN_IF_ERROR(der::ReadUtf8(list.contents, &s, max_bytes, what));
      items->push_back(std::move(s));
    }
    return Status::Ok();
  };
  IKEWOT_RETURN_IF_ERROR(read_strings(2, "purposes", kMaxPurposes, kMaxPurposeBytes, &p.purposes));
  if (der::NextIs(r, der::ContextConstructed(3))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(r, &list, "addresses"));
    if (list.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, "addresses must not be empty", list.offset);
    }
    while (!list.contents.empty()) {
      if (p.addresses.size() == kMaxAddressConstraints) {
        return MakeError(ErrorCode::kLimitExceeded, "more than 64 address constraints",
                         list.contents.offset());
      }
      const size_t at = list.contents.offset();
      ByteView raw;
      IKEWOT_RETURN_IF_ERROR(der::ReadOctetString(list.contents, &raw, "address constraint"));
      auto prefix = IpPrefix::Decode(raw);
      if (!prefix.ok()) return MakeError(prefix.code(), prefix.error().message, at);
      p.addresses.push_back(*prefix);
    }
  }
  IKEWOT_RETURN_IF_ERROR(
      read_strings(4, "names", kMaxNameConstraints, kMaxIdentityBytes, &p.names));
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("TrustPolicy"));
  // Syntax is done; the semantic rules (spellings, order, window) are Normalize's. A policy
  // must arrive already normalized, so that one meaning has one encoding.
  Policy normalized = p;
  Status s = normalized.Normalize();
  if (!s.ok()) return MakeError(s.code(), "TrustPolicy: " + s.error().message, seq.offset);
  if (!(normalized == p)) {
    return MakeError(ErrorCode::kBadValue, "TrustPolicy lists are not sorted, unique and canonical",
                     seq.offset);
  }
  *out = std::move(p);
  return Status::Ok();
}

Result<Policy> DecodePolicy(ByteView der) {
  Reader in(der);
  Policy p;
  IKEWOT_RETURN_IF_ERROR(ReadPolicy(in, &p));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("policy DER"));
  return p;
}

}  // namespace ikewot::trust
