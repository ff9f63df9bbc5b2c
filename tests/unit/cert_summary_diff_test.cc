// SummarizeCertificate was rewritten for speed (the names' text built in one buffer, identities
// canonicalized without intermediate strings). These tests hold it to the walker it replaced,
// kept below verbatim as the reference: over every certificate in tests/vectors, the fuzz seed
// certificates, the test people, hand-made certificates with unusual names and SANs, every
// truncation of each and a change of each of its octets, both must accept the same inputs with
// the same summaries and refuse the others with the same code, offset and message.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "core/crypto/certificate_der.h"
#include "core/crypto/openssl_handles.h"
#include "core/trust/address.h"
#include "core/trust/cert_summary.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

// ---- The reference: cert_summary.cc's walker before the rewrite (commit 71b5a4b). ----
namespace legacy {

struct AttributeName {
  Bytes oid;
  const char* name;
};

const std::vector<AttributeName>& KnownAttributes() {
  static const std::vector<AttributeName> kNames = {
      {{0x55, 0x04, 0x03}, "CN"},
      {{0x55, 0x04, 0x06}, "C"},
      {{0x55, 0x04, 0x07}, "L"},
      {{0x55, 0x04, 0x08}, "ST"},
      {{0x55, 0x04, 0x09}, "STREET"},
      {{0x55, 0x04, 0x0a}, "O"},
      {{0x55, 0x04, 0x0b}, "OU"},
      {{0x55, 0x04, 0x05}, "serialNumber"},
      {{0x55, 0x04, 0x0c}, "title"},
      {{0x55, 0x04, 0x04}, "SN"},
      {{0x55, 0x04, 0x2a}, "GN"},
      {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, "emailAddress"},
      {{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, "DC"},
      {{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01}, "UID"},
  };
  return kNames;
}

constexpr uint8_t kOidCommonName[] = {0x55, 0x04, 0x03};
constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};

bool SameBytes(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

Result<std::string> OidText(ByteView oid, size_t offset) {
  std::string out;
  uint64_t value = 0;
  bool first = true;
  for (uint8_t b : oid) {
    if (value > (uint64_t{1} << 56)) {
      return MakeError(ErrorCode::kUnsupported, "OBJECT IDENTIFIER arc too large", offset);
    }
    value = value << 7 | (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      const uint64_t top = value < 40 ? 0 : value < 80 ? 1 : 2;
      out = std::to_string(top) + "." + std::to_string(value - top * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  return out;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | cp >> 18));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

bool DirectoryStringToUtf8(uint8_t tag, ByteView v, std::string* out) {
  out->clear();
  switch (tag) {
    case der::kUtf8String:
    case der::kPrintableString:
    case der::kIa5String:
      out->assign(reinterpret_cast<const char*>(v.data()), v.size());
      return der::IsValidUtf8(*out);
    case der::kT61String:
      for (uint8_t b : v) AppendUtf8(b, out);
      return true;
    case der::kBmpString:
      if (v.size() % 2) return false;
      for (size_t i = 0; i < v.size(); i += 2) {
        const uint32_t cp = static_cast<uint32_t>(v[i] << 8 | v[i + 1]);
        if (cp >= 0xd800 && cp <= 0xdfff) return false;
        AppendUtf8(cp, out);
      }
      return true;
    case der::kUniversalString:
      if (v.size() % 4) return false;
      for (size_t i = 0; i < v.size(); i += 4) {
        const uint32_t cp = static_cast<uint32_t>(v[i]) << 24 |
                            static_cast<uint32_t>(v[i + 1]) << 16 |
                            static_cast<uint32_t>(v[i + 2]) << 8 | v[i + 3];
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        AppendUtf8(cp, out);
      }
      return true;
    default:
      return false;
  }
}

std::string EscapeValue(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                         c == ';' || c == '=';
    const bool edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.size() && c == ' ');
    if (c == '\0') {
      out += "\\00";
    } else if (special || edge) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

struct NameParts {
  std::string text;
  std::string common_name;
};

Result<NameParts> ParseName(const der::Element& name) {
  std::vector<std::string> rdns;
  NameParts parts;
  Reader in = name.contents;
  while (!in.empty()) {
    der::Element rdn;
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSet, &rdn, "RelativeDistinguishedName"));
    if (rdn.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, "empty RelativeDistinguishedName", rdn.offset);
    }
    std::string rdn_text;
    while (!rdn.contents.empty()) {
      der::Element atv, value;
      ByteView oid;
      IKEWOT_RETURN_IF_ERROR(
          der::ReadTagged(rdn.contents, der::kSequence, &atv, "AttributeTypeAndValue"));
      IKEWOT_RETURN_IF_ERROR(der::ReadOid(atv.contents, &oid, "attribute type"));
      IKEWOT_RETURN_IF_ERROR(der::ReadElement(atv.contents, &value, "attribute value"));
      IKEWOT_RETURN_IF_ERROR(atv.contents.ExpectEmpty("AttributeTypeAndValue"));
      std::string type;
      for (const AttributeName& known : KnownAttributes()) {
        if (SameBytes(known.oid, oid)) type = known.name;
      }
      if (type.empty()) {
        auto dotted = OidText(oid, atv.offset);
        if (!dotted.ok()) return dotted.error();
        type = *dotted;
      }
      std::string decoded, shown;
      if (DirectoryStringToUtf8(value.tag, value.contents.Rest(), &decoded)) {
        shown = EscapeValue(decoded);
        if (parts.common_name.empty() && SameBytes(oid, kOidCommonName)) {
          parts.common_name = decoded;
        }
      } else {
        shown = "#" + ToHex(value.encoding);
      }
      if (!rdn_text.empty()) rdn_text += '+';
      rdn_text += type + "=" + shown;
    }
    rdns.push_back(std::move(rdn_text));
  }
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!parts.text.empty()) parts.text += ',';
    parts.text += *it;
  }
  return parts;
}

