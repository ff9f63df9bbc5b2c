// RFC 7427 AlgorithmIdentifier syntax: the Appendix A encodings byte for byte, the variants
// other implementations send, and malformed input with exact error offsets.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "core/crypto/auth_signature.h"
#include "core/crypto/auth_signature_algid.h"
#include "core/crypto/random.h"

namespace ikewot::crypto {
namespace {

Bytes Hex(std::string_view text) {
  auto bytes = FromHex(text);
  EXPECT_TRUE(bytes.ok()) << text;
  return *bytes;
}

// RFC 7427 Appendix A, transcribed from the RFC's hex dumps.
const char kA11Sha1WithRsa[] = "300d 0609 2a86 4886 f70d 0101 0505 00";
const char kA12Sha256WithRsa[] = "300d 0609 2a86 4886 f70d 0101 0b05 00";
const char kA13Sha384WithRsa[] = "300d 0609 2a86 4886 f70d 0101 0c05 00";
const char kA14Sha512WithRsa[] = "300d 0609 2a86 4886 f70d 0101 0d05 00";
const char kA21DsaSha1[] = "3009 0607 2a86 48ce 3804 03";
const char kA22DsaSha256[] = "300b 0609 6086 4801 6503 0403 02";
const char kA31EcdsaSha1[] = "3009 0607 2a86 48ce 3d04 01";
const char kA32EcdsaSha256[] = "300a 0608 2a86 48ce 3d04 0302";
const char kA33EcdsaSha384[] = "300a 0608 2a86 48ce 3d04 0303";
const char kA34EcdsaSha512[] = "300a 0608 2a86 48ce 3d04 0304";
const char kA41PssEmpty[] = "300d 0609 2a86 4886 f70d 0101 0a30 00";
const char kA42PssDefault[] =
    "303e 0609 2a86 4886 f70d 0101 0a30 31a0 0b30 0906 052b 0e03 021a 0500 a118 3016"
    "0609 2a86 4886 f70d 0101 0830 0906 052b 0e03 021a 0500 a203 0201 14a3 0302 0101";
const char kA43PssSha256[] =
    "3046 0609 2a86 4886 f70d 0101 0a30 39a0 0f30 0d06 0960 8648 0165 0304 0201 0500"
    "a11c 301a 0609 2a86 4886 f70d 0101 0830 0d06 0960 8648 0165 0304 0201 0500 a203"
    "0201 20a3 0302 0101";
// RFC 8420 §2.
const char kEd25519[] = "3005 0603 2b65 70";

TEST(AuthAlgIdTest, Rfc7427AppendixAEncodingsAreWhatWeSend) {
  struct Sent {
    SignatureScheme scheme;
    uint16_t hash;
    const char* hex;
  };
  const Sent sent[] = {
      {SignatureScheme::kRsaPkcs1v15, kSigHashSha256, kA12Sha256WithRsa},
      {SignatureScheme::kRsaPkcs1v15, kSigHashSha384, kA13Sha384WithRsa},
      {SignatureScheme::kRsaPkcs1v15, kSigHashSha512, kA14Sha512WithRsa},
      {SignatureScheme::kEcdsa, kSigHashSha256, kA32EcdsaSha256},
      {SignatureScheme::kEcdsa, kSigHashSha384, kA33EcdsaSha384},
      {SignatureScheme::kEcdsa, kSigHashSha512, kA34EcdsaSha512},
      {SignatureScheme::kRsaPss, kSigHashSha256, kA43PssSha256},
      {SignatureScheme::kEd25519, kSigHashIdentity, kEd25519},
  };
  for (const Sent& s : sent) {
    auto der = SignatureAlgorithmIdentifierDer(s.scheme, s.hash);
    ASSERT_TRUE(der.ok()) << s.hex;
    EXPECT_EQ(ToHex(*der), ToHex(Hex(s.hex))) << s.hex;
  }
  // We never sign with SHA-1.
  EXPECT_EQ(SignatureAlgorithmIdentifierDer(SignatureScheme::kRsaPkcs1v15, 1).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(SignatureAlgorithmIdentifierDer(SignatureScheme::kEcdsa, 1).code(),
            ErrorCode::kUnsupported);
}

TEST(AuthAlgIdTest, Rfc7427AppendixAEncodingsParse) {
  struct Parsed {
    const char* hex;
    SignatureAlgorithm expected;
  };
  const Parsed parsed[] = {
      {kA11Sha1WithRsa, {SignatureScheme::kRsaPkcs1v15, kSigHashSha1}},
      {kA12Sha256WithRsa, {SignatureScheme::kRsaPkcs1v15, kSigHashSha256}},
      {kA13Sha384WithRsa, {SignatureScheme::kRsaPkcs1v15, kSigHashSha384}},
      {kA14Sha512WithRsa, {SignatureScheme::kRsaPkcs1v15, kSigHashSha512}},
      {kA31EcdsaSha1, {SignatureScheme::kEcdsa, kSigHashSha1}},
      {kA32EcdsaSha256, {SignatureScheme::kEcdsa, kSigHashSha256}},
      {kA33EcdsaSha384, {SignatureScheme::kEcdsa, kSigHashSha384}},
      {kA34EcdsaSha512, {SignatureScheme::kEcdsa, kSigHashSha512}},
      {kA41PssEmpty, {SignatureScheme::kRsaPss, kSigHashSha1, 20}},
      {kA42PssDefault, {SignatureScheme::kRsaPss, kSigHashSha1, 20}},
      {kA43PssSha256, {SignatureScheme::kRsaPss, kSigHashSha256, 32}},
      {kEd25519, {SignatureScheme::kEd25519, kSigHashIdentity}},
  };
  for (const Parsed& p : parsed) {
    auto algorithm = ParseSignatureAlgorithmIdentifier(Hex(p.hex));
    ASSERT_TRUE(algorithm.ok()) << p.hex << ": " << algorithm.error().ToString();
    EXPECT_EQ(*algorithm, p.expected) << p.hex << " -> " << DescribeSignatureAlgorithm(*algorithm);
  }
  // DSA (A.2) is a valid AlgorithmIdentifier we do not implement; the message names the OID.
  auto dsa = ParseSignatureAlgorithmIdentifier(Hex(kA21DsaSha1));
  ASSERT_FALSE(dsa.ok());
  EXPECT_EQ(dsa.code(), ErrorCode::kUnsupported);
  EXPECT_NE(dsa.error().message.find("1.2.840.10040.4.3"), std::string::npos)
      << dsa.error().message;
  EXPECT_EQ(ParseSignatureAlgorithmIdentifier(Hex(kA22DsaSha256)).code(), ErrorCode::kUnsupported);
}

TEST(AuthAlgIdTest, VariantsOtherImplementationsSend) {
  struct Variant {
    const char* what;
    const char* hex;
    SignatureAlgorithm expected;
  };
  const Variant variants[] = {
      {"PKCS#1 with parameters absent (RFC 4055 §5 MUST accept)",
       "300b 0609 2a86 4886 f70d 0101 0b",
       {SignatureScheme::kRsaPkcs1v15, kSigHashSha256}},
      {"PSS SHA-384 with the default trailerField left out (DER)",
       "3041 0609 2a86 4886 f70d 0101 0a30 34a0 0f30 0d06 0960 8648 0165 0304 0202 0500"
       "a11c 301a 0609 2a86 4886 f70d 0101 0830 0d06 0960 8648 0165 0304 0202 0500 a203"
       "0201 30",
       {SignatureScheme::kRsaPss, kSigHashSha384, 48}},
  };
  for (const Variant& v : variants) {
    auto algorithm = ParseSignatureAlgorithmIdentifier(Hex(v.hex));
    ASSERT_TRUE(algorithm.ok()) << v.what << ": " << algorithm.error().ToString();
    EXPECT_EQ(*algorithm, v.expected) << v.what;
  }
  // SHA-512 PSS, hash AlgorithmIdentifiers without NULL, salt length 0.
  Bytes no_null =
      Hex("303d 0609 2a86 4886 f70d 0101 0a30 30a0 0d30 0b06 0960 8648 0165 0304 0203 a11a"
          "3018 0609 2a86 4886 f70d 0101 0830 0b06 0960 8648 0165 0304 0203 a203 0201 00");
  auto algorithm = ParseSignatureAlgorithmIdentifier(no_null);
  ASSERT_TRUE(algorithm.ok()) << algorithm.error().ToString();
  EXPECT_EQ(*algorithm, (SignatureAlgorithm{SignatureScheme::kRsaPss, kSigHashSha512, 0}));
}

TEST(AuthAlgIdTest, MalformedAlgorithmIdentifiersSayWhereAndWhy) {
  struct Bad {
    const char* what;
    const char* hex;
    ErrorCode code;
    size_t offset;
  };
  const Bad bad[] = {
      {"empty", "", ErrorCode::kTruncated, 0},
      {"not a SEQUENCE", "310a 0608 2a86 48ce 3d04 0302", ErrorCode::kBadValue, 0},
      {"indefinite length", "3080 0608 2a86 48ce 3d04 0302 0000", ErrorCode::kBadLength, 2},
      {"non-minimal long form", "3081 0a06 082a 8648 ce3d 0403 02", ErrorCode::kBadLength, 3},
      {"length beyond the data", "300b 0608 2a86 48ce 3d04 0302", ErrorCode::kTruncated, 2},
      {"trailing octet after SEQUENCE", "300a 0608 2a86 48ce 3d04 0302 00",
       ErrorCode::kTrailingData, 12},
      {"ECDSA with NULL parameters", "300c 0608 2a86 48ce 3d04 0302 0500", ErrorCode::kTrailingData,
       12},
      {"Ed25519 with parameters", "3007 0603 2b65 7005 00", ErrorCode::kTrailingData, 7},
      {"unknown OID", "3005 0603 2b65 71", ErrorCode::kUnsupported, 4},  // Ed448
      {"NULL with content", "300e 0609 2a86 4886 f70d 0101 0b05 0100", ErrorCode::kTrailingData,
       15},
      {"PSS parameters absent", "300b 0609 2a86 4886 f70d 0101 0a", ErrorCode::kTruncated, 13},
      {"PSS trailerField 2", "3012 0609 2a86 4886 f70d 0101 0a30 05a3 0302 0102",
       ErrorCode::kBadValue, 20},
      {"PSS fields out of order", "3017 0609 2a86 4886 f70d 0101 0a30 0aa2 0302 0114 a003 0201 01",
       ErrorCode::kTrailingData, 20},
      {"PSS negative salt", "3012 0609 2a86 4886 f70d 0101 0a30 05a2 0302 01ff",
       ErrorCode::kBadValue, 19},
      {"PSS MGF1 over another hash",
       "303a 0609 2a86 4886 f70d 0101 0a30 2da0 0f30 0d06 0960 8648 0165 0304 0201 0500"
       "a11a 3018 0609 2a86 4886 f70d 0101 0830 0b06 0960 8648 0165 0304 0202",
       ErrorCode::kUnsupported, 60},
  };
  for (const Bad& b : bad) {
    auto parsed = ParseSignatureAlgorithmIdentifier(Hex(b.hex));
    ASSERT_FALSE(parsed.ok()) << b.what;
    EXPECT_EQ(parsed.code(), b.code) << b.what << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed.error().offset, b.offset) << b.what << ": " << parsed.error().ToString();
  }
}

TEST(AuthAlgIdTest, AuthDataFramingNeverTrustsTheLengthOctet) {
  Bytes good = Hex(std::string("0c") + kA32EcdsaSha256 + "3006020101020101");
  auto parsed = ParseDigitalSignatureAuthData(good, 8);  // after the AUTH payload header
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->algorithm, (SignatureAlgorithm{SignatureScheme::kEcdsa, kSigHashSha256}));
  EXPECT_EQ(ToHex(parsed->algorithm_identifier), ToHex(Hex(kA32EcdsaSha256)));
  EXPECT_EQ(ToHex(parsed->signature), "3006020101020101");

