// Proposal specs <-> SA payloads: offers survive a round trip through the real SA codec, unknown
// transforms are left out, and a responder's answer must name exactly one transform per type.
#include <gtest/gtest.h>

#include "core/base/reader.h"
#include "core/base/writer.h"
#include "core/crypto/transforms.h"
#include "core/engine/sa_convert.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT

ikev2::SaPayload WireRoundTrip(const ikev2::SaPayload& sa) {
  Bytes wire;
  Writer w(&wire);
  EXPECT_TRUE(ikev2::WriteSaPayload(sa, w).ok());
  Reader r(wire);
  Result<ikev2::SaPayload> parsed = ikev2::ParseSaPayload(r);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : ikev2::SaPayload{};
}

const IkeProposalSpec kGcm{
    {{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}};
const IkeProposalSpec kCbc{
    {{kEncrAesCbc, 128}}, {kPrfHmacSha2_256}, {kIntegHmacSha2_256_128}, {kDhModp2048}};

TEST(SaConvertTest, IkeOfferRoundTrips) {
  std::vector<IkeProposalSpec> offer = {kGcm, kCbc};
  EXPECT_EQ(IkeOfferFromSa(WireRoundTrip(IkeOfferToSa(offer))), offer);
}

TEST(SaConvertTest, IkeChoiceRoundTripsAndIsStrict) {
  IkeSuiteChoice choice{{kEncrAesCbc, 128}, kPrfHmacSha2_256, kIntegHmacSha2_256_128, kDhModp2048};
  ikev2::SaPayload sa = WireRoundTrip(IkeChoiceToSa(choice, 2));
  EXPECT_EQ(sa.proposals[0].number, 2);
  Result<IkeSuiteChoice> back = IkeChoiceFromSa(sa);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, choice);
  // Two groups in an answer: not a choice.
  EXPECT_EQ(IkeChoiceFromSa(IkeOfferToSa({kGcm})).code(), ErrorCode::kBadValue);
  EXPECT_EQ(IkeChoiceFromSa(IkeOfferToSa({kCbc, kCbc})).code(), ErrorCode::kBadValue);
  EXPECT_EQ(IkeChoiceFromSa(ikev2::SaPayload{}).code(), ErrorCode::kBadValue);
}

TEST(SaConvertTest, UnknownTransformsAndAttributesAreLeftOut) {
  ikev2::SaPayload sa = IkeOfferToSa({kGcm});
  ikev2::Transform odd = ikev2::MakeTransform(ikev2::TransformType::kEncryption, kEncrAesCbc, 128);
  odd.attributes.push_back({999, uint16_t{1}});
  sa.proposals[0].transforms.push_back(odd);
  EXPECT_EQ(IkeOfferFromSa(sa)[0], kGcm);
  // A proposal with an unknown transform type (additional KE) is unusable as a whole.
  sa.proposals[0].transforms.push_back(
      ikev2::MakeTransform(ikev2::TransformType::kAdditionalKe1, kDhEcp256));
  EXPECT_EQ(IkeOfferFromSa(sa)[0], IkeProposalSpec{});
}

TEST(SaConvertTest, EspOfferAndAnswer) {
  EspProposalSpec gcm{{{kEncrAesGcm16, 128}}, {}, false};
  EspProposalSpec cbc{{{kEncrAesCbc, 256}}, {kIntegHmacSha2_256_128}, true};
  EspOffer offer = EspOfferFromSa(WireRoundTrip(EspOfferToSa({gcm, cbc}, 0xc0ffee01)));
  ASSERT_EQ(offer.proposals.size(), 2u);
  EXPECT_EQ(offer.proposals[0], gcm);
  EXPECT_EQ(offer.proposals[1], cbc);
  EXPECT_EQ(offer.spis[1], 0xc0ffee01u);
  EspSuiteChoice choice{{kEncrAesCbc, 256}, kIntegHmacSha2_256_128, true};
  Result<EspAnswer> answer = EspChoiceFromSa(WireRoundTrip(EspChoiceToSa(choice, 2, 0x12345678)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->suite, choice);
  EXPECT_EQ(answer->spi, 0x12345678u);
  EXPECT_FALSE(EspChoiceFromSa(IkeOfferToSa({kGcm})).ok());
}

// libreswan 4.10 lists both ESN values in one ESP proposal, ESN=1 first (found by the interop
// harness: ikewot serve refused its CHILD SA with NO_PROPOSAL_CHOSEN).
TEST(SaConvertTest, EspOfferWithBothSequenceNumberValuesMatchesEitherPolicy) {
  ikev2::SaPayload sa =
      EspOfferToSa({EspProposalSpec{{{kEncrAesGcm16, 256}}, {}, true}}, 0xc0ffee02);
  sa.proposals[0].transforms.push_back(
      ikev2::MakeTransform(ikev2::TransformType::kSequenceNumbers, 0));
  EspOffer offer = EspOfferFromSa(WireRoundTrip(sa));
  ASSERT_EQ(offer.proposals.size(), 1u);
  EXPECT_TRUE(offer.proposals[0].either_sequence_numbers);
  for (bool esn : {false, true}) {
    std::optional<EspChoice> choice =
        ChooseEspSuite(offer.proposals, {EspProposalSpec{{{kEncrAesGcm16, 256}}, {}, esn}});
    ASSERT_TRUE(choice.has_value()) << "policy ESN " << esn;
    EXPECT_EQ(choice->suite.extended_sequence_numbers, esn);
    EXPECT_EQ(choice->proposal_number, 1);
  }
  // A single value still binds: an ESN-only offer does not match a no-ESN policy.
  EspOffer esn_only = EspOfferFromSa(
      WireRoundTrip(EspOfferToSa({EspProposalSpec{{{kEncrAesGcm16, 256}}, {}, true}}, 1)));
  EXPECT_FALSE(
      ChooseEspSuite(esn_only.proposals, {EspProposalSpec{{{kEncrAesGcm16, 256}}, {}, false}})
          .has_value());
}

}  // namespace
}  // namespace ikewot::engine
