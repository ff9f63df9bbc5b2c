// The IKEv1 responder (core/ikev1/responder.h) against a scripted initiator, one message arrow
// at a time: both modes, the trust decision, expiry of half-open SAs, retransmissions, NAT-D and
// the move to port 4500, IKEv1 fragments both ways, and hostile input that must fail before any
// Diffie-Hellman or signature work.
#include <gtest/gtest.h>

#include "core/crypto/identification.h"
#include "core/engine/ike_node.h"
#include "tests/unit/ikev1_responder_test_support.h"

namespace ikewot::ikev1 {
namespace {

using engine::CertificateDecision;
using engine::EventKind;
using testing::IkeOf;
using testing::ResponderHarness;
using testing::ScriptedInitiator;

constexpr auto kRsa = AuthenticationMethod::kRsaSignature;
constexpr auto kEcdsa256 = AuthenticationMethod::kEcdsaSha256P256;

struct Identities {
  engine::LocalIdentity responder;
  engine::LocalIdentity initiator;
};

const Identities& EcdsaIds() {
  static const Identities ids = [] {
    DeterministicRng rng(11);
    return Identities{
        ikewot::testing::MakeIdentity(crypto::KeyType::kEcdsaP256, "responder", rng, {}),
        ikewot::testing::MakeIdentity(crypto::KeyType::kEcdsaP256, "initiator", rng, {})};
  }();
  return ids;
}

const Identities& RsaIds() {
  static const Identities ids = [] {
    DeterministicRng rng(12);
    return Identities{
        ikewot::testing::MakeIdentity(crypto::KeyType::kRsa2048, "responder", rng, {}),
        ikewot::testing::MakeIdentity(crypto::KeyType::kRsa2048, "initiator", rng, {})};
  }();
  return ids;
}

ResponderConfig Config(const engine::LocalIdentity& identity,
                       CertificateDecision decision = CertificateDecision::kAcceptTrusted) {
  ResponderConfig config;
  config.policy.identity = identity;
  config.policy.accept_peer = [decision](const engine::PeerCertificateView&) { return decision; };
  return config;
}

ScriptedInitiator Initiator(ExchangeType exchange, const Identities& ids, AuthenticationMethod auth,
                            ScriptedInitiator::Options options = {}, uint16_t group = 19) {
  return ScriptedInitiator(exchange, {testing::Suite(group, auth)}, ids.initiator, 99, options);
}

// MM1 --> MM2, MM3 --> MM4; leaves the initiator ready to send MM5.
void MainUpToMm4(ResponderHarness& h, ScriptedInitiator& i) {
  // MM1 { SA } -->  <-- MM2 { SA }
  auto mm2 = h.Deliver(i.First());
  ASSERT_EQ(mm2.size(), 1u);
  ASSERT_TRUE(i.TakeSecond(IkeOf(mm2[0])).ok());
  // MM3 { KE, Ni } -->  <-- MM4 { KE, Nr, CR }
  auto mm4 = h.Deliver(i.MainKe());
  ASSERT_EQ(mm4.size(), 1u);
  Status taken = i.TakeMainKe(IkeOf(mm4[0]));
  ASSERT_TRUE(taken.ok()) << taken.error().ToString();
}

TEST(Ikev1ResponderTest, MainModeTrustedInitiatorGetsMm6) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
  MainUpToMm4(h, i);
  EXPECT_EQ(h.counters().dh_computations, 1u);
  // MM5 { IDii, CERT, SIG_I } -->  <-- MM6 { IDir, CERT, SIG_R }
  auto mm6 = h.Deliver(i.Auth());
  ASSERT_EQ(mm6.size(), 1u);
  Status verified = i.TakeMainAuth(IkeOf(mm6[0]));
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(i.responder_chain(), EcdsaIds().responder.certificate_chain_der);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].kind, EventKind::kIkeSaEstablished);
  EXPECT_EQ(h.events[0].peer_certificate_der, EcdsaIds().initiator.certificate_chain_der[0]);
  auto cert = crypto::Certificate::FromDer(EcdsaIds().initiator.certificate_chain_der[0]);
  EXPECT_EQ(h.events[0].peer_identification, crypto::SpokenIdentification(*cert));
  EXPECT_EQ(h.counters().established, 1u);
  EXPECT_EQ(h.responder->half_open_count(), 0u);
}

