#include "core/crypto/certificate_der.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/crypto/certificate_text.h"
#include "core/crypto/der_reader.h"

namespace ikewot::crypto {
namespace {

using der::Element;

// OBJECT IDENTIFIER contents of the extensions we look into (RFC 5280 §4.2.1).
constexpr uint8_t kOidSubjectKeyId[] = {0x55, 0x1d, 0x0e};           // 2.5.29.14
constexpr uint8_t kOidKeyUsage[] = {0x55, 0x1d, 0x0f};               // 2.5.29.15
constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};         // 2.5.29.17
constexpr uint8_t kOidBasicConstraints[] = {0x55, 0x1d, 0x13};       // 2.5.29.19
constexpr uint8_t kOidNameConstraints[] = {0x55, 0x1d, 0x1e};        // 2.5.29.30
constexpr uint8_t kOidCrlDistributionPoints[] = {0x55, 0x1d, 0x1f};  // 2.5.29.31
constexpr uint8_t kOidAuthorityKeyId[] = {0x55, 0x1d, 0x23};         // 2.5.29.35
constexpr uint8_t kOidExtKeyUsage[] = {0x55, 0x1d, 0x25};            // 2.5.29.37
// Extensions OpenSSL 3.0 decodes while caching a certificate's extensions (and flags
// EXFLAG_INVALID when they are malformed) but that ikewot never reads: their acceptance is left
// to OpenSSL itself (ParsedCertificateDer::needs_openssl_check).
constexpr uint8_t kOidProxyCertInfo[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0e};
constexpr uint8_t kOidIpAddrBlocks[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x07};
constexpr uint8_t kOidAsIdentifiers[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x08};
constexpr uint8_t kOidNetscapeCertType[] = {0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x01, 0x01};

bool Is(ByteView oid, ByteView known) { return std::ranges::equal(oid, known); }

// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
// (RFC 5280 §4.1.1.2).
Status ReadAlgorithmIdentifier(Reader& in, ByteView* encoding, ByteView* oid,
                               std::optional<ByteView>* parameters, std::string_view what) {
  Element sequence;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &sequence, what));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(sequence.contents, oid, what));
  parameters->reset();
  if (!sequence.contents.empty()) {
    Element params;
    IKEWOT_RETURN_IF_ERROR(der::ReadAny(sequence.contents, &params, what));
    *parameters = params.encoding;
  }
  IKEWOT_RETURN_IF_ERROR(sequence.contents.ExpectEmpty(what));
  *encoding = sequence.encoding;
  return Status::Ok();
}

// Name ::= SEQUENCE OF RelativeDistinguishedName
// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }  (RFC 5280 §4.1.2.4)
Status ReadName(Reader& in, ByteView* encoding, std::string_view what) {
  Element name;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &name, what));
  while (!name.contents.empty()) {
    Element rdn;
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(name.contents, der::kSet, &rdn, what));
    if (rdn.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, std::string(what) + " has an empty RDN", rdn.offset);
    }
    while (!rdn.contents.empty()) {
      Element attribute, value;
      ByteView type;
      IKEWOT_RETURN_IF_ERROR(der::ReadTagged(rdn.contents, der::kSequence, &attribute, what));
      IKEWOT_RETURN_IF_ERROR(der::ReadOid(attribute.contents, &type, what));
      IKEWOT_RETURN_IF_ERROR(der::ReadAny(attribute.contents, &value, what));
      IKEWOT_RETURN_IF_ERROR(attribute.contents.ExpectEmpty(what));
    }
  }
  *encoding = name.encoding;
  return Status::Ok();
}

// Validity ::= SEQUENCE { notBefore Time, notAfter Time }  (RFC 5280 §4.1.2.5)
Status ReadValidity(Reader& in, ParsedCertificateDer* out) {
  Element validity;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &validity, "validity"));
  IKEWOT_RETURN_IF_ERROR(der::ReadX509Time(validity.contents, &out->not_before, "notBefore"));
  IKEWOT_RETURN_IF_ERROR(der::ReadX509Time(validity.contents, &out->not_after, "notAfter"));
  return validity.contents.ExpectEmpty("validity");
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
//                                     subjectPublicKey BIT STRING }  (RFC 5280 §4.1.2.7)
Status ReadSubjectPublicKeyInfo(Reader& in, ParsedCertificateDer* out) {
  Element spki;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &spki, "subjectPublicKeyInfo"));
  ByteView algorithm;
  IKEWOT_RETURN_IF_ERROR(ReadAlgorithmIdentifier(spki.contents, &algorithm, &out->key_algorithm,
                                                 &out->key_parameters, "key algorithm"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadWholeOctetBitString(spki.contents, &out->key_bits, "subjectPublicKey"));
  IKEWOT_RETURN_IF_ERROR(spki.contents.ExpectEmpty("subjectPublicKeyInfo"));
  out->spki = spki.encoding;
  return Status::Ok();
}

