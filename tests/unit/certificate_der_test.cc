// The DER certificate parser against OpenSSL's: on every certificate in tests/vectors and on
// freshly made ones of every key type, Certificate::FromDer (our parser) gives exactly the fields,
// fingerprints and public key that the OpenSSL path (d2i_X509, DecodeCertificateWithOpenSsl)
// gives; under every single-bit flip and truncation of two samples, whatever our parser accepts
// OpenSSL accepts with the same fields.
#include "core/crypto/certificate_der.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/crypto/certificate_openssl.h"
#include "core/crypto/identity.h"
#include "core/crypto/public_key_import.h"
#include "core/crypto/random.h"

namespace ikewot::crypto {
namespace {

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

CertificateFields FieldsOf(const Certificate& cert) {
  CertificateFields f;
  f.version = cert.version();
  f.serial_hex = cert.SerialHex();
  f.subject = cert.Subject();
  f.issuer = cert.Issuer();
  f.subject_der = cert.SubjectDer();
  f.common_name = cert.CommonName();
  f.sans = cert.SubjectAltNames();
  f.not_before = cert.NotBefore();
  f.not_after = cert.NotAfter();
  f.sha256 = cert.Sha256Fingerprint();
  f.sha1 = cert.Sha1();
  f.spki_sha1 = cert.SubjectPublicKeyInfoSha1();
  return f;
}

std::string Describe(const CertificateFields& f) {
  std::string text = "v" + std::to_string(f.version) + " serial " + f.serial_hex + " subject '" +
                     f.subject + "' issuer '" + f.issuer + "' " + std::to_string(f.not_before) +
                     ".." + std::to_string(f.not_after) + " sans";
  for (const SubjectAltName& san : f.sans) text += " " + san.ToString();
  return text;
}

Bytes SpkiOf(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey, &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// The public key as the OpenSSL path made it: X509_get_pubkey of d2i_X509's certificate.
Result<PublicKey> ReferenceKey(X509* x509) {
  EVP_PKEY* pkey = X509_get_pubkey(x509);
  if (pkey == nullptr) {
    ERR_clear_error();
    return MakeError(ErrorCode::kUnsupported, "no key");
  }
  return PublicKey::FromPkey(ossl::PkeyPtr(pkey));
}

// Both paths accept `der` or both refuse it; when they accept, everything agrees.
void ExpectSameAsOpenSsl(ByteView der, const std::string& name) {
  SCOPED_TRACE(name);
  ossl::X509Ptr x509;
  auto reference = DecodeCertificateWithOpenSsl(der, &x509);
  auto ours = Certificate::FromDer(der);
  ASSERT_EQ(ours.ok(), reference.ok())
      << (ours.ok() ? "OpenSSL: " + reference.error().ToString() : ours.error().ToString());
  if (!ours.ok()) return;
  EXPECT_EQ(FieldsOf(*ours), *reference) << Describe(FieldsOf(*ours)) << "\nvs\n"
                                         << Describe(*reference);
  auto our_key = ours->public_key();
  auto reference_key = ReferenceKey(x509.get());
  ASSERT_EQ(our_key.ok(), reference_key.ok())
      << (our_key.ok() ? reference_key.error().ToString() : our_key.error().ToString());
  if (our_key.ok()) {
    EXPECT_EQ(SpkiOf(our_key->pkey()), SpkiOf(reference_key->pkey()));
    EXPECT_TRUE(our_key->Equals(*reference_key));
    EXPECT_EQ(our_key->type(), reference_key->type());
    EXPECT_EQ(our_key->bits(), reference_key->bits());
  } else {
    EXPECT_EQ(our_key.code(), reference_key.code()) << our_key.error().ToString();
  }
  // The lazily built X509 is the same certificate.
  ASSERT_NE(ours->x509(), nullptr);
  EXPECT_EQ(X509_cmp(ours->x509(), x509.get()), 0);
  EXPECT_EQ(ours->IsSelfSigned(), (X509_get_extension_flags(x509.get()) & EXFLAG_SI) != 0);
}

// One RSA-PSS key for the whole binary: 2048-bit generation takes a noticeable fraction of a
// second.
EVP_PKEY* SharedRsaPssKey();

ossl::PkeyPtr GenerateByName(const char* name, int rsa_bits = 0) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, name, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return nullptr;
  if (rsa_bits != 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits) != 1) return nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return nullptr;
  return ossl::PkeyPtr(raw);
}

// A certificate made by OpenSSL itself, for key types MakeSelfSigned does not produce and
// GeneralName forms it does not write. `sans` is OpenSSL's config syntax ("" for none).
Bytes OpensslCertificate(EVP_PKEY* key, const std::string& sans, bool directory_name = false,
                         long serial = 7, int version = 2) {
  ossl::X509Ptr x(X509_new());
  X509_set_version(x.get(), version);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Example, Inc."), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gw \xc3\xa9t\xc3\xa9"), -1, -1,
                             0);
  X509_set_issuer_name(x.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  ASN1_TIME_set_string(X509_getm_notAfter(x.get()), "20610102030405Z");  // GeneralizedTime
  X509_set_pubkey(x.get(), key);
  if (!sans.empty()) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, sans.c_str());
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (directory_name) {
    GENERAL_NAMES* names = GENERAL_NAMES_new();
    GENERAL_NAME* general = GENERAL_NAME_new();
    X509_NAME* dir = X509_NAME_new();
    X509_NAME_add_entry_by_txt(dir, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("dir"), -1, -1, 0);
    GENERAL_NAME_set0_value(general, GEN_DIRNAME, dir);
    sk_GENERAL_NAME_push(names, general);
    X509_add1_ext_i2d(x.get(), NID_issuer_alt_name, names, 0, X509V3_ADD_DEFAULT);
    X509_add1_ext_i2d(x.get(), NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
  }
  if (version == 2) {
    X509_EXTENSION* bc =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE,pathlen:3");
    X509_add_ext(x.get(), bc, -1);
    X509_EXTENSION_free(bc);
    X509_EXTENSION* eku =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_ext_key_usage, "serverAuth,1.3.6.1.5.5.8.2.2");
    X509_add_ext(x.get(), eku, -1);
    X509_EXTENSION_free(eku);
  }
  const bool edwards = EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448");
  if (X509_sign(x.get(), key, edwards ? nullptr : EVP_sha256()) <= 0) return {};
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