TEST(Ikev1ResponderTest, MainModeUntrustedInitiatorGetsAuthenticationFailed) {
  ResponderHarness h(Config(RsaIds().responder, CertificateDecision::kReject));
  ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, RsaIds(), kRsa, {}, 14);
  MainUpToMm4(h, i);
  // MM5 { IDii, CERT, SIG_I } -->  <-- Informational* { HASH(1), N(AUTHENTICATION_FAILED) }
  auto answer = h.Deliver(i.Auth());
  ASSERT_EQ(answer.size(), 1u);
  Result<NotifyType> notify = i.TakeInformational(IkeOf(answer[0]));
  ASSERT_TRUE(notify.ok()) << notify.error().ToString();
  EXPECT_EQ(*notify, NotifyType::kAuthenticationFailed);
  EXPECT_EQ(h.counters().signatures_verified, 1u);
  EXPECT_EQ(h.counters().signatures_made, 0u);  // our identity was never shown
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].kind, EventKind::kFailed);
  EXPECT_NE(h.events[0].reason.find("not trusted"), std::string::npos) << h.events[0].reason;
  EXPECT_EQ(h.responder->sa_count(), 0u);
}

TEST(Ikev1ResponderTest, BadSignatureIsRefusedAfterOneVerification) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
  MainUpToMm4(h, i);
  auto answer = h.Deliver(i.Auth(/*corrupt_signature=*/true));
  ASSERT_EQ(answer.size(), 1u);
  Result<NotifyType> notify = i.TakeInformational(IkeOf(answer[0]));
  ASSERT_TRUE(notify.ok()) << notify.error().ToString();
  EXPECT_EQ(*notify, NotifyType::kAuthenticationFailed);
  EXPECT_EQ(h.counters().signatures_verified, 1u);
  EXPECT_EQ(h.counters().established, 0u);
}

TEST(Ikev1ResponderTest, AggressiveModeHandsOutCertificateAndHalfOpenSaExpires) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kAggressive, EcdsaIds(), kEcdsa256);
  // AM1 { SA, KE, Ni, IDii } -->  <-- AM2 { SA, KE, Nr, IDir, CERT, SIG_R }
  auto am2 = h.Deliver(i.First());
  ASSERT_EQ(am2.size(), 1u);
  Status verified = i.TakeSecond(IkeOf(am2[0]));
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(i.responder_chain(), EcdsaIds().responder.certificate_chain_der);
  EXPECT_EQ(h.responder->half_open_count(), 1u);
  // The probe never sends AM3: the SA expires at its deadline and nothing is reported.
  const TimePoint deadline = h.responder->NextDeadline();
  EXPECT_EQ(deadline, h.now + h.responder->config().half_open_timeout);
  h.AdvanceTo(h.now + (deadline - h.now - std::chrono::milliseconds(1)));
  EXPECT_EQ(h.responder->sa_count(), 1u);
  h.AdvanceTo(deadline);
  EXPECT_EQ(h.responder->sa_count(), 0u);
  EXPECT_EQ(h.responder->half_open_count(), 0u);
  EXPECT_EQ(h.counters().half_open_expired, 1u);
  EXPECT_TRUE(h.events.empty());
}

TEST(Ikev1ResponderTest, AggressiveModeWithAm3Establishes) {
  ResponderHarness h(Config(RsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kAggressive, RsaIds(), kRsa, {}, 14);
  auto am2 = h.Deliver(i.First());
  ASSERT_EQ(am2.size(), 1u);
  ASSERT_TRUE(i.TakeSecond(IkeOf(am2[0])).ok());
  // AM3* { CERT, SIG_I } -->  (no answer)
  EXPECT_TRUE(h.Deliver(i.Auth()).empty());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].kind, EventKind::kIkeSaEstablished);
  EXPECT_EQ(h.counters().established, 1u);
}

TEST(Ikev1ResponderTest, AggressiveModeIsRefusedWhenProbesAreNot) {
  ResponderConfig config = Config(EcdsaIds().responder);
  config.policy.allow_probes = false;
  ResponderHarness h(std::move(config));
  ScriptedInitiator i = Initiator(ExchangeType::kAggressive, EcdsaIds(), kEcdsa256);
  EXPECT_TRUE(h.Deliver(i.First()).empty());
  EXPECT_EQ(h.counters().dh_computations, 0u);
  EXPECT_EQ(h.counters().dropped_unexpected, 1u);
}

TEST(Ikev1ResponderTest, RetransmittedRequestsGetTheCachedAnswer) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
  Bytes mm1 = i.First();
  auto first = h.Deliver(mm1);
  auto again = h.Deliver(mm1);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(first[0].payload, again[0].payload);
  EXPECT_EQ(h.responder->sa_count(), 1u);
  ASSERT_TRUE(i.TakeSecond(IkeOf(first[0])).ok());
  Bytes mm3 = i.MainKe();
  auto mm4 = h.Deliver(mm3);
  auto mm4_again = h.Deliver(mm3);
  ASSERT_EQ(mm4_again.size(), 1u);
  EXPECT_EQ(mm4[0].payload, mm4_again[0].payload);
  EXPECT_EQ(h.counters().dh_computations, 1u);
  EXPECT_EQ(h.counters().responses_resent, 2u);
}