Status CollectSans(Reader in, std::vector<std::string>* identities) {
  der::Element names;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &names, "subjectAltName"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("subjectAltName extension value"));
  while (!names.contents.empty()) {
    der::Element gn;
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(names.contents, &gn, "GeneralName"));
    ByteView v = gn.contents.Rest();
    const std::string text(reinterpret_cast<const char*>(v.data()), v.size());
    Result<std::string> id = MakeError(ErrorCode::kUnsupported, "");
    switch (gn.tag) {
      case der::ContextPrimitive(1):
        id = CanonicalIdentity("email:" + text);
        break;
      case der::ContextPrimitive(2):
        id = CanonicalIdentity("dns:" + text);
        break;
      case der::ContextPrimitive(6):
        id = CanonicalIdentity("uri:" + text);
        break;
      case der::ContextPrimitive(7): {
        auto a = IpAddress::FromBytes(v);
        if (!a.ok()) return MakeError(ErrorCode::kBadLength, a.error().message, gn.offset);
        id = "ip:" + a->ToString();
        break;
      }
      default:
        continue;
    }
    if (id.ok()) identities->push_back(*id);
  }
  return Status::Ok();
}

Status ParseExtensions(const der::Element& tagged, std::vector<std::string>* identities) {
  Reader outer = tagged.contents;
  der::Element list;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(outer, der::kSequence, &list, "extensions"));
  IKEWOT_RETURN_IF_ERROR(outer.ExpectEmpty("extensions [3]"));
  while (!list.contents.empty()) {
    der::Element ext, value;
    ByteView oid;
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(list.contents, der::kSequence, &ext, "Extension"));
    IKEWOT_RETURN_IF_ERROR(der::ReadOid(ext.contents, &oid, "extnID"));
    if (der::NextIs(ext.contents, der::kBoolean)) {
      der::Element critical;
      IKEWOT_RETURN_IF_ERROR(der::ReadElement(ext.contents, &critical, "critical"));
    }
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(ext.contents, der::kOctetString, &value, "extnValue"));
    IKEWOT_RETURN_IF_ERROR(ext.contents.ExpectEmpty("Extension"));
    if (SameBytes(oid, kOidSubjectAltName)) {
      IKEWOT_RETURN_IF_ERROR(CollectSans(value.contents, identities));
    }
  }
  return Status::Ok();
}