// GeneralName ::= CHOICE {
//      otherName                 [0]  OtherName,
//      rfc822Name                [1]  IA5String,
//      dNSName                   [2]  IA5String,
//      x400Address               [3]  ORAddress,
//      directoryName             [4]  Name,
//      ediPartyName              [5]  EDIPartyName,
//      uniformResourceIdentifier [6]  IA5String,
//      iPAddress                 [7]  OCTET STRING,
//      registeredID              [8]  OBJECT IDENTIFIER }   (RFC 5280 §4.2.1.6, IMPLICIT tags)
// OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
// The kinds ikewot uses go to `sans` when it is given; x400Address, directoryName and
// ediPartyName are left to OpenSSL (needs_openssl_check).
Status ReadGeneralName(Reader& in, std::vector<SubjectAltName>* sans, bool* needs_openssl_check,
                       std::string_view what) {
  Element name;
  IKEWOT_RETURN_IF_ERROR(der::ReadElement(in, &name, what));
  ByteView value = name.contents.Rest();
  auto text = [&] {
    return EscapeForDisplay(
        std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
  };
  switch (name.tag) {
    case der::ContextConstructed(0): {
      ByteView type;
      Element explicit_value, inner;
      IKEWOT_RETURN_IF_ERROR(der::ReadOid(name.contents, &type, what));
      IKEWOT_RETURN_IF_ERROR(
          der::ReadTagged(name.contents, der::ContextConstructed(0), &explicit_value, what));
      IKEWOT_RETURN_IF_ERROR(der::ReadAny(explicit_value.contents, &inner, what));
      IKEWOT_RETURN_IF_ERROR(explicit_value.contents.ExpectEmpty(what));
      return name.contents.ExpectEmpty(what);
    }
    case der::ContextPrimitive(1):
      if (sans) sans->push_back({SubjectAltName::Kind::kEmail, text()});
      return Status::Ok();
    case der::ContextPrimitive(2):
      if (sans) sans->push_back({SubjectAltName::Kind::kDns, text()});
      return Status::Ok();
    case der::ContextPrimitive(6):
      if (sans) sans->push_back({SubjectAltName::Kind::kUri, text()});
      return Status::Ok();
    case der::ContextPrimitive(7): {
      if (!sans) return Status::Ok();
      auto ip = FormatIpAddress(value);
      if (!ip) {
        return MakeError(
            ErrorCode::kBadValue,
            "subjectAltName iPAddress must be 4 or 16 octets, got " + std::to_string(value.size()),
            name.offset);
      }
      sans->push_back({SubjectAltName::Kind::kIp, *ip});
      return Status::Ok();
    }
    case der::ContextPrimitive(8): {
      // The same contents under the universal tag, to apply the OBJECT IDENTIFIER rules.
      Bytes as_oid(name.encoding.begin(), name.encoding.end());
      as_oid[0] = der::kOid;
      Reader oid_reader(as_oid, name.offset);
      ByteView oid;
      return der::ReadOid(oid_reader, &oid, what);
    }
    case der::ContextConstructed(3):
    case der::ContextConstructed(4):
    case der::ContextConstructed(5):
      *needs_openssl_check = true;
      return Status::Ok();
    default:
      return MakeError(ErrorCode::kBadValue,
                       std::string(what) + " has an unknown GeneralName form (tag " +
                           std::to_string(name.tag) + ")",
                       name.offset);
  }
}

// GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
Status ReadGeneralNames(Reader& in, uint8_t tag, std::vector<SubjectAltName>* sans,
                        bool* needs_openssl_check, std::string_view what) {
  Element names;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, tag, &names, what));
  if (names.contents.empty()) {
    return MakeError(ErrorCode::kBadValue, std::string(what) + " is empty", names.offset);
  }
  while (!names.contents.empty()) {
    IKEWOT_RETURN_IF_ERROR(ReadGeneralName(names.contents, sans, needs_openssl_check, what));
  }
  return Status::Ok();
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
//                                 pathLenConstraint INTEGER (0..MAX) OPTIONAL }  (§4.2.1.9)
Status CheckBasicConstraints(Reader& in) {
  constexpr std::string_view kWhat = "basicConstraints";
  Element sequence;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &sequence, kWhat));
  if (der::NextIs(sequence.contents, der::kBoolean)) {
    bool ca = false;
    const size_t at = sequence.contents.offset();
    IKEWOT_RETURN_IF_ERROR(der::ReadBoolean(sequence.contents, &ca, kWhat));
    if (!ca) {
      return MakeError(ErrorCode::kBadValue,
                       "basicConstraints cA FALSE must be omitted (DER DEFAULT)", at);
    }
  }
  if (!sequence.contents.empty()) {
    ByteView path_length;
    IKEWOT_RETURN_IF_ERROR(der::ReadInteger(sequence.contents, &path_length, kWhat));
    if ((path_length[0] & 0x80) != 0) {
      return MakeError(ErrorCode::kBadValue, "basicConstraints pathLenConstraint is negative",
                       sequence.contents.offset());
    }
  }
  return sequence.contents.ExpectEmpty(kWhat);
}