TEST(Ikev1ResponderTest, NoAcceptableTransformIsAnsweredWithNoProposalChosen) {
  ResponderHarness h(Config(EcdsaIds().responder));
  // An RSA-only offer to an ECDSA responder, and MODP-1024 which we never take.
  ScriptedInitiator i(ExchangeType::kIdentityProtection,
                      {testing::Suite(14, kRsa), testing::Suite(2, kEcdsa256)},
                      EcdsaIds().initiator, 5, {});
  auto answer = h.Deliver(i.First());
  ASSERT_EQ(answer.size(), 1u);
  Result<Message> m = ParseMessage(IkeOf(answer[0]));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header.exchange_type, ExchangeType::kInformational);
  const NotificationPayload* n = testing::Find<NotificationPayload>(m->payloads);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->type, NotifyType::kNoProposalChosen);
  EXPECT_EQ(h.responder->sa_count(), 0u);
  EXPECT_EQ(h.counters().no_proposal_chosen, 1u);
}

TEST(Ikev1ResponderTest, HostileInputFailsBeforeAnyCryptoWork) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kAggressive, EcdsaIds(), kEcdsa256);
  const Bytes am1 = i.First();
  // Every truncation of AM1 fails cleanly in the codec.
  for (size_t len = 0; len < am1.size(); ++len) {
    EXPECT_TRUE(h.Deliver(ByteView(am1).first(len)).empty()) << len;
  }
  // A KE of the wrong length for the chosen group: refused before the DH.
  Result<Message> m = ParseMessage(am1);
  ASSERT_TRUE(m.ok());
  for (Payload& p : m->payloads) {
    if (auto* ke = std::get_if<KeyExchangePayload>(&p.body)) ke->data.pop_back();
  }
  EXPECT_TRUE(h.Deliver(*SerializeMessage(*m)).empty());
  EXPECT_EQ(h.counters().dropped_bad_ke, 1u);
  // Unknown cookies: no SA, nothing done.
  ScriptedInitiator stranger = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
  Message forged = *ParseMessage(stranger.First());
  forged.header.responder_cookie.fill(0x42);
  EXPECT_TRUE(h.Deliver(*SerializeMessage(forged)).empty());
  EXPECT_EQ(h.counters().dropped_unknown_cookies, 1u);
  EXPECT_EQ(h.counters().dh_computations, 0u);
  EXPECT_EQ(h.counters().signatures_made, 0u);
  EXPECT_EQ(h.responder->sa_count(), 0u);
  EXPECT_GE(h.counters().dropped_invalid, am1.size());
}

TEST(Ikev1ResponderTest, TamperedMm5IsDroppedWithoutSignatureWork) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
  MainUpToMm4(h, i);
  Bytes mm5 = i.Auth();
  mm5[kHeaderSize + 3] ^= 0x80;  // first cipher block: the payload chain no longer parses
  EXPECT_TRUE(h.Deliver(mm5).empty());
  EXPECT_EQ(h.counters().dropped_decrypt, 1u);
  EXPECT_EQ(h.counters().signatures_verified, 0u);
  EXPECT_EQ(h.responder->sa_count(), 1u);  // the real MM5 may still come
}

TEST(Ikev1ResponderTest, HalfOpenLimitPerSourceBlocksFurtherExchanges) {
  ResponderConfig config = Config(EcdsaIds().responder);
  config.limits.per_source_block_after = 3;
  ResponderHarness h(std::move(config));
  for (uint64_t n = 0; n < 5; ++n) {
    ScriptedInitiator i(ExchangeType::kIdentityProtection, {testing::Suite(19, kEcdsa256)},
                        EcdsaIds().initiator, 200 + n, {});
    h.Deliver(i.First());
  }
  EXPECT_EQ(h.responder->sa_count(), 3u);
  EXPECT_EQ(h.counters().dropped_blocked, 2u);
}

