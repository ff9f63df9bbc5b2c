// Identities a certificate (or an IKE peer) can be known by, as canonical "kind:value" strings:
//   cn:alice            subject commonName (ASCII case folded)
//   dn:CN=alice,O=Ex    whole subject, RFC 4514 text
//   dns:gw.example.org  SAN dNSName / IKE ID_FQDN (lower case, no trailing dot)
//   ip:192.0.2.7        SAN iPAddress / IKE ID_IPV4_ADDR, ID_IPV6_ADDR (canonical text)
//   email:a@example.org SAN rfc822Name / IKE ID_RFC822_ADDR (domain lower case)
//   uri:https://...     SAN uniformResourceIdentifier
//   keyid:0a1b...       IKE ID_KEY_ID (lower-case hex)
// One canonical spelling per identity is what makes conflict detection ("two sources bind
// dns:gw.example.org to different certificates") a plain string comparison.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::trust {

inline constexpr size_t kMaxIdentityBytes = 1024;

// Canonicalizes "kind:value"; refuses unknown kinds, empty values and malformed addresses.
Result<std::string> CanonicalIdentity(std::string_view text);
// The same as CanonicalIdentity(kind + ":" + value) -- result and error alike -- without
// building that string first: summarizing every certificate of an imported collection makes
// several identities per entry. `kind` is spelled as CanonicalIdentity would accept it.
Result<std::string> CanonicalIdentityOf(std::string_view kind, std::string_view value);
std::string_view IdentityKind(std::string_view canonical);   // "dns"
std::string_view IdentityValue(std::string_view canonical);  // "gw.example.org"

// What a user may type for a peer ("bob", "gw.example.org", "192.0.2.7", "dns:gw.example.org"):
// the canonical identities it could mean, most specific first.
std::vector<std::string> CandidateIdentities(std::string_view text);

// IKE identification payload (RFC 7296 §3.5) to an identity; ID_DER_ASN1_DN becomes "dn:".
inline constexpr uint8_t kIkeIdIpv4 = 1;
inline constexpr uint8_t kIkeIdFqdn = 2;
inline constexpr uint8_t kIkeIdRfc822 = 3;
inline constexpr uint8_t kIkeIdIpv6 = 5;
inline constexpr uint8_t kIkeIdDerAsn1Dn = 9;
inline constexpr uint8_t kIkeIdKeyId = 11;
Result<std::string> IdentityFromIkeId(uint8_t id_type, ByteView data);

// Name constraints in a trust policy are identities or suffix patterns:
//   "dns:.example.org" or "dns:*.example.org"  any dNSName below example.org
//   "email:@example.org"                       any mailbox at example.org
// Anything else must match exactly.
Result<std::string> CanonicalNamePattern(std::string_view text);
bool NamePatternMatches(std::string_view pattern, std::string_view identity);

}  // namespace ikewot::trust