EVP_PKEY* SharedRsaPssKey() {
  static ossl::PkeyPtr* key = new ossl::PkeyPtr(GenerateByName("RSA-PSS", 2048));
  return key->get();
}

const std::vector<SubjectAltName> kEverySan = {
    {SubjectAltName::Kind::kDns, "gw.example.org"},
    {SubjectAltName::Kind::kIp, "192.0.2.1"},
    {SubjectAltName::Kind::kIp, "2001:db8::1"},
    {SubjectAltName::Kind::kEmail, "admin@example.org"},
    {SubjectAltName::Kind::kUri, "https://example.org/gw"},
};

Bytes OurCertificate(KeyType type, bool with_sans, uint64_t seed = 3) {
  DeterministicRng rng(seed, AsBytes("certificate_der_test"));
  auto key = PrivateKey::Generate(type, rng);
  if (!key.ok()) return {};
  SelfSignedOptions options{"node-" + std::string(KeyTypeName(type)), {}};
  if (with_sans) options.sans = kEverySan;
  auto cert = MakeSelfSigned(*key, options, TimePoint::FromUnixSeconds(1767225600), rng);
  return cert.ok() ? cert->ToDer() : Bytes{};
}

TEST(CertificateDerTest, EveryVectorCertificateParsesAsOpenSslParsesIt) {
  const std::filesystem::path root(IKEWOT_TEST_DATA_DIR);
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".der") continue;
    ExpectSameAsOpenSsl(ReadFile(entry.path()), entry.path().string());
    ++count;
  }
  EXPECT_GE(count, 40);  // strongSwan, libreswan and libipsec certificates
}

