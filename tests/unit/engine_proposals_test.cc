// Proposal choice, strength and the minimum-strength restriction used by the fallback.
#include <gtest/gtest.h>

#include "core/crypto/transforms.h"
#include "core/engine/proposals.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT

const IkeProposalSpec kGcm{
    {{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}};
const IkeProposalSpec kCbc{{{kEncrAesCbc, 128}, {kEncrAesCbc, 256}},
                           {kPrfHmacSha2_256, kPrfHmacSha1},
                           {kIntegHmacSha2_256_128, kIntegHmacSha1_96},
                           {kDhModp2048}};

TEST(ProposalsTest, ResponderPrefersItsOwnOrderAndReportsInitiatorNumber) {
  std::optional<IkeChoice> c = ChooseIkeSuite({kCbc, kGcm}, {kGcm, kCbc}, std::nullopt);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->proposal_number, 2);
  EXPECT_EQ(c->suite,
            (IkeSuiteChoice{{kEncrAesGcm16, 256}, kPrfHmacSha2_256, kIntegNone, kDhCurve25519}));
  EXPECT_EQ(c->suite.ToString(), "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519");
}

TEST(ProposalsTest, PreferredGroupWinsWhenBothAccept) {
  std::optional<IkeChoice> c = ChooseIkeSuite({kGcm}, {kGcm}, kDhEcp256);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->suite.ke_group, kDhEcp256);
  c = ChooseIkeSuite({kGcm}, {kGcm}, kDhModp2048);  // not acceptable: own order
  EXPECT_EQ(c->suite.ke_group, kDhCurve25519);
}

TEST(ProposalsTest, NoOverlapMeansNoChoice) {
  EXPECT_FALSE(ChooseIkeSuite({kCbc}, {kGcm}, std::nullopt).has_value());
  IkeProposalSpec no_integ = kCbc;
  no_integ.integ.clear();  // CBC without integrity is never acceptable
  EXPECT_FALSE(ChooseIkeSuite({no_integ}, {no_integ}, std::nullopt).has_value());
}

TEST(ProposalsTest, StrengthIsTheWeakestPart) {
  EXPECT_EQ(SuiteStrengthBits({{kEncrAesGcm16, 256}, kPrfHmacSha2_256, kIntegNone, kDhCurve25519}),
            128);
  EXPECT_EQ(SuiteStrengthBits({{kEncrAesCbc, 256}, kPrfHmacSha2_256, kIntegHmacSha1_96, kDhEcp384}),
            96);
  EXPECT_EQ(SuiteStrengthBits({{kEncrAesCbc, 256}, kPrfHmacSha2_256, kIntegNone, kDhEcp384}), 0);
  EXPECT_EQ(WeakestStrengthBits({kGcm, kCbc}), 96);
  EXPECT_EQ(WeakestStrengthBits({kGcm}), 128);
}

TEST(ProposalsTest, RestrictToMinimumDropsWeakTransformsAndEmptyProposals) {
  std::vector<IkeProposalSpec> restricted = RestrictToMinimum({kGcm, kCbc}, 128);
  ASSERT_EQ(restricted.size(), 1u);  // MODP-2048 (112) leaves kCbc without a group
  EXPECT_EQ(restricted[0], kGcm);
  EXPECT_GE(WeakestStrengthBits(restricted), 128);
  restricted = RestrictToMinimum({kCbc}, 112);
  ASSERT_EQ(restricted.size(), 1u);
  EXPECT_EQ(restricted[0].integ, std::vector<uint16_t>{kIntegHmacSha2_256_128});
  EXPECT_EQ(restricted[0].encr.size(), 2u);
  EXPECT_TRUE(RestrictToMinimum({kCbc}, 200).empty());
}

TEST(ProposalsTest, InitiatorChecksTheAnswerAgainstItsOffer) {
  EXPECT_TRUE(
      OfferAllows({kCbc}, {{kEncrAesCbc, 128}, kPrfHmacSha1, kIntegHmacSha1_96, kDhModp2048}));
  EXPECT_FALSE(
      OfferAllows({kCbc}, {{kEncrAesCbc, 192}, kPrfHmacSha1, kIntegHmacSha1_96, kDhModp2048}));
  EXPECT_FALSE(
      OfferAllows({kGcm}, {{kEncrAesGcm16, 256}, kPrfHmacSha2_256, kIntegHmacSha1_96, kDhEcp256}));
}

TEST(ProposalsTest, EspChoice) {
  EspProposalSpec gcm{{{kEncrAesGcm16, 256}}, {}, false};
  EspProposalSpec cbc{{{kEncrAesCbc, 128}}, {kIntegHmacSha2_256_128}, false};
  std::optional<EspChoice> c = ChooseEspSuite({cbc, gcm}, {gcm});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->proposal_number, 2);
  EXPECT_EQ(c->suite.ToString(), "ENCR_AES_GCM_16-256/NO_ESN");
  EspProposalSpec esn = gcm;
  esn.extended_sequence_numbers = true;
  EXPECT_FALSE(ChooseEspSuite({esn}, {gcm}).has_value());
  EXPECT_TRUE(OfferAllows({cbc}, c->suite) == false);
}

}  // namespace
}  // namespace ikewot::engine
