// Making a node's self-signed certificate, and the subjectAltName text forms it is built from.
#include <openssl/asn1.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include "core/crypto/certificate.h"
#include "core/crypto/certificate_text.h"

namespace ikewot::crypto {
namespace {

using Asn1TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, ossl::Deleter<ASN1_BIT_STRING_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, ossl::Deleter<ASN1_OCTET_STRING_free>>;
using BasicConstraintsPtr =
    std::unique_ptr<BASIC_CONSTRAINTS, ossl::Deleter<BASIC_CONSTRAINTS_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, ossl::Deleter<AUTHORITY_KEYID_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, ossl::Deleter<GENERAL_NAME_free>>;

constexpr size_t kMaxCommonName = 64;  // ub-common-name, RFC 5280 Appendix A.1
constexpr size_t kMaxDnsName = 253;
constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxUri = 2048;
constexpr int kMaxValidityDays = 36500;
constexpr int64_t kSecondsPerDay = 86400;
// notBefore is set this far in the past so a peer whose clock lags still accepts a new cert.
constexpr int64_t kNotBeforeBackdateSeconds = 3600;
constexpr size_t kSerialBytes = 16;

constexpr std::array<std::pair<SubjectAltName::Kind, std::string_view>, 4> kSanKinds = {{
    {SubjectAltName::Kind::kDns, "dns"},
    {SubjectAltName::Kind::kIp, "ip"},
    {SubjectAltName::Kind::kEmail, "email"},
    {SubjectAltName::Kind::kUri, "uri"},
}};

bool IsPrintableNoSpace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Status CheckDnsName(std::string_view name) {
  if (name.empty() || name.size() > kMaxDnsName) {
    return MakeError(ErrorCode::kBadValue,
                     "DNS name must be 1.." + std::to_string(kMaxDnsName) + " characters");
  }
  bool ok_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*' ||
           c == '_';
  });
  if (!ok_chars || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos) {
    return MakeError(ErrorCode::kBadValue, "'" + EscapeForDisplay(name) + "' is not a DNS name");
  }
  return Status::Ok();
}

Status CheckEmail(std::string_view email) {
  size_t at = email.find('@');
  if (email.size() > kMaxEmail || !IsPrintableNoSpace(email) || at == std::string_view::npos ||
      at == 0 || at + 1 == email.size() || email.find('@', at + 1) != std::string_view::npos) {
    return MakeError(ErrorCode::kBadValue,
                     "'" + EscapeForDisplay(email) + "' is not an e-mail address");
  }
  return Status::Ok();
}

Status CheckUri(std::string_view uri) {
  if (uri.empty() || uri.size() > kMaxUri || !IsPrintableNoSpace(uri) ||
      uri.find(':') == std::string_view::npos) {
    return MakeError(ErrorCode::kBadValue, "'" + EscapeForDisplay(uri) + "' is not a URI");
  }
  return Status::Ok();
}

Result<Asn1OctetStringPtr> ParseIp(const std::string& text) {
  Asn1OctetStringPtr octets(a2i_IPADDRESS(text.c_str()));
  if (!octets) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue,
                     "'" + EscapeForDisplay(text) + "' is not an IPv4 or IPv6 address");
  }
  return octets;
}

Status CheckCommonName(std::string_view name) {
  if (name.empty() || name.size() > kMaxCommonName) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "common name must be 1..64 bytes, got " + std::to_string(name.size()));
  }
  for (char c : name) {
    auto byte = static_cast<uint8_t>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument, "common name contains a control character");
    }
  }
  return Status::Ok();
}

