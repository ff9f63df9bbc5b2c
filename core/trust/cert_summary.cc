#include "core/trust/cert_summary.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "core/crypto/identification.h"
#include "core/trust/address.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"

namespace ikewot::trust {
namespace {

struct AttributeName {
  Bytes oid;
  const char* name;
};

// RFC 4514 §3 short names, plus the ones OpenSSL prints for common attributes.
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

// Dotted decimal of an OID's contents (arcs above 2^56 are refused).
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

// Decodes a directory string to UTF-8; false for non-string types or bad encodings.
bool DirectoryStringToUtf8(uint8_t tag, ByteView v, std::string* out) {
  out->clear();
  switch (tag) {
    case der::kUtf8String:
    case der::kPrintableString:
    case der::kIa5String:
      out->assign(reinterpret_cast<const char*>(v.data()), v.size());
      return der::IsValidUtf8(*out);
    case der::kT61String:  // treated as Latin-1, as OpenSSL and most software do
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

// RFC 4514 §2.4 escaping of an attribute value.
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
        shown = "#" + ToHex(value.encoding);  // RFC 4514 §2.4 hex form
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

// GeneralNames (RFC 5280 §4.2.1.6): rfc822Name [1], dNSName [2], URI [6], iPAddress [7].
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
        continue;  // otherName, directoryName, ... carry no identity we match on
    }
    // A SAN we cannot canonicalize cannot be matched; skipping it loses nothing.
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

}  // namespace

Bytes Sha256(ByteView data, const EVP_MD* sha256) {
  Bytes out(32);
  unsigned int len = 0;
  // EVP_Digest fails only on allocation failure; an all-zero result would then never match.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, sha256 ? sha256 : EVP_sha256(),
                 nullptr) != 1) {
    std::fill(out.begin(), out.end(), 0);
  }
  return out;
}

Result<Sha256Hasher> Sha256Hasher::Create() {
  Sha256Hasher h;
  h.md_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  h.ctx_.reset(EVP_MD_CTX_new());
  if (!h.md_ || !h.ctx_) return ossl::CryptoError("preparing SHA-256");
  return h;
}

Status Sha256Hasher::Digest(ByteView data, Bytes* out) {
  out->resize(32);
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_.get(), out->data(), &len) != 1 || len != 32) {
    return ossl::CryptoError("SHA-256");
  }
  return Status::Ok();
}

std::string FingerprintText(ByteView fingerprint) {
  return crypto::FormatFingerprintHex(fingerprint);
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

}  // namespace ikewot::trust