// KeyUsage ::= BIT STRING; at least one bit must be set (§4.2.1.3).
Status CheckKeyUsage(Reader& in) {
  ByteView bits;
  const size_t at = in.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadBitString(in, &bits, "keyUsage"));
  const bool any = (!bits.empty() && bits[0] != 0) || (bits.size() > 1 && bits[1] != 0);
  if (!any) return MakeError(ErrorCode::kBadValue, "keyUsage has no bit set", at);
  return Status::Ok();
}

// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId  (§4.2.1.12)
Status CheckExtKeyUsage(Reader& in) {
  Element sequence;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &sequence, "extKeyUsage"));
  if (sequence.contents.empty()) {
    return MakeError(ErrorCode::kBadValue, "extKeyUsage is empty", sequence.offset);
  }
  while (!sequence.contents.empty()) {
    ByteView purpose;
    IKEWOT_RETURN_IF_ERROR(der::ReadOid(sequence.contents, &purpose, "extKeyUsage"));
  }
  return Status::Ok();
}

// AuthorityKeyIdentifier ::= SEQUENCE {
//     keyIdentifier             [0] KeyIdentifier           OPTIONAL,
//     authorityCertIssuer       [1] GeneralNames            OPTIONAL,
//     authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }  (§4.2.1.1)
Status CheckAuthorityKeyId(Reader& in, bool* needs_openssl_check) {
  constexpr std::string_view kWhat = "authorityKeyIdentifier";
  Element sequence, key_id;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &sequence, kWhat));
  if (der::NextIs(sequence.contents, der::ContextPrimitive(0))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(sequence.contents, &key_id, kWhat));
  }
  if (der::NextIs(sequence.contents, der::ContextConstructed(1))) {
    IKEWOT_RETURN_IF_ERROR(ReadGeneralNames(sequence.contents, der::ContextConstructed(1), nullptr,
                                            needs_openssl_check, kWhat));
  }
  if (der::NextIs(sequence.contents, der::ContextPrimitive(2))) {
    ByteView serial;
    IKEWOT_RETURN_IF_ERROR(
        der::ReadInteger(sequence.contents, &serial, kWhat, der::ContextPrimitive(2)));
  }
  return sequence.contents.ExpectEmpty(kWhat);
}