Result<std::string> FormatDistinguishedName(ByteView name_der) {
  Reader in(name_der);
  der::Element name;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &name, "Name"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("Name"));
  auto parts = ParseName(name);
  if (!parts.ok()) return parts.error();
  return parts->text;
}

Result<CertSummary> SummarizeCertificate(ByteView der, ByteView known_fingerprint) {
  if (der.size() > kMaxCertificateBytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "certificate of " + std::to_string(der.size()) + " octets exceeds the " +
                         std::to_string(kMaxCertificateBytes) + "-octet limit");
  }
  Reader in(der);
  der::Element cert, tbs, field, issuer, subject, validity;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &cert, "Certificate"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("certificate DER"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(cert.contents, der::kSequence, &tbs, "TBSCertificate"));
  if (der::NextIs(tbs.contents, der::ContextConstructed(0))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(tbs.contents, &field, "version"));
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kInteger, &field, "serialNumber"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &field, "signature"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &issuer, "issuer"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &validity, "validity"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &subject, "subject"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(tbs.contents, der::kSequence, &field, "subjectPublicKeyInfo"));
  CertSummary s;
  IKEWOT_RETURN_IF_ERROR(der::ReadX509Time(validity.contents, &s.not_before, "notBefore"));
  IKEWOT_RETURN_IF_ERROR(der::ReadX509Time(validity.contents, &s.not_after, "notAfter"));
  IKEWOT_RETURN_IF_ERROR(validity.contents.ExpectEmpty("validity"));
  for (uint8_t unique_id = 1; unique_id <= 2; ++unique_id) {
    if (der::NextIs(tbs.contents, der::ContextPrimitive(unique_id))) {
      IKEWOT_RETURN_IF_ERROR(der::ReadElement(tbs.contents, &field, "uniqueIdentifier"));
    }
  }
  auto name = ParseName(subject);
  if (!name.ok()) return name.error();
  s.subject = name->text;
  s.common_name = name->common_name;
  if (!s.common_name.empty()) {
    auto cn = CanonicalIdentity("cn:" + s.common_name);
    if (cn.ok()) s.identities.push_back(*cn);
  }
  if (!s.subject.empty()) {
    auto dn = CanonicalIdentity("dn:" + s.subject);
    if (dn.ok()) s.identities.push_back(*dn);
  }
  if (der::NextIs(tbs.contents, der::ContextConstructed(3))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(tbs.contents, &field, "extensions"));
    IKEWOT_RETURN_IF_ERROR(ParseExtensions(field, &s.identities));
  }
  IKEWOT_RETURN_IF_ERROR(tbs.contents.ExpectEmpty("TBSCertificate"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(cert.contents, der::kSequence, &field, "signatureAlgorithm"));
  ByteView signature;
  IKEWOT_RETURN_IF_ERROR(der::ReadBitStringBytes(cert.contents, &signature, "signatureValue"));
  IKEWOT_RETURN_IF_ERROR(cert.contents.ExpectEmpty("Certificate"));
  std::sort(s.identities.begin(), s.identities.end());
  s.identities.erase(std::unique(s.identities.begin(), s.identities.end()), s.identities.end());
  s.self_issued = SameBytes(issuer.encoding, subject.encoding);
  s.fingerprint = known_fingerprint.size() == 32
                      ? Bytes(known_fingerprint.begin(), known_fingerprint.end())
                      : Sha256(der);
  return s;
}

}  // namespace legacy

// ---- Comparison helpers. ----

template <typename T>
std::string Describe(const Result<T>& r) {
  if (r.ok()) return "ok";
  return std::string(ErrorCodeName(r.code())) + " @" + std::to_string(r.error().offset) + ": " +
         r.error().message;
}

