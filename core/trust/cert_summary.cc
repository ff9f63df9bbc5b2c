#include "core/trust/cert_summary.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "core/crypto/identification.h"
#include "core/trust/address.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"

namespace ikewot::trust {
namespace {

// RFC 4514 §3 short names, plus the ones OpenSSL prints for common attributes; nullptr for
// any other attribute type (shown as its dotted OID).
const char* KnownAttributeName(ByteView oid) {
  static constexpr uint8_t kPkcs9Email[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
  static constexpr uint8_t kPilotPrefix[] = {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01};
  if (oid.size() == 3 && oid[0] == 0x55 && oid[1] == 0x04) {  // 2.5.4.x (X.520)
    switch (oid[2]) {
      case 0x03:
        return "CN";
      case 0x06:
        return "C";
      case 0x07:
        return "L";
      case 0x08:
        return "ST";
      case 0x09:
        return "STREET";
      case 0x0a:
        return "O";
      case 0x0b:
        return "OU";
      case 0x05:
        return "serialNumber";
      case 0x0c:
        return "title";
      case 0x04:
        return "SN";
      case 0x2a:
        return "GN";
      default:
        return nullptr;
    }
  }
  if (oid.size() == sizeof(kPkcs9Email) && std::equal(oid.begin(), oid.end(), kPkcs9Email)) {
    return "emailAddress";
  }
  if (oid.size() == sizeof(kPilotPrefix) + 1 &&
      std::equal(kPilotPrefix, kPilotPrefix + sizeof(kPilotPrefix), oid.begin())) {
    switch (oid.back()) {  // 0.9.2342.19200300.100.1.x (RFC 4519)
      case 0x19:
        return "DC";
      case 0x01:
        return "UID";
      default:
        return nullptr;
    }
  }
  return nullptr;
}

constexpr uint8_t kOidCommonName[] = {0x55, 0x04, 0x03};
constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};

bool SameBytes(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void AppendNumber(uint64_t value, std::string* out) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out->append(digits, end);
}

// Appends the dotted decimal of an OID's contents (arcs above 2^56 are refused).
Status AppendOidText(ByteView oid, size_t offset, std::string* out) {
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
      AppendNumber(top, out);
      out->push_back('.');
      AppendNumber(value - top * 40, out);
      first = false;
    } else {
      out->push_back('.');
      AppendNumber(value, out);
    }
    value = 0;
  }
  return Status::Ok();
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

// The UTF-8 text of a directory string, as a view of the certificate when it is stored as
// UTF-8 already, else decoded into `scratch`; nullopt for non-string types or bad encodings.
std::optional<std::string_view> DirectoryStringUtf8(uint8_t tag, ByteView v, std::string* scratch) {
  switch (tag) {
    case der::kUtf8String:
    case der::kPrintableString:
    case der::kIa5String: {
      const std::string_view text(reinterpret_cast<const char*>(v.data()), v.size());
      if (!der::IsValidUtf8(text)) return std::nullopt;
      return text;
    }
    case der::kT61String:  // treated as Latin-1, as OpenSSL and most software do
      scratch->clear();
      for (uint8_t b : v) AppendUtf8(b, scratch);
      return *scratch;
    case der::kBmpString:
      if (v.size() % 2) return std::nullopt;
      scratch->clear();
      for (size_t i = 0; i < v.size(); i += 2) {
        const uint32_t cp = static_cast<uint32_t>(v[i] << 8 | v[i + 1]);
        if (cp >= 0xd800 && cp <= 0xdfff) return std::nullopt;
        AppendUtf8(cp, scratch);
      }
      return *scratch;
    case der::kUniversalString:
      if (v.size() % 4) return std::nullopt;
      scratch->clear();
      for (size_t i = 0; i < v.size(); i += 4) {
        const uint32_t cp = static_cast<uint32_t>(v[i]) << 24 |
                            static_cast<uint32_t>(v[i + 1]) << 16 |
                            static_cast<uint32_t>(v[i + 2]) << 8 | v[i + 3];
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
        AppendUtf8(cp, scratch);
      }
      return *scratch;
    default:
      return std::nullopt;
  }
}

// Appends an attribute value with RFC 4514 §2.4 escaping.
void AppendEscapedValue(std::string_view v, std::string* out) {
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                         c == ';' || c == '=';
    const bool edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.size() && c == ' ');
    if (c == '\0') {
      out->append("\\00");
    } else if (special || edge) {
      out->push_back('\\');
      out->push_back(c);
    } else {
      out->push_back(c);
    }
  }
}

