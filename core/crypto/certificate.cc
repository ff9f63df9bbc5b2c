#include "core/crypto/certificate.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/crypto/certificate_der.h"
#include "core/crypto/certificate_openssl.h"
#include "core/crypto/certificate_text.h"
#include "core/crypto/identity_pem.h"
#include "core/crypto/public_key_import.h"

namespace ikewot::crypto {

// What FromDer decodes eagerly, plus what only some callers need, built on first use. The
// engine may call these from several worker threads, hence std::call_once.
struct Certificate::Data {
  Bytes der;
  CertificateFields fields;
  SubjectPublicKeyParts key_parts;  // views into `der`

  mutable std::once_flag x509_once;
  mutable ossl::X509Ptr x509;
  mutable std::once_flag key_once;
  mutable std::optional<Result<PublicKey>> key;
};

namespace {

// An IKEv2 CERT payload carries at most 65535 - 5 octets of certificate.
constexpr size_t kMaxCertificateDer = 65535;
constexpr uint32_t kMinSignatureSecurityBits = 112;

// Renders a Name from its DER alone (d2i_X509_NAME touches no keys). OpenSSL validates the
// attribute strings here, as d2i_X509 would.
struct NameText {
  std::string rfc4514;
  std::optional<std::string> common_name;
};
Result<NameText> DescribeName(ByteView name_der, size_t offset, std::string_view what) {
  const unsigned char* cursor = name_der.data();
  ossl::X509NamePtr name(d2i_X509_NAME(nullptr, &cursor, static_cast<long>(name_der.size())));
  if (!name || cursor != name_der.data() + name_der.size()) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kBadValue,
                     "not a DER X.509 certificate: " + std::string(what) + " name: " + why, offset);
  }
  auto text = NameToRfc4514(name.get());
  if (!text.ok()) return text.error();
  return NameText{std::move(text).value(), LastCommonName(name.get())};
}

size_t OffsetIn(ByteView whole, ByteView part) {
  return static_cast<size_t>(part.data() - whole.data());
}

Status DecodeFields(const ParsedCertificateDer& parsed, ByteView der, CertificateFields* out) {
  auto subject = DescribeName(parsed.subject, OffsetIn(der, parsed.subject), "subject");
  if (!subject.ok()) return subject.error();
  if (std::ranges::equal(parsed.issuer, parsed.subject)) {
    out->issuer = subject->rfc4514;
  } else {
    auto issuer = DescribeName(parsed.issuer, OffsetIn(der, parsed.issuer), "issuer");
    if (!issuer.ok()) return issuer.error();
    out->issuer = std::move(issuer->rfc4514);
  }
  out->subject = std::move(subject->rfc4514);
  out->common_name = std::move(subject->common_name);
  out->subject_der.assign(parsed.subject.begin(), parsed.subject.end());
  out->version = parsed.version;
  out->serial_hex = SerialHexFromInteger(parsed.serial);
  out->sans = parsed.subject_alt_names;
  out->not_before = parsed.not_before;
  out->not_after = parsed.not_after;
  auto sha256 = DigestOf(EVP_sha256(), der);
  auto sha1 = DigestOf(EVP_sha1(), der);
  auto spki_sha1 = DigestOf(EVP_sha1(), parsed.spki);
  if (!sha256.ok()) return sha256.error();
  if (!sha1.ok()) return sha1.error();
  if (!spki_sha1.ok()) return spki_sha1.error();
  out->sha256 = std::move(sha256).value();
  out->sha1 = std::move(sha1).value();
  out->spki_sha1 = std::move(spki_sha1).value();
  return Status::Ok();
}

}  // namespace

Result<Certificate> Certificate::FromDer(ByteView der) {
  if (der.empty()) return MakeError(ErrorCode::kTruncated, "empty certificate");
  if (der.size() > kMaxCertificateDer) {
    return MakeError(ErrorCode::kLimitExceeded, "certificate of " + std::to_string(der.size()) +
                                                    " bytes exceeds the 65535-byte limit");
  }
  auto data = std::make_shared<Data>();
  data->der.assign(der.begin(), der.end());
  auto parsed = ParseCertificateDer(data->der);
  if (!parsed.ok()) return parsed.error();
  if (parsed->needs_openssl_check) {
    // Something our parser does not judge (see ParsedCertificateDer): OpenSSL decides.
    ossl::X509Ptr x509;
    auto reference = DecodeCertificateWithOpenSsl(data->der, &x509);
    if (!reference.ok()) return reference.error();
    data->x509 = std::move(x509);
  }
  IKEWOT_RETURN_IF_ERROR(DecodeFields(*parsed, data->der, &data->fields));
  data->key_parts = {parsed->spki, parsed->key_algorithm, parsed->key_parameters, parsed->key_bits};
  return Certificate(std::move(data));
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  auto blocks = ParsePemBlocks(pem);
  if (!blocks.ok()) return blocks.error();
  for (const PemBlock& block : *blocks) {
    if (block.label == "CERTIFICATE") return FromDer(block.der);
  }
  return MakeError(ErrorCode::kNotFound, "no '-----BEGIN CERTIFICATE-----' block");
}