TEST(Ikev1ResponderTest, NatDetectedAndTheExchangeMovesToPort4500) {
  ResponderHarness h(Config(EcdsaIds().responder));
  ScriptedInitiator i =
      Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256, {.nat_t = true});
  // The initiator sits behind a NAT: it claims 10.0.0.5:500, we see 203.0.113.7:40000.
  const engine::Endpoint behind = engine::Endpoint::V4(10, 0, 0, 5, 500);
  const engine::Endpoint mapped = engine::Endpoint::V4(203, 0, 113, 7, 40000);
  const engine::Endpoint mapped_4500 = engine::Endpoint::V4(203, 0, 113, 7, 40001);
  const engine::Endpoint us_4500 = engine::Endpoint::V4(198, 51, 100, 20, 4500);
  auto mm2 = h.Deliver(i.First(), mapped);
  ASSERT_EQ(mm2.size(), 1u);
  ASSERT_TRUE(i.TakeSecond(IkeOf(mm2[0])).ok());
  Result<Message> parsed = ParseMessage(IkeOf(mm2[0]));
  int nat_t_vids = 0;
  for (const Payload& p : parsed->payloads) {
    if (auto* vid = p.As<VendorIdPayload>()) nat_t_vids += IsNatTraversalVendorId(vid->data);
  }
  EXPECT_EQ(nat_t_vids, 1);
  auto mm4 = h.Deliver(i.MainKe(behind), mapped);
  ASSERT_EQ(mm4.size(), 1u);
  ASSERT_TRUE(i.TakeMainKe(IkeOf(mm4[0])).ok());
  EXPECT_EQ(i.natd_in_answer(), 2u);
  // MM5 from port 4500 (with the non-ESP marker) --> MM6 back to where it came from.
  auto mm6 = h.Deliver(i.Auth(), mapped_4500, us_4500);
  ASSERT_EQ(mm6.size(), 1u);
  EXPECT_EQ(mm6[0].remote, mapped_4500);
  EXPECT_EQ(mm6[0].local, us_4500);
  EXPECT_EQ(ByteView(mm6[0].payload).first(4)[0], 0u);  // non-ESP marker
  ASSERT_TRUE(i.TakeMainAuth(IkeOf(mm6[0])).ok());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].kind, EventKind::kIkeSaEstablished);
  EXPECT_EQ(h.events[0].peer, mapped_4500);
}

TEST(Ikev1ResponderTest, FragmentedMm5AndFragmentedMm6) {
  ResponderConfig config = Config(RsaIds().responder);
  config.policy.fragment_budget = 576;
  ResponderHarness h(std::move(config));
  ScriptedInitiator i =
      Initiator(ExchangeType::kIdentityProtection, RsaIds(), kRsa, {.fragmentation = true}, 14);
  MainUpToMm4(h, i);
  // MM5 (RSA-2048 certificate and signature, > 1 kB) in fragments of 576 octets.
  std::vector<Bytes> fragments = i.Fragment(i.Auth(), 576);
  ASSERT_GE(fragments.size(), 3u);
  std::vector<engine::Datagram> answer;
  for (size_t n = 0; n < fragments.size(); ++n) {
    answer = h.Deliver(fragments[n]);
    if (n + 1 < fragments.size()) {
      EXPECT_TRUE(answer.empty());
    }
  }
  // MM6 comes back in fragments too; reassembled it verifies.
  ASSERT_GE(answer.size(), 2u);
  Bytes whole;
  for (const engine::Datagram& d : answer) {
    EXPECT_LE(d.payload.size(), 576u);
    Result<Message> m = ParseMessage(IkeOf(d));
    ASSERT_TRUE(m.ok());
    const FragmentPayload* f = testing::Find<FragmentPayload>(m->payloads);
    ASSERT_NE(f, nullptr);
    whole.insert(whole.end(), f->data.begin(), f->data.end());
  }
  Status verified = i.TakeMainAuth(whole);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(h.counters().established, 1u);
}

TEST(Ikev1ResponderTest, IkeNodeSendsIkev1ToTheResponderOnlyWhenEnabled) {
  for (bool enabled : {false, true}) {
    engine::NodeConfig config;
    config.responder_policy.identity = EcdsaIds().responder;
    config.responder_policy.accept_ikev1 = enabled;
    DeterministicRng rng(3);
    engine::IkeNode node(std::move(config), rng);
    ScriptedInitiator i = Initiator(ExchangeType::kIdentityProtection, EcdsaIds(), kEcdsa256);
    const engine::Endpoint from = testing::InitiatorAt();
    const engine::Endpoint to = testing::ResponderAt();
    node.HandleDatagram(engine::Datagram{to, from, i.First()}, TimePoint{});
    std::vector<engine::Datagram> out = node.TakeOutgoing();
    if (!enabled) {
      EXPECT_TRUE(out.empty());
      EXPECT_EQ(node.ikev1_responder(), nullptr);
      EXPECT_EQ(node.counters().dropped_malformed, 1u);
      continue;
    }
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(i.TakeSecond(out[0].payload).ok());
    EXPECT_EQ(node.NextDeadline(),
              TimePoint{} + node.ikev1_responder()->config().half_open_timeout);
  }
}

}  // namespace
}  // namespace ikewot::ikev1