void AppendHex(ByteView data, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t b : data) {
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 0x0f]);
  }
}

// Reads a Name (RFC 5280 §4.1.2.4) and writes its RFC 4514 text -- RDNs last-to-first,
// multi-valued RDNs joined with '+' -- and its first commonName. The RDNs are formatted in
// wire order into one buffer and then joined in reverse, so a name costs a few allocations
// rather than several per attribute.
Status ParseName(const der::Element& name, std::string* text, std::string* common_name) {
  std::string forward;  // the RDNs' texts in wire order, back to back
  std::vector<size_t> rdn_ends;
  std::string scratch;
  Reader in = name.contents;
  while (!in.empty()) {
    der::Element rdn;
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSet, &rdn, "RelativeDistinguishedName"));
    if (rdn.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, "empty RelativeDistinguishedName", rdn.offset);
    }
    const size_t rdn_start = forward.size();
    while (!rdn.contents.empty()) {
      der::Element atv, value;
      ByteView oid;
      IKEWOT_RETURN_IF_ERROR(
          der::ReadTagged(rdn.contents, der::kSequence, &atv, "AttributeTypeAndValue"));
      IKEWOT_RETURN_IF_ERROR(der::ReadOid(atv.contents, &oid, "attribute type"));
      IKEWOT_RETURN_IF_ERROR(der::ReadElement(atv.contents, &value, "attribute value"));
      IKEWOT_RETURN_IF_ERROR(atv.contents.ExpectEmpty("AttributeTypeAndValue"));
      if (forward.size() != rdn_start) forward.push_back('+');
      if (const char* type = KnownAttributeName(oid)) {
        forward.append(type);
      } else {
        IKEWOT_RETURN_IF_ERROR(AppendOidText(oid, atv.offset, &forward));
      }
      forward.push_back('=');
      const auto decoded = DirectoryStringUtf8(value.tag, value.contents.Rest(), &scratch);
      if (decoded) {
        AppendEscapedValue(*decoded, &forward);
        if (common_name->empty() && SameBytes(oid, kOidCommonName)) {
          common_name->assign(*decoded);
        }
      } else {
        forward.push_back('#');  // RFC 4514 §2.4 hex form
        AppendHex(value.encoding, &forward);
      }
    }
    rdn_ends.push_back(forward.size());
  }
  text->clear();
  if (rdn_ends.size() <= 1) {
    *text = std::move(forward);
    return Status::Ok();
  }
  text->reserve(forward.size() + rdn_ends.size());
  for (size_t i = rdn_ends.size(); i-- > 0;) {
    const size_t begin = i == 0 ? 0 : rdn_ends[i - 1];
    if (!text->empty()) text->push_back(',');
    text->append(forward, begin, rdn_ends[i] - begin);
  }
  return Status::Ok();
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
    const std::string_view text(reinterpret_cast<const char*>(v.data()), v.size());
    Result<std::string> id = MakeError(ErrorCode::kUnsupported, "");
    switch (gn.tag) {
      case der::ContextPrimitive(1):
        id = CanonicalIdentityOf("email", text);
        break;
      case der::ContextPrimitive(2):
        id = CanonicalIdentityOf("dns", text);
        break;
      case der::ContextPrimitive(6):
        id = CanonicalIdentityOf("uri", text);
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
    if (id.ok()) identities->push_back(std::move(*id));
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
  std::string text, common_name;
  IKEWOT_RETURN_IF_ERROR(ParseName(name, &text, &common_name));
  return text;
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
  IKEWOT_RETURN_IF_ERROR(ParseName(subject, &s.subject, &s.common_name));
  s.identities.reserve(4);
  if (!s.common_name.empty()) {
    auto cn = CanonicalIdentityOf("cn", s.common_name);
    if (cn.ok()) s.identities.push_back(std::move(*cn));
  }
  if (!s.subject.empty()) {
    auto dn = CanonicalIdentityOf("dn", s.subject);
    if (dn.ok()) s.identities.push_back(std::move(*dn));
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