TEST(CertificateDerTest, FreshCertificatesOfEveryKeyTypeAgree) {
  for (KeyType type : {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521,
                       KeyType::kEd25519, KeyType::kRsa2048}) {
    for (bool with_sans : {false, true}) {
      Bytes der = OurCertificate(type, with_sans);
      ASSERT_FALSE(der.empty());
      ExpectSameAsOpenSsl(der, std::string(KeyTypeName(type)) + (with_sans ? " + sans" : ""));
    }
  }
  const std::string every_san =
      "DNS:a.example,IP:192.0.2.9,IP:2001:db8::9,email:x@example.org,URI:https://u.example/,"
      "RID:1.2.3.4,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:someone@example.org";
  ossl::PkeyPtr ed448 = GenerateByName("ED448"), ed25519 = GenerateByName("ED25519");
  struct Case {
    const char* name;
    EVP_PKEY* key;
  };
  for (const Case& c : {Case{"RSA-PSS", SharedRsaPssKey()}, Case{"ED448", ed448.get()},
                        Case{"ED25519", ed25519.get()}}) {
    ASSERT_NE(c.key, nullptr) << c.name;
    ExpectSameAsOpenSsl(OpensslCertificate(c.key, ""), std::string(c.name) + " no sans");
    ExpectSameAsOpenSsl(OpensslCertificate(c.key, every_san), std::string(c.name) + " sans");
  }
  EVP_PKEY* ed = ed25519.get();
  // directoryName (left to OpenSSL), a negative serial, and a v1 certificate.
  ExpectSameAsOpenSsl(OpensslCertificate(ed, "DNS:d.example", true), "directoryName");
  ExpectSameAsOpenSsl(OpensslCertificate(ed, "", false, -4660), "negative serial");
  ExpectSameAsOpenSsl(OpensslCertificate(ed, "", false, 0), "zero serial");
  ExpectSameAsOpenSsl(OpensslCertificate(ed, "", false, 9, 0), "v1");
}

// Our parser may be stricter than OpenSSL, never laxer: for every single-bit flip and every
// truncation of two samples, if ours accepts, OpenSSL accepts with the same fields and key.
TEST(CertificateDerTest, MutationsOurParserAcceptsOpenSslAcceptsIdentically) {
  std::map<std::string, int> stricter;  // our refusal reason -> count, where OpenSSL accepted
  int accepted = 0, refused_by_both = 0;
  for (KeyType type : {KeyType::kEcdsaP256, KeyType::kEd25519}) {
    const Bytes original = OurCertificate(type, true);
    ASSERT_FALSE(original.empty());
    std::vector<Bytes> mutants;
    for (size_t n = 0; n < original.size(); ++n)
      mutants.emplace_back(original.begin(), original.begin() + n);
    // Every bit outside the signature value; in the signature (opaque to both parsers) only
    // every eighth octet, to keep the test fast.
    auto parsed = ParseCertificateDer(original);
    ASSERT_TRUE(parsed.ok());
    const size_t signature_start = original.size() - parsed->signature.size();
    for (size_t bit = 0; bit < original.size() * 8; ++bit) {
      const size_t octet = bit / 8;
      if (octet >= signature_start && (octet - signature_start) % 8 != 0) continue;
      Bytes flipped = original;
      flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      mutants.push_back(std::move(flipped));
    }
    for (const Bytes& mutant : mutants) {
      auto ours = Certificate::FromDer(mutant);
      ossl::X509Ptr x509;
      auto reference = DecodeCertificateWithOpenSsl(mutant, &x509);
      if (ours.ok()) {
        ++accepted;
        ASSERT_TRUE(reference.ok()) << "laxer than OpenSSL: " << reference.error().ToString();
        ASSERT_EQ(FieldsOf(*ours), *reference) << Describe(FieldsOf(*ours));
        auto our_key = ours->public_key();
        auto reference_key = ReferenceKey(x509.get());
        ASSERT_EQ(our_key.ok(), reference_key.ok());
        if (our_key.ok()) {
          ASSERT_EQ(SpkiOf(our_key->pkey()), SpkiOf(reference_key->pkey()));
        }
      } else if (reference.ok()) {
        std::string reason = ours.error().message;
        const std::string prefix = "not a DER X.509 certificate: ";
        if (reason.starts_with(prefix)) reason = reason.substr(prefix.size());
        reason = reason.substr(0, reason.find_first_of("0123456789"));
        ++stricter[reason];
      } else {
        ++refused_by_both;
      }
    }
  }
  EXPECT_GT(accepted, 100);  // flips inside names, serials, signatures and keys still parse
  EXPECT_GT(refused_by_both, 1000);
  // Where we are stricter than OpenSSL 3.0 (listed in docs/engine.md).
  for (const auto& [reason, count] : stricter)
    std::cout << "  stricter: " << count << " x " << reason << "\n";
}

