// The conditions under which an accepted certificate is trusted (the seed's "certificate use
// policy information"): a validity window, purposes, peer address prefixes and name
// constraints. The same policy travels inside shared collections, signed by the sharer.
//
// Wire form (DER, IMPLICIT tags), inside every collection entry:
//
//   TrustPolicy ::= SEQUENCE {
//     notBefore  [0] GeneralizedTime OPTIONAL,
//     notAfter   [1] GeneralizedTime OPTIONAL,
//     purposes   [2] SEQUENCE SIZE (1..16) OF UTF8String OPTIONAL,   -- absent: any purpose
//     addresses  [3] SEQUENCE SIZE (1..64) OF OCTET STRING OPTIONAL, -- address || prefix length
//     names      [4] SEQUENCE SIZE (1..64) OF UTF8String OPTIONAL    -- absent: any identity
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/trust/address.h"

namespace ikewot::trust {

inline constexpr std::string_view kPurposeIkeAuth = "ike-auth";
inline constexpr size_t kMaxPurposes = 16;
inline constexpr size_t kMaxPurposeBytes = 32;
inline constexpr size_t kMaxAddressConstraints = 64;
inline constexpr size_t kMaxNameConstraints = 64;

struct Policy {
  std::optional<int64_t> not_before;  // Unix seconds, inclusive
  std::optional<int64_t> not_after;   // Unix seconds, exclusive
  std::vector<std::string> purposes;  // sorted, unique; empty = any purpose
  std::vector<IpPrefix> addresses;    // empty = any address
  std::vector<std::string> names;     // canonical name patterns (identity.h); empty = any

  // What `trust add` and an accepted probe record unless told otherwise: IKE authentication.
  static Policy ForIkeAuth();
  // Sorts and deduplicates, then checks limits and spellings (purposes: [a-z0-9-], 1..32 bytes).
  Status Normalize();
  // One line for people: "ike-auth; until 2026-01-01T00:00:00Z; addresses 192.0.2.0/24".
  std::string Describe() const;

  friend bool operator==(const Policy&, const Policy&) = default;
};

enum class PolicyOutcome : uint8_t { kOk, kNotYetValid, kExpired, kPurpose, kAddress, kName };

struct PolicyCheck {
  PolicyOutcome outcome = PolicyOutcome::kOk;
  std::string reason;  // empty when kOk
};

// Checks one use of a certificate against `policy`. `identity` (canonical, may be empty) is the
// name the peer claims; `address` the peer's address if known.
PolicyCheck CheckPolicy(const Policy& policy, int64_t now, std::string_view purpose,
                        const std::optional<IpAddress>& address, std::string_view identity);

// The narrower of two policies: what a re-sharer may pass on and what `share --valid-days
// --purpose` leave of a local policy. nullopt when nothing is left (disjoint purposes, ...).
std::optional<Policy> IntersectPolicies(const Policy& a, const Policy& b);

// DER TrustPolicy (above). Encoding goes through OpenSSL's ASN.1 encoder; decoding through the
// Reader with the limits above.
Result<Bytes> EncodePolicy(const Policy& policy);
[[nodiscard]] Status ReadPolicy(Reader& in, Policy* out);
Result<Policy> DecodePolicy(ByteView der);

}  // namespace ikewot::trust