// Both results the same: both fail alike, or both succeed with equal summaries.
::testing::AssertionResult SameSummary(const Result<CertSummary>& ours,
                                       const Result<CertSummary>& reference) {
  if (ours.ok() != reference.ok() || (!ours.ok() && Describe(ours) != Describe(reference))) {
    return ::testing::AssertionFailure()
           << "new: " << Describe(ours) << "; reference: " << Describe(reference);
  }
  if (!ours.ok()) return ::testing::AssertionSuccess();
  const CertSummary& a = *ours;
  const CertSummary& b = *reference;
  if (a.fingerprint != b.fingerprint || a.subject != b.subject || a.common_name != b.common_name ||
      a.identities != b.identities || a.not_before != b.not_before || a.not_after != b.not_after ||
      a.self_issued != b.self_issued) {
    std::string ids_a, ids_b;
    for (const auto& id : a.identities) ids_a += id + " | ";
    for (const auto& id : b.identities) ids_b += id + " | ";
    return ::testing::AssertionFailure()
           << "summaries differ: subject \"" << a.subject << "\" vs \"" << b.subject << "\", cn \""
           << a.common_name << "\" vs \"" << b.common_name << "\", identities [" << ids_a
           << "] vs [" << ids_b << "], validity " << a.not_before << ".." << a.not_after << " vs "
           << b.not_before << ".." << b.not_after << ", self-issued " << a.self_issued << " vs "
           << b.self_issued;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult SameText(const Result<std::string>& ours,
                                    const Result<std::string>& reference) {
  if (Describe(ours) != Describe(reference) || (ours.ok() && *ours != *reference)) {
    return ::testing::AssertionFailure()
           << "new: " << Describe(ours) << (ours.ok() ? " \"" + *ours + "\"" : "")
           << "; reference: " << Describe(reference)
           << (reference.ok() ? " \"" + *reference + "\"" : "");
  }
  return ::testing::AssertionSuccess();
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// DER TLV with a short or long length (contents under 64 KiB).
Bytes Tlv(uint8_t tag, const Bytes& contents) {
  Bytes out = {tag};
  const size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// AttributeTypeAndValue with the given OID contents, string tag and value octets.
Bytes Atv(const Bytes& oid, uint8_t tag, const Bytes& value) {
  return Tlv(der::kSequence, Concat({Tlv(der::kOid, oid), Tlv(tag, value)}));
}

const Bytes kCn = {0x55, 0x04, 0x03};
const Bytes kOu = {0x55, 0x04, 0x0b};
const Bytes kOrg = {0x55, 0x04, 0x0a};
const Bytes kDc = {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19};
const Bytes kUid = {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01};
const Bytes kEmailAttr = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};

// Names in every form the formatter distinguishes: string types, escapes, multi-valued RDNs,
// unknown and near-miss attribute OIDs, values it can only show in hex.
std::vector<Bytes> UnusualNames() {
  const auto name = [](std::initializer_list<Bytes> rdns) {
    Bytes contents;
    for (const Bytes& rdn : rdns) contents.insert(contents.end(), rdn.begin(), rdn.end());
    return Tlv(der::kSequence, contents);
  };
  const auto rdn = [](std::initializer_list<Bytes> atvs) {
    Bytes contents;
    for (const Bytes& atv : atvs) contents.insert(contents.end(), atv.begin(), atv.end());
    return Tlv(der::kSet, contents);
  };
  return {
      name({rdn({Atv(kCn, der::kUtf8String, Text("Alice Example"))})}),
      name({rdn({Atv(kOrg, der::kPrintableString, Text("Example"))}),
            rdn({Atv(kOu, der::kUtf8String, Text("Ops")), Atv(kCn, der::kUtf8String, Text("x"))}),
            rdn({Atv(kCn, der::kUtf8String, Text("second cn"))})}),
      name({rdn({Atv(kCn, der::kUtf8String, Text(" #lead,+\"\\<>;=trail "))})}),
      name({rdn({Atv(kCn, der::kBmpString, {0x00, 'B', 0x00, 0xe9, 0x4e, 0x2d})})}),
      name({rdn({Atv(kCn, der::kBmpString, {0xd8, 0x00})})}),  // a lone surrogate: hex form
      name({rdn({Atv(kCn, der::kBmpString, {0x00})})}),        // odd length: hex form
      name({rdn({Atv(kCn, der::kT61String, {'c', 0xe9, 0xff})})}),
      name({rdn({Atv(kCn, der::kUniversalString, {0, 1, 0xf6, 0x00, 0, 0, 0, 'u'})})}),
      name({rdn({Atv(kCn, der::kUniversalString, {0, 0x11, 0, 0})})}),  // beyond U+10FFFF
      name({rdn({Atv(kCn, der::kUtf8String, {'a', 0xc3})})}),           // bad UTF-8: hex form
      name({rdn({Atv(kCn, der::kUtf8String, {'n', 0x00, 'l'})})}),      // NUL, escaped \00
      name({rdn({Atv(kCn, der::kUtf8String, {'t', 0x09, 'b'})})}),      // control: no cn/dn
      name({rdn({Atv(kCn, der::kUtf8String, {})})}),                    // empty CN
      name({rdn({Atv(kCn, der::kUtf8String, {})}),
            rdn({Atv(kCn, der::kUtf8String, Text("Later"))})}),
      name({rdn({Atv(kCn, der::kOctetString, Text("not a string"))})}),
      name({rdn({Atv(kDc, der::kIa5String, Text("org"))}),
            rdn({Atv(kDc, der::kIa5String, Text("example"))}),
            rdn({Atv(kUid, der::kUtf8String, Text("u1"))}),
            rdn({Atv(kEmailAttr, der::kIa5String, Text("A@Example.ORG"))})}),
      name({rdn({Atv({0x2a, 0x03, 0x04}, der::kUtf8String, Text("dotted"))})}),
      name({rdn({Atv({0x55, 0x04, 0x41}, der::kUtf8String, Text("pseudonym"))})}),
      name({rdn({Atv({0x55, 0x04}, der::kUtf8String, Text("short"))})}),
      name({rdn({Atv({0x88, 0x37, 0x03}, der::kUtf8String, Text("arc 1000"))})}),
      name({rdn({Atv({0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
                     der::kUtf8String, Text("big arc"))})}),
      name({rdn({Atv({0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x02}, der::kUtf8String,
                     Text("near DC"))})}),
      name({}),
      name({Tlv(der::kSet, {})}),
  };
}

// SAN extension values in every form CollectSans distinguishes.
std::vector<Bytes> UnusualSans() {
  const auto names = [](std::initializer_list<Bytes> general_names) {
    Bytes contents;
    for (const Bytes& gn : general_names) contents.insert(contents.end(), gn.begin(), gn.end());
    return Tlv(der::kSequence, contents);
  };
  return {
      names({Tlv(0x82, Text("GW.Example.ORG.")), Tlv(0x82, Text("a_b*.example.org")),
             Tlv(0x81, Text("Bob@Example.ORG")), Tlv(0x86, Text("https://Example.org/x"))}),
      names({Tlv(0x87, {192, 0, 2, 1}),
             Tlv(0x87, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})}),
      names({Tlv(0x87, {192, 0, 2})}),  // 3-octet iPAddress: refused
      names({Tlv(0x82, Text("bad name!")), Tlv(0x82, {}), Tlv(0x81, Text("no-at")),
             Tlv(0x81, Text("x@")), Tlv(0x82, Text("."))}),
      names(
          {Tlv(0x82, {'d', 0x07}), Tlv(0x86, {'u', 0xff}), Tlv(0x82, Text(std::string(300, 'a')))}),
      names({Tlv(0xa0, Concat({Tlv(der::kOid, {0x2a, 0x03}), Tlv(0xa0, Tlv(0x0c, Text("o")))})),
             Tlv(0xa4, UnusualNames()[0]), Tlv(0x88, {0x2a, 0x03}), Tlv(0x82, Text("ok.org"))}),
      names({}),
      names({Tlv(0x82, Text("dup.org")), Tlv(0x82, Text("DUP.org"))}),
      Concat({names({Tlv(0x82, Text("x.org"))}), Bytes{0x00}}),  // trailing octet
  };
}

// A self-signed v3 certificate with the given subject (and issuer) Name DER and, when not
// empty, a subjectAltName extension with the given value DER. The TBS is written by hand (an
// X509_NAME round trip through OpenSSL would re-encode or refuse the odd names) and signed.
Bytes HandMadeCertificate(EVP_PKEY* key, const Bytes& name_der, const Bytes& san_value,
                          bool with_version = true) {
  const Bytes algorithm =
      Tlv(der::kSequence,
          Tlv(der::kOid, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}));  // ecdsa-with-SHA256
  const int spki_size = i2d_PUBKEY(key, nullptr);
  EXPECT_GT(spki_size, 0);
  Bytes spki(static_cast<size_t>(spki_size));
  unsigned char* p = spki.data();
  i2d_PUBKEY(key, &p);
  const Bytes validity =
      Tlv(der::kSequence, Concat({Tlv(der::kUtcTime, Text("250101000000Z")),
                                  Tlv(der::kGeneralizedTime, Text("20500101000000Z"))}));
  Bytes extensions;
  if (!san_value.empty()) {
    const Bytes san =
        Tlv(der::kSequence,
            Concat({Tlv(der::kOid, {0x55, 0x1d, 0x11}), Tlv(der::kOctetString, san_value)}));
    extensions = Tlv(0xa3, Tlv(der::kSequence, san));
  }
  const Bytes tbs =
      Tlv(der::kSequence, Concat({with_version ? Tlv(0xa0, Tlv(der::kInteger, {0x02})) : Bytes{},
                                  Tlv(der::kInteger, {0x07}), algorithm, name_der, validity,
                                  name_der, spki, extensions}));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t signature_size = 0;
  EXPECT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &signature_size, tbs.data(), tbs.size()), 1);
  Bytes signature(signature_size + 1, 0);  // a leading 0: no unused bits
  EXPECT_EQ(
      EVP_DigestSign(ctx.get(), signature.data() + 1, &signature_size, tbs.data(), tbs.size()), 1);
  signature.resize(signature_size + 1);
  return Tlv(der::kSequence, Concat({tbs, algorithm, Tlv(der::kBitString, signature)}));
}