  struct Bad {
    const char* what;
    std::string hex;
    ErrorCode code;
    size_t offset;
  };
  const Bad bad[] = {
      {"no data", "", ErrorCode::kTruncated, 8},
      {"length 0", "00 3006020101020101", ErrorCode::kBadLength, 9},
      {"length past the end", "ff" + std::string(kA32EcdsaSha256), ErrorCode::kTruncated, 9},
      {"length one short", "0b" + std::string(kA32EcdsaSha256) + "3006020101020101",
       ErrorCode::kTruncated, 11},  // inner SEQUENCE claims more than the region holds
      {"length one long", "0d" + std::string(kA32EcdsaSha256) + "3006020101020101",
       ErrorCode::kTrailingData, 21},
      {"no signature", "0c" + std::string(kA32EcdsaSha256), ErrorCode::kTruncated, 21},
  };
  for (const Bad& b : bad) {
    auto result = ParseDigitalSignatureAuthData(Hex(b.hex), 8);
    ASSERT_FALSE(result.ok()) << b.what;
    EXPECT_EQ(result.code(), b.code) << b.what << ": " << result.error().ToString();
    EXPECT_EQ(result.error().offset, b.offset) << b.what << ": " << result.error().ToString();
  }
}

TEST(AuthAlgIdTest, Sha1PkcsSignaturesVerifyOnlyWhenPolicyAllowsSha1) {
  // A peer that signs method 14 with sha1WithRSAEncryption (RFC 7427 A.1.1).
  OpenSslRng rng;
  auto key = PrivateKey::Generate(KeyType::kRsa2048, rng);
  ASSERT_TRUE(key.ok());
  Bytes message = {1, 2, 3, 4};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 256;
  Bytes signature(size);
  ASSERT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha1(), nullptr, key->pkey()), 1);
  ASSERT_EQ(EVP_DigestSign(ctx, signature.data(), &size, message.data(), message.size()), 1);
  EVP_MD_CTX_free(ctx);
  Bytes data = Hex(std::string("0f") + kA11Sha1WithRsa);
  data.insert(data.end(), signature.begin(), signature.end());
  std::vector<uint16_t> with_sha1 = {kSigHashSha1, kSigHashSha256};
  EXPECT_TRUE(VerifyAuth(key->public_key(), 14, data, message, with_sha1).ok());
  EXPECT_EQ(VerifyAuth(key->public_key(), 14, data, message, SupportedSignatureHashes()).code(),
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace ikewot::crypto
