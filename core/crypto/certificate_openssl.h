// The fields crypto::Certificate exposes, and OpenSSL's way of decoding them (d2i_X509, a
// canonical re-encoding check and EXFLAG_INVALID). Certificate::FromDer decodes with its own
// DER parser (certificate_der.h) and uses this path only for certificates holding something
// that parser leaves to OpenSSL; tests and the fuzz target use it as the reference the new
// parser must agree with.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

struct CertificateFields {
  int version = 0;
  std::string serial_hex;
  std::string subject;
  std::string issuer;
  Bytes subject_der;
  std::optional<std::string> common_name;
  std::vector<SubjectAltName> sans;
  int64_t not_before = 0;
  int64_t not_after = 0;
  Bytes sha256;
  Bytes sha1;
  Bytes spki_sha1;
  friend bool operator==(const CertificateFields&, const CertificateFields&) = default;
};

// The reference decoder. On success `x509`, when given, receives the parsed certificate.
Result<CertificateFields> DecodeCertificateWithOpenSsl(ByteView der, ossl::X509Ptr* x509 = nullptr);

Result<Bytes> DigestOf(const EVP_MD* md, ByteView data);
// RFC 4514 text (XN_FLAG_RFC2253), escaped to printable ASCII.
Result<std::string> NameToRfc4514(const X509_NAME* name);
// The last commonName as escaped UTF-8, if any.
std::optional<std::string> LastCommonName(const X509_NAME* name);

}  // namespace ikewot::crypto