// Every certificate the comparison starts from (distinct DER only).
std::vector<Bytes> Corpus() {
  std::set<Bytes> unique;
  const std::filesystem::path vectors(IKEWOT_TEST_DATA_DIR);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(vectors)) {
    if (entry.is_regular_file() && entry.path().extension() == ".der") {
      unique.insert(ReadFile(entry.path()));
    }
  }
  const std::filesystem::path seeds = vectors.parent_path() / "fuzz" / "corpus" / "certificate_der";
  if (std::filesystem::is_directory(seeds)) {
    for (const auto& entry : std::filesystem::directory_iterator(seeds)) {
      if (entry.is_regular_file()) unique.insert(ReadFile(entry.path()));
    }
  }
  using crypto::KeyType;
  const std::vector<std::string> sans = {"dns:Zoe.Example.org", "ip:192.0.2.5", "ip:2001:db8::7",
                                         "email:zoe@EXAMPLE.org", "uri:https://example.org/zoe"};
  uint64_t seed = 100;
  for (KeyType type :
       {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEd25519, KeyType::kRsa2048}) {
    unique.insert(testing::MakePerson("Zoë Example", seed++, type, sans)->der());
    unique.insert(testing::MakePerson("bob", seed++, type)->der());
  }
  auto signer = testing::MakePerson("signer", 7);
  for (const Bytes& name : UnusualNames()) {
    unique.insert(HandMadeCertificate(signer->key.pkey(), name, {}));
  }
  for (const Bytes& san : UnusualSans()) {
    unique.insert(HandMadeCertificate(signer->key.pkey(), UnusualNames()[1], san));
  }
  unique.erase(Bytes{});
  return std::vector<Bytes>(unique.begin(), unique.end());
}

