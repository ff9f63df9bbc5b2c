#include "core/crypto/certificate_openssl.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/crypto/certificate_text.h"

namespace ikewot::crypto {
namespace {

// An IKEv2 CERT payload carries at most 65535 - 5 octets of certificate.
constexpr size_t kMaxCertificateDer = 65535;

Result<Bytes> NameDer(const X509_NAME* name) {
  unsigned char* out = nullptr;
  int len = i2d_X509_NAME(name, &out);
  if (len < 0) return ossl::CryptoError("i2d_X509_NAME");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Result<int64_t> TimeToUnix(const ASN1_TIME* time, std::string_view what) {
  struct tm civil = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &civil) != 1) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue,
                     "certificate " + std::string(what) + " is not a valid time");
  }
  return UnixSecondsFromCivil(civil.tm_year + 1900LL, civil.tm_mon + 1, civil.tm_mday,
                              civil.tm_hour, civil.tm_min, civil.tm_sec);
}

std::string_view StringOf(const ASN1_STRING* s) {
  return std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                          static_cast<size_t>(ASN1_STRING_length(s)));
}

Result<std::vector<SubjectAltName>> ReadSubjectAltNames(X509* x509) {
  std::vector<SubjectAltName> sans;
  int critical = -1;
  auto* raw =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, &critical, nullptr));
  if (raw == nullptr) {
    if (critical == -1) return sans;  // no extension
    ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "subjectAltName extension is malformed or repeated");
  }
  ossl::GeneralNamesPtr names(raw);
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    switch (name->type) {
      case GEN_DNS:
        sans.push_back({SubjectAltName::Kind::kDns, EscapeForDisplay(StringOf(name->d.dNSName))});
        break;
      case GEN_EMAIL:
        sans.push_back(
            {SubjectAltName::Kind::kEmail, EscapeForDisplay(StringOf(name->d.rfc822Name))});
        break;
      case GEN_URI:
        sans.push_back({SubjectAltName::Kind::kUri,
                        EscapeForDisplay(StringOf(name->d.uniformResourceIdentifier))});
        break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = name->d.iPAddress;
        auto text = FormatIpAddress(
            ByteView(ASN1_STRING_get0_data(ip), static_cast<size_t>(ASN1_STRING_length(ip))));
        if (!text) {
          return MakeError(ErrorCode::kBadValue,
                           "subjectAltName iPAddress must be 4 or 16 octets, got " +
                               std::to_string(ASN1_STRING_length(ip)));
        }
        sans.push_back({SubjectAltName::Kind::kIp, *text});
        break;
      }
      default:
        break;  // directoryName, otherName, ...: not something ikewot matches on
    }
  }
  return sans;
}

Result<std::string> SerialToHex(const ASN1_INTEGER* serial) {
  ossl::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return ossl::CryptoError("ASN1_INTEGER_to_BN");
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return ossl::CryptoError("BN_bn2hex");
  std::string text(hex);
  OPENSSL_free(hex);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Offset of the first difference, for the "not canonical DER" message.
size_t FirstDifference(ByteView a, ByteView b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

Result<Bytes> DigestOf(const EVP_MD* md, ByteView data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &out_len, md, nullptr) != 1) {
    return ossl::CryptoError("EVP_Digest");
  }
  return Bytes(out, out + out_len);
}

Result<std::string> NameToRfc4514(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    return ossl::CryptoError("X509_NAME_print_ex");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string text(data != nullptr && len > 0 ? std::string(data, static_cast<size_t>(len)) : "");
  // XN_FLAG_RFC2253 escapes controls and non-ASCII itself; this catches anything it let by.
  for (char c : text) {
    if (static_cast<uint8_t>(c) < 0x20 || static_cast<uint8_t>(c) > 0x7e) {
      return EscapeForDisplay(text);
    }
  }
  return text;
}