// Checks one extension's value by its type; unknown types are opaque to us (and to OpenSSL).
Status CheckExtensionValue(const ParsedExtension& extension, size_t value_offset,
                           ParsedCertificateDer* out) {
  Reader value(extension.value, value_offset);
  const ByteView oid = extension.oid;
  if (Is(oid, kOidSubjectAltName)) {
    IKEWOT_RETURN_IF_ERROR(ReadGeneralNames(value, der::kSequence, &out->subject_alt_names,
                                            &out->needs_openssl_check, "subjectAltName"));
  } else if (Is(oid, kOidBasicConstraints)) {
    IKEWOT_RETURN_IF_ERROR(CheckBasicConstraints(value));
  } else if (Is(oid, kOidKeyUsage)) {
    IKEWOT_RETURN_IF_ERROR(CheckKeyUsage(value));
  } else if (Is(oid, kOidExtKeyUsage)) {
    IKEWOT_RETURN_IF_ERROR(CheckExtKeyUsage(value));
  } else if (Is(oid, kOidSubjectKeyId)) {
    Element key_id;  // SubjectKeyIdentifier ::= OCTET STRING
    IKEWOT_RETURN_IF_ERROR(
        der::ReadTagged(value, der::kOctetString, &key_id, "subjectKeyIdentifier"));
  } else if (Is(oid, kOidAuthorityKeyId)) {
    IKEWOT_RETURN_IF_ERROR(CheckAuthorityKeyId(value, &out->needs_openssl_check));
  } else {
    if (Is(oid, kOidNameConstraints) || Is(oid, kOidCrlDistributionPoints) ||
        Is(oid, kOidProxyCertInfo) || Is(oid, kOidIpAddrBlocks) || Is(oid, kOidAsIdentifiers) ||
        Is(oid, kOidNetscapeCertType)) {
      out->needs_openssl_check = true;
    }
    return Status::Ok();
  }
  return value.ExpectEmpty("extension value");
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
//                          extnValue OCTET STRING }  (RFC 5280 §4.1.2.9, §4.2)
Status ReadExtensions(Reader& in, ParsedCertificateDer* out) {
  Element explicit_tag, list;
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(in, der::ContextConstructed(3), &explicit_tag, "extensions"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(explicit_tag.contents, der::kSequence, &list, "extensions"));
  IKEWOT_RETURN_IF_ERROR(explicit_tag.contents.ExpectEmpty("extensions"));
  if (list.contents.empty()) {
    return MakeError(ErrorCode::kBadValue, "extensions list is empty", list.offset);
  }
  while (!list.contents.empty()) {
    Element extension, value;
    ParsedExtension parsed;
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(list.contents, der::kSequence, &extension, "extension"));
    IKEWOT_RETURN_IF_ERROR(der::ReadOid(extension.contents, &parsed.oid, "extension"));
    if (der::NextIs(extension.contents, der::kBoolean)) {
      const size_t at = extension.contents.offset();
      IKEWOT_RETURN_IF_ERROR(der::ReadBoolean(extension.contents, &parsed.critical, "critical"));
      if (!parsed.critical) {
        return MakeError(ErrorCode::kBadValue,
                         "extension critical FALSE must be omitted (DER DEFAULT)", at);
      }
    }
    IKEWOT_RETURN_IF_ERROR(
        der::ReadTagged(extension.contents, der::kOctetString, &value, "extnValue"));
    IKEWOT_RETURN_IF_ERROR(extension.contents.ExpectEmpty("extension"));
    parsed.value = value.contents.Rest();
    for (const ParsedExtension& earlier : out->extensions) {
      if (Is(earlier.oid, parsed.oid)) {
        return MakeError(ErrorCode::kBadValue, "certificate repeats an extension (RFC 5280 §4.2)",
                         extension.offset);
      }
    }
    IKEWOT_RETURN_IF_ERROR(CheckExtensionValue(parsed, value.contents.offset(), out));
    out->extensions.push_back(parsed);
  }
  return Status::Ok();
}

// TBSCertificate ::= SEQUENCE {
//      version         [0]  EXPLICIT Version DEFAULT v1,
//      serialNumber         CertificateSerialNumber,
//      signature            AlgorithmIdentifier,
//      issuer               Name,
//      validity             Validity,
//      subject              Name,
//      subjectPublicKeyInfo SubjectPublicKeyInfo,
//      issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,  -- v2 or v3
//      subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,  -- v2 or v3
//      extensions      [3]  EXPLICIT Extensions OPTIONAL }       -- v3  (RFC 5280 §4.1)
Status ReadTbsCertificate(Reader& in, ParsedCertificateDer* out) {
  Element tbs;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &tbs, "tbsCertificate"));
  Reader& fields = tbs.contents;
  out->tbs = tbs.encoding;
  if (der::NextIs(fields, der::ContextConstructed(0))) {
    Element explicit_version;
    ByteView version;
    IKEWOT_RETURN_IF_ERROR(
        der::ReadTagged(fields, der::ContextConstructed(0), &explicit_version, "version"));
    IKEWOT_RETURN_IF_ERROR(der::ReadInteger(explicit_version.contents, &version, "version"));
    IKEWOT_RETURN_IF_ERROR(explicit_version.contents.ExpectEmpty("version"));
    if (version.size() != 1 || (version[0] != 1 && version[0] != 2)) {
      return MakeError(ErrorCode::kBadValue,
                       "version must be v2 or v3 when present (v1 is the DER default)",
                       explicit_version.offset);
    }
    out->version = version[0] + 1;
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadInteger(fields, &out->serial, "serialNumber"));
  ByteView signature_oid;
  std::optional<ByteView> signature_parameters;
  IKEWOT_RETURN_IF_ERROR(ReadAlgorithmIdentifier(fields, &out->signature_algorithm, &signature_oid,
                                                 &signature_parameters, "signature"));
  IKEWOT_RETURN_IF_ERROR(ReadName(fields, &out->issuer, "issuer"));
  IKEWOT_RETURN_IF_ERROR(ReadValidity(fields, out));
  IKEWOT_RETURN_IF_ERROR(ReadName(fields, &out->subject, "subject"));
  IKEWOT_RETURN_IF_ERROR(ReadSubjectPublicKeyInfo(fields, out));
  for (uint8_t unique_id : {der::ContextPrimitive(1), der::ContextPrimitive(2)}) {
    if (!der::NextIs(fields, unique_id)) continue;
    if (out->version < 2) {
      return fields.Fail(ErrorCode::kBadValue, "unique identifiers need a v2 or v3 certificate");
    }
    ByteView bits;
    IKEWOT_RETURN_IF_ERROR(der::ReadBitString(fields, &bits, "unique identifier", unique_id));
  }
  if (der::NextIs(fields, der::ContextConstructed(3))) {
    if (out->version != 3) {
      return fields.Fail(ErrorCode::kBadValue, "extensions need a v3 certificate");
    }
    IKEWOT_RETURN_IF_ERROR(ReadExtensions(fields, out));
  }
  return fields.ExpectEmpty("tbsCertificate");
}

}  // namespace