const std::vector<Bytes>& Certificates() {
  static const std::vector<Bytes> corpus = Corpus();
  return corpus;
}

TEST(CertSummaryDiffTest, CorpusCoversWhatTheSummaryDistinguishes) {
  const std::vector<Bytes>& corpus = Certificates();
  EXPECT_GE(corpus.size(), 80u);
  size_t accepted = 0, with_hex_values = 0, with_sans = 0, refused = 0;
  for (const Bytes& der : corpus) {
    auto s = SummarizeCertificate(der);
    if (!s.ok()) {
      ++refused;
      continue;
    }
    ++accepted;
    if (s->subject.find("=#") != std::string::npos) ++with_hex_values;
    if (s->identities.size() > 2) ++with_sans;
  }
  EXPECT_GE(accepted, 70u);
  EXPECT_GE(with_hex_values, 4u);
  EXPECT_GE(with_sans, 10u);
  EXPECT_GE(refused, 1u);  // the 3-octet iPAddress
}

TEST(CertSummaryDiffTest, SameAsTheReferenceOnEveryCertificate) {
  for (const Bytes& der : Certificates()) {
    EXPECT_TRUE(SameSummary(SummarizeCertificate(der), legacy::SummarizeCertificate(der, {})))
        << ToHex(der);
    const Bytes fp(32, 0x5a);
    EXPECT_TRUE(SameSummary(SummarizeCertificate(der, fp), legacy::SummarizeCertificate(der, fp)));
  }
}