TEST(CertificateDerTest, ParserRefusesNonDerForms) {
  const Bytes der = OurCertificate(KeyType::kEd25519, true);
  ASSERT_FALSE(der.empty());
  ASSERT_TRUE(ParseCertificateDer(der).ok());
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(ParseCertificateDer(ByteView(der.data(), n)).ok()) << "prefix " << n;
  }
  // Indefinite outer length (BER).
  Bytes indefinite = der;
  indefinite[1] = 0x80;
  auto refused = ParseCertificateDer(indefinite);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("indefinite"), std::string::npos);
  EXPECT_EQ(refused.error().offset, 0u);  // the element's identifier octet
  // The parsed views cover the input: tbs inside the certificate, the SPKI inside the tbs.
  auto parsed = ParseCertificateDer(der);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->version, 3);
  EXPECT_EQ(parsed->subject_alt_names, kEverySan);
  EXPECT_EQ(parsed->key_bits.size(), 32u);
  EXPECT_FALSE(parsed->key_parameters.has_value());
  EXPECT_FALSE(parsed->needs_openssl_check);
  EXPECT_EQ(parsed->signature.size(), 64u);
}

TEST(CertificateDerTest, SerialHexMatchesBignumPrinting) {
  EXPECT_EQ(SerialHexFromInteger(Bytes{0x00}), "0");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0x01}), "01");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0x00, 0x80}), "80");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0xff}), "-01");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0x80}), "-80");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0xed, 0xcc}), "-1234");
  EXPECT_EQ(SerialHexFromInteger(Bytes{0x12, 0x34, 0x05}), "123405");
}

TEST(CertificateDerTest, LazyOpenSslObjectsAreBuiltOnceAcrossThreads) {
  auto cert = Certificate::FromDer(OurCertificate(KeyType::kEcdsaP256, true));
  ASSERT_TRUE(cert.ok());
  std::vector<X509*> seen(4, nullptr);
  std::vector<EVP_PKEY*> keys(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      seen[i] = cert->x509();
      auto key = cert->public_key();
      keys[i] = key.ok() ? key->pkey() : nullptr;
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_NE(seen[i], nullptr);
    EXPECT_EQ(seen[i], seen[0]);
    EXPECT_NE(keys[i], nullptr);
    EXPECT_EQ(keys[i], keys[0]);  // one PublicKey, shared
  }
}

TEST(CertificateDerTest, PublicHalfHasTheSameSubjectPublicKeyInfo) {
  std::vector<ossl::PkeyPtr> keys;
  for (const char* name : {"ED25519", "ED448"}) keys.push_back(GenerateByName(name));
  for (KeyType type : {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
    DeterministicRng rng(5, AsBytes("public half"));
    auto key = PrivateKey::Generate(type, rng);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(SpkiOf(key->public_key().pkey()), SpkiOf(key->pkey()));
    auto pkcs8 = key->ToPkcs8Der();
    ASSERT_TRUE(pkcs8.ok());
    auto again = PrivateKey::FromPkcs8Der(*pkcs8);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->public_key().Equals(key->public_key()));
  }
  std::vector<EVP_PKEY*> raw_keys = {SharedRsaPssKey()};  // RSA-PSS: the SPKI round trip
  for (const ossl::PkeyPtr& key : keys) raw_keys.push_back(key.get());
  for (EVP_PKEY* key : raw_keys) {
    ASSERT_NE(key, nullptr);
    auto half = PublicHalfOf(key);
    ASSERT_TRUE(half.ok()) << half.error().ToString();
    EXPECT_EQ(SpkiOf(half->get()), SpkiOf(key));
    // Only the public half: no private key to export.
    size_t len = 0;
    EXPECT_NE(EVP_PKEY_get_raw_private_key(half->get(), nullptr, &len), 1);
    ERR_clear_error();
  }
}

}  // namespace
}  // namespace ikewot::crypto
