// A strict DER parser for X.509 v1-v3 certificates (RFC 5280 §4.1), without OpenSSL's ASN.1
// templates or key decoders. It extracts what crypto::Certificate exposes and checks the
// extensions OpenSSL would flag EXFLAG_INVALID when malformed or repeated. Everything it returns
// views the caller's buffer.
//
// Syntax only: signatures are not verified here, and the names' string values are validated
// by the caller (Certificate::FromDer renders them with OpenSSL's X509_NAME code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"

namespace ikewot::crypto {

struct ParsedExtension {
  ByteView oid;  // OBJECT IDENTIFIER contents
  bool critical = false;
  ByteView value;  // extnValue OCTET STRING contents
};

struct ParsedCertificateDer {
  ByteView tbs;                  // TBSCertificate, the whole TLV (what the signature covers)
  int version = 1;               // 1, 2 or 3 (the field value + 1)
  ByteView serial;               // INTEGER contents, two's complement, minimal
  ByteView signature_algorithm;  // AlgorithmIdentifier TLV (equal in tbs and outside)
  ByteView issuer;               // Name TLV
  ByteView subject;              // Name TLV
  int64_t not_before = 0;        // Unix seconds
  int64_t not_after = 0;
  ByteView spki;                           // SubjectPublicKeyInfo TLV
  ByteView key_algorithm;                  // its algorithm OID contents
  std::optional<ByteView> key_parameters;  // its parameters TLV, when present
  ByteView key_bits;                       // subjectPublicKey, whole octets
  std::vector<ParsedExtension> extensions;
  std::vector<SubjectAltName> subject_alt_names;
  // The certificate holds something this parser leaves to OpenSSL's judgement (an extension
  // whose content OpenSSL checks but we do not decode, or a GeneralName form we do not parse):
  // the caller must confirm acceptance with the OpenSSL path.
  bool needs_openssl_check = false;
  ByteView signature;  // signatureValue, whole octets
};

// Parses exactly one DER certificate (no trailing bytes). Offsets in errors are absolute.
Result<ParsedCertificateDer> ParseCertificateDer(ByteView der);

// "Serial number as lower-case hex of its magnitude, '-' prefixed if negative" from the INTEGER
// contents (the form BN_bn2hex prints, lower-cased).
std::string SerialHexFromInteger(ByteView twos_complement);

}  // namespace ikewot::crypto