TEST(CertSummaryDiffTest, SameAsTheReferenceOnEveryTruncationAndAChangeOfEveryOctet) {
  size_t compared = 0, accepted = 0;
  for (const Bytes& der : Certificates()) {
    const Bytes fp(32, 0x11);  // known fingerprint: the comparison is about parsing
    for (size_t n = 0; n < der.size(); ++n) {
      const ByteView prefix(der.data(), n);
      ASSERT_TRUE(
          SameSummary(SummarizeCertificate(prefix, fp), legacy::SummarizeCertificate(prefix, fp)))
          << "prefix " << n << " of " << ToHex(der);
      ++compared;
    }
    Bytes changed = der;
    for (size_t i = 0; i < der.size(); ++i) {
      // One change per octet, the kind cycling: a low bit (lengths, values), the high bit
      // (long-form lengths, context tags), every bit (tags, string types).
      static constexpr uint8_t kFlips[] = {0x01, 0x80, 0xff};
      const uint8_t flip = kFlips[i % 3];
      changed[i] = static_cast<uint8_t>(der[i] ^ flip);
      auto ours = SummarizeCertificate(changed, fp);
      ASSERT_TRUE(SameSummary(ours, legacy::SummarizeCertificate(changed, fp)))
          << "octet " << i << " ^ " << int{flip} << " of " << ToHex(der);
      accepted += ours.ok();
      ++compared;
      changed[i] = der[i];
    }
  }
  EXPECT_GE(compared, 90000u) << accepted;
  EXPECT_GE(accepted, 20000u)
      << compared;  // changed values inside names, SANs and keys still parse
}

TEST(CertSummaryDiffTest, DistinguishedNamesSameAsTheReference) {
  std::vector<Bytes> names = UnusualNames();
  for (const Bytes& der : Certificates()) {
    auto parsed = crypto::ParseCertificateDer(der);
    if (parsed.ok()) names.emplace_back(parsed->subject.begin(), parsed->subject.end());
  }
  for (const Bytes& name : names) {
    EXPECT_TRUE(SameText(FormatDistinguishedName(name), legacy::FormatDistinguishedName(name)))
        << ToHex(name);
    Bytes changed = name;
    for (size_t i = 0; i < name.size(); ++i) {
      for (uint8_t flip : {0x01, 0x80}) {
        changed[i] = static_cast<uint8_t>(name[i] ^ flip);
        ASSERT_TRUE(
            SameText(FormatDistinguishedName(changed), legacy::FormatDistinguishedName(changed)))
            << "octet " << i << " of " << ToHex(name);
      }
      changed[i] = name[i];
    }
  }
}