std::optional<std::string> LastCommonName(const X509_NAME* name) {
  int index = -1, last = -1;
  while ((index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) last = index;
  if (last < 0) return std::nullopt;
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ossl::DrainErrors();
    return std::nullopt;
  }
  std::string value(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return EscapeForDisplay(value);
}

Result<CertificateFields> DecodeCertificateWithOpenSsl(ByteView der, ossl::X509Ptr* x509_out) {
  if (der.empty()) return MakeError(ErrorCode::kTruncated, "empty certificate");
  if (der.size() > kMaxCertificateDer) {
    return MakeError(ErrorCode::kLimitExceeded, "certificate of " + std::to_string(der.size()) +
                                                    " bytes exceeds the 65535-byte limit");
  }
  auto data = std::make_unique<CertificateFields>();
  const unsigned char* cursor = der.data();
  ossl::X509Ptr x509_owner(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!x509_owner) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "not a DER X.509 certificate: " + why);
  }
  X509* x509 = x509_owner.get();
  size_t consumed = static_cast<size_t>(cursor - der.data());
  if (consumed != der.size()) {
    return MakeError(ErrorCode::kTrailingData,
                     std::to_string(der.size() - consumed) + " bytes after the certificate",
                     consumed);
  }
  int len = i2d_X509(x509, nullptr);
  if (len <= 0) return ossl::CryptoError("i2d_X509");
  Bytes encoded(static_cast<size_t>(len));
  unsigned char* out = encoded.data();
  if (i2d_X509(x509, &out) != len) return ossl::CryptoError("i2d_X509");
  if (encoded.size() != der.size() || !std::equal(der.begin(), der.end(), encoded.begin())) {
    size_t at = FirstDifference(der, encoded);
    return MakeError(
        ErrorCode::kBadValue,
        "certificate is not canonical DER (re-encoding differs at byte " + std::to_string(at) + ")",
        at);
  }
  if (X509_get_extension_flags(x509) & EXFLAG_INVALID) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue, "certificate has an invalid or repeated extension");
  }

  auto sha256 = DigestOf(EVP_sha256(), der);
  auto sha1 = DigestOf(EVP_sha1(), der);
  if (!sha256.ok()) return sha256.error();
  if (!sha1.ok()) return sha1.error();
  data->sha256 = std::move(sha256).value();
  data->sha1 = std::move(sha1).value();

  unsigned char* spki = nullptr;
  int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), &spki);
  if (spki_len <= 0) return ossl::CryptoError("i2d_X509_PUBKEY");
  auto spki_sha1 = DigestOf(EVP_sha1(), ByteView(spki, static_cast<size_t>(spki_len)));
  OPENSSL_free(spki);
  if (!spki_sha1.ok()) return spki_sha1.error();
  data->spki_sha1 = std::move(spki_sha1).value();

  auto subject = NameToRfc4514(X509_get_subject_name(x509));
  auto issuer = NameToRfc4514(X509_get_issuer_name(x509));
  auto subject_der = NameDer(X509_get_subject_name(x509));
  auto serial = SerialToHex(X509_get0_serialNumber(x509));
  auto not_before = TimeToUnix(X509_get0_notBefore(x509), "notBefore");
  auto not_after = TimeToUnix(X509_get0_notAfter(x509), "notAfter");
  auto sans = ReadSubjectAltNames(x509);
  if (!subject.ok()) return subject.error();
  if (!issuer.ok()) return issuer.error();
  if (!subject_der.ok()) return subject_der.error();
  if (!serial.ok()) return serial.error();
  if (!not_before.ok()) return not_before.error();
  if (!not_after.ok()) return not_after.error();
  if (!sans.ok()) return sans.error();
  data->subject = std::move(subject).value();
  data->issuer = std::move(issuer).value();
  data->subject_der = std::move(subject_der).value();
  data->serial_hex = std::move(serial).value();
  data->not_before = *not_before;
  data->not_after = *not_after;
  data->sans = std::move(sans).value();
  data->common_name = LastCommonName(X509_get_subject_name(x509));
  data->version = static_cast<int>(X509_get_version(x509)) + 1;
  if (x509_out != nullptr) *x509_out = std::move(x509_owner);
  return std::move(*data);
}

}  // namespace ikewot::crypto
