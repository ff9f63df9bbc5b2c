// Proposal strings in strongSwan's syntax (cli/proposal_text.h) and traffic selector text.
#include <gtest/gtest.h>

#include "cli/accept_flow.h"
#include "cli/proposal_text.h"
#include "core/crypto/transforms.h"

namespace ikewot::cli {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids

TEST(ProposalTextTest, AeadAndClassicIkeProposals) {
  auto p = ParseIkeProposals("aes256gcm16-prfsha256-x25519,AES128-sha256-sha384-ecp256-modp3072");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0], (engine::IkeProposalSpec{
                         {{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519}}));
  // Without a PRF the integrity algorithms imply it, as in strongSwan.
  EXPECT_EQ((*p)[1].prf, (std::vector<uint16_t>{kPrfHmacSha2_256, kPrfHmacSha2_384}));
  EXPECT_EQ((*p)[1].integ, (std::vector<uint16_t>{kIntegHmacSha2_256_128, kIntegHmacSha2_384_192}));
  EXPECT_EQ((*p)[1].ke_groups, (std::vector<uint16_t>{kDhEcp256, kDhModp3072}));
  auto chacha = ParseIkeProposals("chacha20poly1305-prfsha512-curve448");
  ASSERT_TRUE(chacha.ok());
  EXPECT_EQ((*chacha)[0].encr[0], (engine::EncrAlgorithm{kEncrChaCha20Poly1305, 0}));
}

TEST(ProposalTextTest, RefusesWhatStrongSwanRefusesWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"aes256gcm16-x25519", "needs a PRF"},
      {"aes256gcm16-prfsha256", "needs a KE group"},
      {"aes256-prfsha256-x25519", "needs an integrity"},
      {"aes256gcm16-aes256-sha256-prfsha256-x25519", "cannot share"},
      {"aes256gcm16-sha256-prfsha256-x25519", "takes no integrity"},
      {"aes256-sha256-x25519-rot13", "unknown transform 'rot13'"},
      {"aes256--sha256-x25519", "empty transform"},
      {"", "empty proposal"},
      {"aes256-sha256-x25519,", "empty proposal"},
  };
  for (const auto& [text, why] : cases) {
    auto p = ParseIkeProposals(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_NE(p.error().message.find(why), std::string::npos) << text << ": " << p.error().message;
  }
}

TEST(ProposalTextTest, EspProposalsAndGroups) {
  auto esp = ParseEspProposals("aes128gcm16-esn,aes256-sha512");
  ASSERT_TRUE(esp.ok()) << esp.error().ToString();
  EXPECT_TRUE((*esp)[0].extended_sequence_numbers);
  EXPECT_EQ((*esp)[1].integ, (std::vector<uint16_t>{kIntegHmacSha2_512_256}));
  EXPECT_FALSE(ParseEspProposals("aes128gcm16-prfsha256").ok());
  EXPECT_FALSE(ParseEspProposals("aes128gcm16-modp2048").ok());
  EXPECT_FALSE(ParseEspProposals("aes128gcm16-esn-noesn").ok());
  EXPECT_EQ(*ParseKeGroup("x25519"), kDhCurve25519);
  EXPECT_EQ(*ParseKeGroup("19"), kDhEcp256);
  EXPECT_FALSE(ParseKeGroup("1").ok());  // MODP-768: not something we offer
  EXPECT_FALSE(ParseKeGroup("ecp999").ok());
  // The defaults parse-equivalently and never fall below 128 bits.
  EXPECT_GE(engine::WeakestStrengthBits(DefaultIkeProposals()), 128);
  EXPECT_GE(engine::WeakestStrengthBits(DefaultFallbackProposals()), 128);
}

TEST(ProposalTextTest, TrafficSelectorText) {
  auto net = ParseSelector("10.1.2.3/16");
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->start_address, (Bytes{10, 1, 0, 0}));
  EXPECT_EQ(net->end_address, (Bytes{10, 1, 255, 255}));
  EXPECT_EQ(net->ts_type, 7);
  auto host6 = ParseSelector("2001:db8::1");
  ASSERT_TRUE(host6.ok());
  EXPECT_EQ(host6->ts_type, 8);
  EXPECT_EQ(host6->start_address, host6->end_address);
  auto all6 = ParseSelector("::/0");
  ASSERT_TRUE(all6.ok());
  EXPECT_EQ(all6->end_address, Bytes(16, 0xff));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "nonsense", "::/129"}) {
    EXPECT_FALSE(ParseSelector(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ikewot::cli