TEST(CertSummaryDiffTest, CanonicalIdentityOfIsCanonicalIdentityOfTheJoinedText) {
  const std::vector<std::string> kinds = {"cn",    "dn",  "dns", "email", "uri", "ip",
                                          "keyid", "DNS", "Cn",  "bogus", ""};
  const std::vector<std::string> values = {"Bob",
                                           "gw.Example.ORG.",
                                           "gw.example.org..",
                                           "GW",
                                           ".",
                                           "",
                                           "a b",
                                           "a_b*.x",
                                           "bad!",
                                           "x@Example.ORG",
                                           "x@",
                                           "@x",
                                           "no-at",
                                           "a@b@C.org",
                                           "https://X/y",
                                           "192.0.2.1",
                                           "2001:DB8::1",
                                           "0a1B",
                                           "zz",
                                           "t\tab",
                                           "n\x7fl",
                                           std::string("a\0b", 3),
                                           "caf\xc3\xa9",
                                           "bad\xc3",
                                           std::string(253, 'a'),
                                           std::string(254, 'a'),
                                           std::string(1020, 'b'),
                                           std::string(1021, 'b'),
                                           std::string(1030, 'b'),
                                           "CN=x,O=y",
                                           "x:y"};
  for (const std::string& kind : kinds) {
    for (const std::string& value : values) {
      EXPECT_TRUE(SameText(CanonicalIdentityOf(kind, value), CanonicalIdentity(kind + ":" + value)))
          << kind << " : " << value;
    }
  }
}

// The summary and crypto's strict parser (crypto::ParseCertificateDer, behind
// crypto::Certificate::FromDer) read the same fields alike wherever both accept a certificate.
TEST(CertSummaryDiffTest, AgreesWithCryptoParserOnSharedFields) {
  size_t both = 0;
  for (const Bytes& der : Certificates()) {
    auto parsed = crypto::ParseCertificateDer(der);
    auto summary = SummarizeCertificate(der);
    if (!parsed.ok() || !summary.ok()) continue;
    ++both;
    EXPECT_EQ(summary->not_before, parsed->not_before);
    EXPECT_EQ(summary->not_after, parsed->not_after);
    EXPECT_EQ(summary->self_issued, std::ranges::equal(parsed->issuer, parsed->subject));
    auto subject = FormatDistinguishedName(parsed->subject);
    ASSERT_TRUE(subject.ok());
    EXPECT_EQ(summary->subject, *subject);
    for (const crypto::SubjectAltName& san : parsed->subject_alt_names) {
      // crypto escapes what is not printable ASCII for display; the summary keeps it raw.
      if (san.value.find('\\') != std::string::npos) continue;
      auto id = CanonicalIdentity(san.ToString());
      if (!id.ok()) continue;  // the summary skips what it cannot canonicalize
      EXPECT_TRUE(std::ranges::find(summary->identities, *id) != summary->identities.end())
          << *id << " in " << ToHex(der);
    }
  }
  EXPECT_GE(both, 60u);
}

// Why SummarizeCertificate keeps its own walk instead of building on crypto's: crypto's parser
// is stricter, so a summary built on it would refuse certificates that older versions stored
// and imported (and that the SQLite backend re-summarizes whenever it loads a store).
TEST(CertSummaryDiffTest, CryptoParserRefusesCertificatesTheSummaryAccepts) {
  auto signer = testing::MakePerson("signer", 7);
  const Bytes san = UnusualSans()[0];
  // A v1 certificate (no version field) that carries extensions.
  const Bytes v1_with_extensions =
      HandMadeCertificate(signer->key.pkey(), UnusualNames()[0], san, /*with_version=*/false);
  // An unknown GeneralName form, tag [9].
  const Bytes unknown_general_name = HandMadeCertificate(signer->key.pkey(), UnusualNames()[0],
                                                         Tlv(der::kSequence, Tlv(0x89, {0x01})));
  for (const Bytes& der : {v1_with_extensions, unknown_general_name}) {
    EXPECT_TRUE(SummarizeCertificate(der).ok());
    auto strict = crypto::ParseCertificateDer(der);
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.code(), ErrorCode::kBadValue);
  }
}

}  // namespace
}  // namespace ikewot::trust