Result<std::vector<Certificate>> Certificate::ParsePemChain(std::string_view pem) {
  auto blocks = ParsePemBlocks(pem);
  if (!blocks.ok()) return blocks.error();
  std::vector<Certificate> chain;
  for (const PemBlock& block : *blocks) {
    if (block.label != "CERTIFICATE") continue;
    auto cert = FromDer(block.der);
    if (!cert.ok()) {
      Error error = cert.error();
      error.message = "certificate #" + std::to_string(chain.size() + 1) + ": " + error.message;
      return error;
    }
    chain.push_back(std::move(cert).value());
  }
  if (chain.empty()) {
    return MakeError(ErrorCode::kNotFound, "no '-----BEGIN CERTIFICATE-----' block");
  }
  return chain;
}

const Bytes& Certificate::ToDer() const { return data_->der; }
std::string Certificate::ToPem() const { return EncodePem("CERTIFICATE", data_->der); }
const Bytes& Certificate::Sha256Fingerprint() const { return data_->fields.sha256; }
const Bytes& Certificate::Sha1() const { return data_->fields.sha1; }
const Bytes& Certificate::SubjectPublicKeyInfoSha1() const { return data_->fields.spki_sha1; }
const std::string& Certificate::Subject() const { return data_->fields.subject; }
const std::string& Certificate::Issuer() const { return data_->fields.issuer; }
const Bytes& Certificate::SubjectDer() const { return data_->fields.subject_der; }
const std::optional<std::string>& Certificate::CommonName() const {
  return data_->fields.common_name;
}
const std::vector<SubjectAltName>& Certificate::SubjectAltNames() const {
  return data_->fields.sans;
}
int64_t Certificate::NotBefore() const { return data_->fields.not_before; }
int64_t Certificate::NotAfter() const { return data_->fields.not_after; }
const std::string& Certificate::SerialHex() const { return data_->fields.serial_hex; }
int Certificate::version() const { return data_->fields.version; }

X509* Certificate::x509() const {
  std::call_once(data_->x509_once, [this] {
    if (data_->x509) return;  // FromDer already asked OpenSSL
    const unsigned char* cursor = data_->der.data();
    data_->x509.reset(d2i_X509(nullptr, &cursor, static_cast<long>(data_->der.size())));
    if (!data_->x509) ossl::DrainErrors();
  });
  return data_->x509.get();
}

Result<PublicKey> Certificate::public_key() const {
  std::call_once(data_->key_once,
                 [this] { data_->key = ImportSubjectPublicKey(data_->key_parts); });
  return *data_->key;
}

Result<KeyType> Certificate::key_type() const {
  auto key = public_key();
  if (!key.ok()) return key.error();
  return key->type();
}

bool Certificate::IsSelfSigned() const {
  X509* x509 = this->x509();
  return x509 != nullptr && (X509_get_extension_flags(x509) & EXFLAG_SI) != 0;
}

Status Certificate::VerifySelfSignature() const {
  X509* x509 = this->x509();
  if (x509 == nullptr) {
    return MakeError(ErrorCode::kCryptoFailure, "OpenSSL cannot decode this certificate");
  }
  if (!IsSelfSigned()) {
    return MakeError(ErrorCode::kBadValue, "certificate is not self-issued (issuer '" +
                                               data_->fields.issuer + "', subject '" +
                                               data_->fields.subject +
                                               "', or its authority key id names another key)");
  }
  if (X509_get_extension_flags(x509) & EXFLAG_CRITICAL) {
    return MakeError(
        ErrorCode::kUnsupported,
        "certificate has a critical extension we do not recognise (RFC 5280 section 4.2)");
  }
  int digest_nid = 0, pkey_nid = 0, security_bits = 0;
  uint32_t flags = 0;
  if (X509_get_signature_info(x509, &digest_nid, &pkey_nid, &security_bits, &flags) != 1 ||
      (flags & X509_SIG_INFO_VALID) == 0) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kUnsupported, "certificate signature algorithm is not supported");
  }
  if (security_bits < static_cast<int>(kMinSignatureSecurityBits)) {
    const char* digest = digest_nid != NID_undef ? OBJ_nid2sn(digest_nid) : "?";
    return MakeError(ErrorCode::kUnsupported, std::string("certificate is signed with ") +
                                                  (digest ? digest : "?") + ", which offers " +
                                                  std::to_string(security_bits) +
                                                  "-bit security (at least 112 required)");
  }
  auto key = public_key();
  if (!key.ok()) return key.error();
  int verified = X509_verify(x509, key->pkey());
  if (verified != 1) {
    std::string why = ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure, "certificate self-signature does not verify" +
                                                  (why.empty() ? "" : ": " + why));
  }
  return Status::Ok();
}

Status Certificate::CheckValidityAt(TimePoint now) const {
  int64_t t = now.UnixSeconds();
  if (t < data_->fields.not_before) {
    return MakeError(ErrorCode::kBadValue, "certificate is not valid before " +
                                               FormatUnixTimeUtc(data_->fields.not_before) +
                                               " (now " + FormatUnixTimeUtc(t) + ")");
  }
  if (t > data_->fields.not_after) {
    return MakeError(ErrorCode::kBadValue, "certificate expired at " +
                                               FormatUnixTimeUtc(data_->fields.not_after) +
                                               " (now " + FormatUnixTimeUtc(t) + ")");
  }
  return Status::Ok();
}

}  // namespace ikewot::crypto