// Builds the GENERAL_NAMES of a subjectAltName extension.
Result<ossl::GeneralNamesPtr> BuildGeneralNames(const std::vector<SubjectAltName>& sans) {
  ossl::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return ossl::CryptoError("sk_GENERAL_NAME_new_null");
  for (const SubjectAltName& san : sans) {
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) return ossl::CryptoError("GENERAL_NAME_new");
    if (san.kind == SubjectAltName::Kind::kIp) {
      auto ip = ParseIp(san.value);
      if (!ip.ok()) return ip.error();
      GENERAL_NAME_set0_value(name.get(), GEN_IPADD, ip->release());
    } else {
      ASN1_IA5STRING* text = ASN1_IA5STRING_new();
      if (text == nullptr ||
          ASN1_STRING_set(text, san.value.data(), static_cast<int>(san.value.size())) != 1) {
        ASN1_IA5STRING_free(text);
        return ossl::CryptoError("ASN1_STRING_set for a subjectAltName");
      }
      int type = san.kind == SubjectAltName::Kind::kDns     ? GEN_DNS
                 : san.kind == SubjectAltName::Kind::kEmail ? GEN_EMAIL
                                                            : GEN_URI;
      GENERAL_NAME_set0_value(name.get(), type, text);
    }
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) {
      return ossl::CryptoError("sk_GENERAL_NAME_push");
    }
    name.release();  // now owned by the stack
  }
  return names;
}

Status SetValidity(X509* x509, int64_t now_seconds, int validity_days) {
  Asn1TimePtr not_before(ASN1_TIME_set(nullptr, now_seconds - kNotBeforeBackdateSeconds));
  Asn1TimePtr not_after(ASN1_TIME_set(nullptr, now_seconds + validity_days * kSecondsPerDay));
  if (!not_before || !not_after || X509_set1_notBefore(x509, not_before.get()) != 1 ||
      X509_set1_notAfter(x509, not_after.get()) != 1) {
    return ossl::CryptoError("setting certificate validity");
  }
  return Status::Ok();
}

Status SetSerial(X509* x509, Rng& rng) {
  std::array<uint8_t, kSerialBytes> serial;
  rng.Fill(serial);
  // Positive (RFC 5280 §4.1.2.2) and always 16 octets long: 126 random bits.
  serial[0] = static_cast<uint8_t>((serial[0] & 0x3f) | 0x40);
  ossl::BnPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  ossl::Asn1IntegerPtr integer(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!integer || X509_set_serialNumber(x509, integer.get()) != 1) {
    return ossl::CryptoError("setting the certificate serial number");
  }
  return Status::Ok();
}

Status SetNames(X509* x509, const std::string& common_name) {
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name ||
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1 ||
      X509_set_subject_name(x509, name.get()) != 1 || X509_set_issuer_name(x509, name.get()) != 1) {
    return ossl::CryptoError("setting the certificate subject");
  }
  return Status::Ok();
}

