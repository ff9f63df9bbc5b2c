// The identification strings users compare, and the CERTREQ certification-authority field.
#include <gtest/gtest.h>

#include "core/crypto/certificate.h"
#include "core/crypto/certificate_request.h"
#include "core/crypto/identification.h"
#include "core/crypto/random.h"

namespace ikewot::crypto {
namespace {

Bytes Hex(std::string_view text) { return *FromHex(text); }

TEST(IdentityIdentificationTest, FingerprintHexIsOpensslsFormat) {
  EXPECT_EQ(FormatFingerprintHex(Bytes{0x00, 0xab, 0x0f, 0xf0}), "00:AB:0F:F0");
  EXPECT_EQ(FormatFingerprintHex(Bytes{}), "");
  Bytes sha256_abc = Hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string hex = FormatFingerprintHex(sha256_abc);
  EXPECT_EQ(hex.size(), 32u * 3 - 1);
  EXPECT_EQ(hex.substr(0, 12), "BA:78:16:BF:");
}

TEST(IdentityIdentificationTest, SpokenFormFixedVectors) {
  // Group i = (big-endian 40-bit value of octets 5i..5i+4) mod 100000, zero padded.
  EXPECT_EQ(*SpokenIdentificationFromFingerprint(Bytes(32, 0x00)),
            "00000 00000 00000 00000 00000 00000");
  // 2^40 - 1 = 1099511627775 -> 27775.
  EXPECT_EQ(*SpokenIdentificationFromFingerprint(Bytes(32, 0xff)),
            "27775 27775 27775 27775 27775 27775");
  Bytes counting(32);
  for (size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<uint8_t>(i);
  // 0x0001020304 = 16909060 -> 09060; 0x0506070809 = 21575960585 -> 60585; ...
  EXPECT_EQ(*SpokenIdentificationFromFingerprint(counting), "09060 60585 12110 63635 15160 66685");
  // SHA-256("abc"), computed independently with Python's int.from_bytes.
  EXPECT_EQ(*SpokenIdentificationFromFingerprint(
                Hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
            "73807 03137 88322 66979 05876 85760");
  // The last two octets never matter: 30 octets feed 6 groups.
  Bytes tail_changed = counting;
  tail_changed[30] ^= 0xff;
  tail_changed[31] ^= 0xff;
  EXPECT_EQ(*SpokenIdentificationFromFingerprint(tail_changed),
            *SpokenIdentificationFromFingerprint(counting));
}

TEST(IdentityIdentificationTest, SpokenFormNeedsA32OctetDigest) {
  EXPECT_EQ(SpokenIdentificationFromFingerprint(Bytes(31, 0)).code(), ErrorCode::kBadLength);
  EXPECT_EQ(SpokenIdentificationFromFingerprint(Bytes(20, 0)).code(), ErrorCode::kBadLength);
  EXPECT_EQ(SpokenIdentificationFromFingerprint(Bytes{}).code(), ErrorCode::kBadLength);
}

TEST(IdentityIdentificationTest, CertificateFormsUseTheSha256Fingerprint) {
  DeterministicRng rng(21);
  auto key = PrivateKey::Generate(KeyType::kEd25519, rng);
  auto cert = MakeSelfSigned(*key, {"bob", {}, 10}, TimePoint::FromUnixSeconds(1767225600), rng);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(FingerprintHex(*cert), FormatFingerprintHex(cert->Sha256Fingerprint()));
  EXPECT_EQ(SpokenIdentification(*cert),
            *SpokenIdentificationFromFingerprint(cert->Sha256Fingerprint()));
  EXPECT_EQ(SpokenIdentification(*cert).size(), 35u);  // 30 digits + 5 spaces
}

TEST(IdentityIdentificationTest, TypedIdentificationsAreNormalizedAndMatched) {
  EXPECT_EQ(*NormalizeSpokenIdentification("123456789012345678901234567890"),
            "12345 67890 12345 67890 12345 67890");
  EXPECT_EQ(*NormalizeSpokenIdentification(" 12345-67890\t12345 67890\n12345 67890 "),
            "12345 67890 12345 67890 12345 67890");
  EXPECT_EQ(NormalizeSpokenIdentification("12345 67890 12345 67890 12345 6789").code(),
            ErrorCode::kBadValue);
  EXPECT_EQ(NormalizeSpokenIdentification("12345 67890 12345 67890 12345 678901").code(),
            ErrorCode::kBadValue);
  auto letter = NormalizeSpokenIdentification("12345 6789O 12345 67890 12345 67890");
  ASSERT_FALSE(letter.ok());
  EXPECT_EQ(letter.error().offset, 10u);

  DeterministicRng rng(22);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  auto cert = MakeSelfSigned(*key, {"carol", {}, 10}, TimePoint::FromUnixSeconds(1767225600), rng);
  std::string spoken = SpokenIdentification(*cert);
  std::string compact;
  for (char c : spoken) {
    if (c != ' ') compact.push_back(c);
  }
  EXPECT_TRUE(SpokenIdentificationMatches(compact, *cert));
  std::string wrong = spoken;
  wrong[0] = wrong[0] == '9' ? '8' : static_cast<char>(wrong[0] + 1);
  EXPECT_FALSE(SpokenIdentificationMatches(wrong, *cert));
  EXPECT_FALSE(SpokenIdentificationMatches("", *cert));
}

TEST(IdentityCertReqTest, SplitsTwentyOctetKeyIds) {
  Bytes field;
  for (int i = 0; i < 60; ++i) field.push_back(static_cast<uint8_t>(i));
  auto ids = ParseCertReqAuthorities(field);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_EQ((*ids)[1], Bytes(field.begin() + 20, field.begin() + 40));
  EXPECT_EQ(*EncodeCertReqAuthorities(*ids), field);  // round trip
  EXPECT_TRUE(ParseCertReqAuthorities(Bytes{})->empty());
}

TEST(IdentityCertReqTest, EveryPrefixEitherSplitsExactlyOrFailsWithTheOffset) {
  Bytes field(60, 0x5a);
  for (size_t n = 0; n <= field.size(); ++n) {
    auto ids = ParseCertReqAuthorities(ByteView(field.data(), n), /*base_offset=*/100);
    if (n % 20 == 0) {
      ASSERT_TRUE(ids.ok()) << n;
      EXPECT_EQ(ids->size(), n / 20);
    } else {
      ASSERT_FALSE(ids.ok()) << n;
      EXPECT_EQ(ids.code(), ErrorCode::kBadLength);
      EXPECT_EQ(ids.error().offset, 100 + n / 20 * 20) << n;  // start of the partial entry
    }
  }
}

TEST(IdentityCertReqTest, NamesACertificatesKeyAndRefusesBadIds) {
  DeterministicRng rng(23);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  auto cert = MakeSelfSigned(*key, {"dave", {}, 10}, TimePoint::FromUnixSeconds(1767225600), rng);
  std::vector<Bytes> ids = {cert->SubjectPublicKeyInfoSha1()};
  auto field = EncodeCertReqAuthorities(ids);
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(field->size(), kCertReqKeyIdSize);
  EXPECT_EQ((*ParseCertReqAuthorities(*field))[0], cert->SubjectPublicKeyInfoSha1());
  std::vector<Bytes> bad = {Bytes(19, 0)};
  EXPECT_EQ(EncodeCertReqAuthorities(bad).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ikewot::crypto