// Certificate ::= SEQUENCE { tbsCertificate TBSCertificate,
//                            signatureAlgorithm AlgorithmIdentifier,
//                            signatureValue BIT STRING }  (RFC 5280 §4.1)
namespace {

Status ReadCertificate(Reader& in, ParsedCertificateDer* out) {
  Element certificate;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &certificate, "certificate"));
  Reader& fields = certificate.contents;
  IKEWOT_RETURN_IF_ERROR(ReadTbsCertificate(fields, out));
  ByteView outer_algorithm, outer_oid;
  std::optional<ByteView> outer_parameters;
  const size_t algorithm_at = fields.offset();
  IKEWOT_RETURN_IF_ERROR(ReadAlgorithmIdentifier(fields, &outer_algorithm, &outer_oid,
                                                 &outer_parameters, "signatureAlgorithm"));
  // RFC 5280 §4.1.1.2: "MUST contain the same algorithm identifier as the signature field".
  if (!std::ranges::equal(outer_algorithm, out->signature_algorithm)) {
    return MakeError(ErrorCode::kBadValue,
                     "signatureAlgorithm differs from the tbsCertificate signature field",
                     algorithm_at);
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadWholeOctetBitString(fields, &out->signature, "signatureValue"));
  return fields.ExpectEmpty("certificate");
}

}  // namespace

Result<ParsedCertificateDer> ParseCertificateDer(ByteView der) {
  Reader in(der);
  ParsedCertificateDer out;
  Status status = ReadCertificate(in, &out);
  if (!status.ok()) {
    // One code for every malformed certificate; the message and offset say what and where.
    Error error = status.error();
    error.code = ErrorCode::kBadValue;
    error.message = "not a DER X.509 certificate: " + error.message;
    return error;
  }
  if (!in.empty()) {
    return in.Fail(ErrorCode::kTrailingData,
                   std::to_string(in.remaining()) + " bytes after the certificate");
  }
  return out;
}

std::string SerialHexFromInteger(ByteView twos_complement) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (twos_complement.empty()) return "0";
  const bool negative = (twos_complement[0] & 0x80) != 0;
  Bytes magnitude(twos_complement.begin(), twos_complement.end());
  if (negative) {  // two's complement negation: invert and add one
    for (uint8_t& octet : magnitude) octet = static_cast<uint8_t>(~octet);
    for (size_t i = magnitude.size(); i-- > 0;) {
      if (++magnitude[i] != 0) break;
    }
  }
  size_t first = 0;
  while (first < magnitude.size() && magnitude[first] == 0) ++first;
  if (first == magnitude.size()) return "0";
  std::string text = negative ? "-" : "";
  for (size_t i = first; i < magnitude.size(); ++i) {
    text.push_back(kHex[magnitude[i] >> 4]);
    text.push_back(kHex[magnitude[i] & 0x0f]);
  }
  return text;
}

}  // namespace ikewot::crypto