Status AddExtensions(X509* x509, const std::vector<SubjectAltName>& sans) {
  unsigned char key_id[EVP_MAX_MD_SIZE];
  unsigned int key_id_len = 0;
  Asn1OctetStringPtr ski(ASN1_OCTET_STRING_new());
  AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
  if (!ski || !aki || X509_pubkey_digest(x509, EVP_sha1(), key_id, &key_id_len) != 1 ||
      ASN1_OCTET_STRING_set(ski.get(), key_id, static_cast<int>(key_id_len)) != 1) {
    return ossl::CryptoError("computing the subject key identifier");
  }
  aki->keyid = ASN1_OCTET_STRING_dup(ski.get());
  BasicConstraintsPtr basic(BASIC_CONSTRAINTS_new());
  Asn1BitStringPtr usage(ASN1_BIT_STRING_new());
  if (!aki->keyid || !basic || !usage || ASN1_BIT_STRING_set_bit(usage.get(), 0, 1) != 1) {
    return ossl::CryptoError("building certificate extensions");
  }
  basic->ca = 0;
  if (X509_add1_ext_i2d(x509, NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) != 1 ||
      X509_add1_ext_i2d(x509, NID_authority_key_identifier, aki.get(), 0, X509V3_ADD_DEFAULT) !=
          1 ||
      X509_add1_ext_i2d(x509, NID_basic_constraints, basic.get(), 1, X509V3_ADD_DEFAULT) != 1 ||
      X509_add1_ext_i2d(x509, NID_key_usage, usage.get(), 1, X509V3_ADD_DEFAULT) != 1) {
    return ossl::CryptoError("adding certificate extensions");
  }
  if (!sans.empty()) {
    auto names = BuildGeneralNames(sans);
    if (!names.ok()) return names.error();
    // Not critical: the subject name is not empty (RFC 5280 §4.2.1.6).
    if (X509_add1_ext_i2d(x509, NID_subject_alt_name, names->get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return ossl::CryptoError("adding subjectAltName");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view SubjectAltNameKindName(SubjectAltName::Kind kind) {
  for (const auto& [k, name] : kSanKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::string SubjectAltName::ToString() const {
  return std::string(SubjectAltNameKindName(kind)) + ":" + value;
}

Result<SubjectAltName> ParseSubjectAltName(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return MakeError(ErrorCode::kBadValue, "subjectAltName '" + EscapeForDisplay(text) +
                                               "' needs a kind prefix: dns:, ip:, email: or uri:");
  }
  std::string kind_text(text.substr(0, colon));
  for (char& c : kind_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value(text.substr(colon + 1));
  for (const auto& [kind, name] : kSanKinds) {
    if (name != kind_text) continue;
    switch (kind) {
      case SubjectAltName::Kind::kDns:
        IKEWOT_RETURN_IF_ERROR(CheckDnsName(value));
        return SubjectAltName{kind, value};
      case SubjectAltName::Kind::kEmail:
        IKEWOT_RETURN_IF_ERROR(CheckEmail(value));
        return SubjectAltName{kind, value};
      case SubjectAltName::Kind::kUri:
        IKEWOT_RETURN_IF_ERROR(CheckUri(value));
        return SubjectAltName{kind, value};
      case SubjectAltName::Kind::kIp: {
        auto octets = ParseIp(value);
        if (!octets.ok()) return octets.error();
        auto canonical = FormatIpAddress(
            ByteView(ASN1_STRING_get0_data(octets->get()), ASN1_STRING_length(octets->get())));
        if (!canonical) return MakeError(ErrorCode::kBadValue, "unexpected IP address length");
        return SubjectAltName{kind, *canonical};
      }
    }
  }
  return MakeError(
      ErrorCode::kBadValue,
      "unknown subjectAltName kind '" + EscapeForDisplay(kind_text) + "' (dns, ip, email, uri)");
}

Result<Certificate> MakeSelfSigned(const PrivateKey& key, const SelfSignedOptions& options,
                                   TimePoint now, Rng& rng) {
  IKEWOT_RETURN_IF_ERROR(CheckCommonName(options.common_name));
  if (options.validity_days < 1 || options.validity_days > kMaxValidityDays) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "validity must be 1.." + std::to_string(kMaxValidityDays) + " days, got " +
                         std::to_string(options.validity_days));
  }
  for (const SubjectAltName& san : options.sans) {
    // Re-validate: callers may build SubjectAltName by hand instead of parsing it.
    auto checked = ParseSubjectAltName(san.ToString());
    if (!checked.ok()) return checked.error();
  }

  ossl::X509Ptr x509(X509_new());
  if (!x509 || X509_set_version(x509.get(), X509_VERSION_3) != 1) {
    return ossl::CryptoError("X509_new");
  }
  IKEWOT_RETURN_IF_ERROR(SetSerial(x509.get(), rng));
  IKEWOT_RETURN_IF_ERROR(SetValidity(x509.get(), now.UnixSeconds(), options.validity_days));
  IKEWOT_RETURN_IF_ERROR(SetNames(x509.get(), options.common_name));
  if (X509_set_pubkey(x509.get(), key.pkey()) != 1) return ossl::CryptoError("X509_set_pubkey");
  IKEWOT_RETURN_IF_ERROR(AddExtensions(x509.get(), options.sans));
  // Pure EdDSA takes no separate digest (RFC 8410 §3).
  const EVP_MD* digest = key.type() == KeyType::kEd25519 ? nullptr : EVP_sha256();
  if (X509_sign(x509.get(), key.pkey(), digest) <= 0) {
    return ossl::CryptoError("signing the certificate");
  }
  unsigned char* der = nullptr;
  int len = i2d_X509(x509.get(), &der);
  if (len <= 0) return ossl::CryptoError("i2d_X509");
  Bytes bytes(der, der + len);
  OPENSSL_free(der);
  // Re-parse so the result went through exactly the checks a peer's certificate does.
  return Certificate::FromDer(bytes);
}

}  // namespace ikewot::crypto
