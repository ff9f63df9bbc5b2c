// The IKEv1 initiator driven message by message against a scripted responder whose answers are
// the captured strongSwan AM2 / MM2 / MM4 / MM6 (real SA, IDr, certificate, vendor IDs),
// re-keyed for this exchange and signed with the captured responder's key.
#include <gtest/gtest.h>

#include "core/crypto/random.h"
#include "core/ikev1/initiator.h"
#include "tests/unit/ikev1_initiator_script.h"

namespace ikewot::ikev1 {
namespace {

using testing::kInitiatorEndpoint;
using testing::kResponderEndpoint;
using testing::ScriptedResponder;

const TimePoint kStart = TimePoint::FromUnixSeconds(1'790'000'000);

InitiatorConfig AggressiveConfig() {
  InitiatorConfig c;
  c.mode = Phase1Mode::kAggressive;
  c.local = kInitiatorEndpoint;
  c.remote = kResponderEndpoint;
  c.aggressive_group = 19;  // the captured responder's group
  return c;
}

InitiatorConfig MainConfig(const ScriptedResponder& script) {
  InitiatorConfig c;
  c.mode = Phase1Mode::kMain;
  c.local = kInitiatorEndpoint;
  c.remote = kResponderEndpoint;
  // The captured initiator's RSA identity, so the captured RSA transform is one we offer.
  auto key = script.capture().PrivateKeyFile("initiator-key.pem");
  c.identity.key = std::make_shared<const crypto::PrivateKey>(std::move(key));
  c.identity.certificate_chain_der = {script.capture().Cert("initiator.der").ToDer()};
  return c;
}

engine::Datagram TakeOne(Initiator& initiator) {
  auto out = initiator.TakeOutgoing();
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? engine::Datagram{} : out.front();
}

std::vector<PayloadType> Types(const std::vector<Payload>& payloads) {
  std::vector<PayloadType> t;
  for (const Payload& p : payloads) t.push_back(p.type);
  return t;
}

TEST(Ikev1InitiatorExchangeTest, AggressiveModeFetchesAndVerifiesTheCertificate) {
  DeterministicRng rng(1);
  ScriptedResponder responder("strongswan/ikev1-aggressive-cert");
  auto initiator = Initiator::Start(AggressiveConfig(), rng, kStart);
  ASSERT_TRUE(initiator.ok()) << initiator.error().ToString();
  Initiator& i = **initiator;

  // AM1 { SA, KE, Ni, IDii, CR, VID x4 } -->
  engine::Datagram am1 = TakeOne(i);
  EXPECT_EQ(am1.remote, kResponderEndpoint);
  auto parsed = ParseMessage(am1.payload);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.exchange_type, ExchangeType::kAggressive);
  EXPECT_EQ(
      Types(parsed->payloads),
      (std::vector<PayloadType>{
          PayloadType::kSecurityAssociation, PayloadType::kKeyExchange, PayloadType::kNonce,
          PayloadType::kIdentification, PayloadType::kCertificateRequest, PayloadType::kVendorId,
          PayloadType::kVendorId, PayloadType::kVendorId, PayloadType::kVendorId}));
  EXPECT_EQ(i.NextDeadline(), kStart + std::chrono::milliseconds(500));

  // <-- AM2 { SA, KE, Nr, IDir, CERT, CR, VID x3, NAT-D x2, SIG_R }
  Bytes am2 = responder.AnswerAm1(am1);
  i.HandleDatagram(responder.ToInitiator(am2), kStart + std::chrono::milliseconds(20));
  ASSERT_TRUE(i.done());
  EXPECT_TRUE(i.TakeOutgoing().empty()) << "no AM3";
  const engine::ProbeResult& r = i.result();
  EXPECT_EQ(r.stop, engine::ProbeStop::kCompleted) << r.detail;
  EXPECT_EQ(r.auth, engine::ResponderAuth::kVerified);
  EXPECT_EQ(r.auth_method, "ECDSA_256");
  ASSERT_EQ(r.certificates.size(), 1u);
  EXPECT_EQ(r.certificates[0].der, responder.capture().Cert("responder.der").ToDer());
  EXPECT_EQ(r.idr_type, "ID_FQDN");
  EXPECT_EQ(r.idr, "responder.ikewot.test");
  EXPECT_EQ(r.behaviour.chosen_proposal, "AES_CBC_128/HMAC_SHA2_256/ECP_256/ECDSA_256");
  ASSERT_EQ(r.vendor_ids.size(), 3u);
  EXPECT_EQ(r.vendor_ids[0].name, "XAUTH");
  EXPECT_EQ(r.vendor_ids[2].name, "RFC 3947 NAT-T");
  EXPECT_TRUE(r.nat.notifies_present);
  EXPECT_FALSE(r.nat.detected());
  EXPECT_EQ(r.round_trips, 1u);
  EXPECT_EQ(r.latency, std::chrono::milliseconds(20));
  EXPECT_EQ(r.ike_version, 1);
  EXPECT_EQ(r.ike_mode, "aggressive");
  EXPECT_EQ(r.ToJson().Find("mode")->string() ? *r.ToJson().Find("mode")->string() : "",
            "aggressive");
  auto events = i.TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, engine::EventKind::kProbeCompleted);
  EXPECT_EQ(events[0].peer_certificate_der, r.certificates[0].der);
}

TEST(Ikev1InitiatorExchangeTest, MainModeSignsMm5AndVerifiesMm6) {
  DeterministicRng rng(2);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  auto initiator = Initiator::Start(MainConfig(responder), rng, kStart);
  ASSERT_TRUE(initiator.ok()) << initiator.error().ToString();
  Initiator& i = **initiator;
  TimePoint t = kStart;
  auto step = [&](Bytes answer) {
    t = t + std::chrono::milliseconds(10);
    i.HandleDatagram(responder.ToInitiator(std::move(answer)), t);
  };
  // MM1 { SA, VID x4 } -->            <-- MM2 { SA, VID x3 }
  engine::Datagram mm1 = TakeOne(i);
  step(responder.AnswerMm1(mm1));
  // MM3 { KE, Ni, NAT-D x2 } -->      <-- MM4 { KE, Nr, CR, NAT-D x2 }
  engine::Datagram mm3 = TakeOne(i);
  EXPECT_EQ(Types(ParseMessage(mm3.payload)->payloads),
            (std::vector<PayloadType>{PayloadType::kKeyExchange, PayloadType::kNonce,
                                      PayloadType::kNatDiscovery, PayloadType::kNatDiscovery}));
  step(responder.AnswerMm3(mm3));
  // MM5* { IDii, CERT, SIG_I, CR } --> (no NAT: still port 500)
  engine::Datagram mm5 = TakeOne(i);
  EXPECT_EQ(mm5.remote.port, 500);
  Bytes mm6 = responder.AnswerMm5(mm5);
  EXPECT_TRUE(responder.sig_i_verified()) << "the responder could not verify our SIG_I";
  EXPECT_EQ(Types(responder.mm5_payloads()),
            (std::vector<PayloadType>{PayloadType::kIdentification, PayloadType::kCertificate,
                                      PayloadType::kSignature, PayloadType::kCertificateRequest}));
  EXPECT_FALSE(i.done());
  // <-- MM6* { IDir, CERT, SIG_R }
  step(mm6);
  ASSERT_TRUE(i.done());
  const engine::ProbeResult& r = i.result();
  EXPECT_EQ(r.stop, engine::ProbeStop::kCompleted) << r.detail;
  EXPECT_EQ(r.auth, engine::ResponderAuth::kVerified);
  EXPECT_EQ(r.auth_method, "RSA_SIG");
  EXPECT_EQ(r.behaviour.chosen_proposal, "AES_CBC_256/HMAC_SHA2_256/MODP_2048/RSA_SIG");
  ASSERT_EQ(r.certificates.size(), 1u);
  EXPECT_EQ(r.certificates[0].der, responder.capture().Cert("responder.der").ToDer());
  EXPECT_EQ(r.round_trips, 3u);
  EXPECT_EQ(r.ike_mode, "main");
  EXPECT_EQ(r.retransmissions, 0u);
  EXPECT_TRUE(i.TakeOutgoing().empty());
}

TEST(Ikev1InitiatorExchangeTest, MainModeWithoutIdentityMakesAnEphemeralOne) {
  DeterministicRng rng(3);
  InitiatorConfig c;
  c.mode = Phase1Mode::kMain;
  c.local = kInitiatorEndpoint;
  c.remote = kResponderEndpoint;
  c.ephemeral_key_type = crypto::KeyType::kEcdsaP256;
  auto initiator = Initiator::Start(c, rng, kStart);
  ASSERT_TRUE(initiator.ok()) << initiator.error().ToString();
  auto mm1 = ParseMessage(TakeOne(**initiator).payload);
  const auto* sa = mm1->payloads[0].As<SaPayload>();
  for (const Transform& t : sa->proposals[0].transforms) {
    EXPECT_EQ(SuiteFromTransform(t)->auth, AuthenticationMethod::kEcdsaSha256P256);
  }
  c.ephemeral_key_type = crypto::KeyType::kEd25519;
  EXPECT_EQ(Initiator::Start(c, rng, kStart).code(), ErrorCode::kUnsupported);
}

// Behind a NAT (the responder saw us elsewhere) MM5 floats to port 4500 with the non-ESP marker.
TEST(Ikev1InitiatorExchangeTest, NatDetectedFloatsMm5ToPort4500) {
  DeterministicRng rng(4);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  responder.SeeInitiatorAs(engine::Endpoint::V4(198, 51, 100, 7, 31337));
  InitiatorConfig c = MainConfig(responder);
  c.local_natt = engine::Endpoint::V4(192, 0, 2, 1, 4500);
  auto initiator = Initiator::Start(c, rng, kStart);
  ASSERT_TRUE(initiator.ok());
  Initiator& i = **initiator;
  i.HandleDatagram(responder.ToInitiator(responder.AnswerMm1(TakeOne(i))), kStart);
  i.HandleDatagram(responder.ToInitiator(responder.AnswerMm3(TakeOne(i))), kStart);
  engine::Datagram mm5 = TakeOne(i);
  EXPECT_EQ(mm5.remote.port, 4500);
  EXPECT_EQ(mm5.local.port, 4500);
  ASSERT_GT(mm5.payload.size(), 4u);
  EXPECT_EQ(Bytes(mm5.payload.begin(), mm5.payload.begin() + 4), Bytes(4, 0));
  EXPECT_TRUE(i.result().nat.local_behind_nat);
  i.HandleDatagram(responder.ToInitiator(responder.AnswerMm5(mm5), 4500, 4500), kStart);
  ASSERT_TRUE(i.done());
  EXPECT_EQ(i.result().auth, engine::ResponderAuth::kVerified);
  EXPECT_TRUE(i.result().nat.detected());
}

TEST(Ikev1InitiatorExchangeTest, Mm5AnsweredWithANotifySaysTheResponderWantsToKnowUs) {
  for (bool encrypted : {false, true}) {
    SCOPED_TRACE(encrypted ? "encrypted notify" : "clear notify");
    DeterministicRng rng(5);
    ScriptedResponder responder("strongswan/ikev1-main-cert");
    auto initiator = Initiator::Start(MainConfig(responder), rng, kStart);
    Initiator& i = **initiator;
    i.HandleDatagram(responder.ToInitiator(responder.AnswerMm1(TakeOne(i))), kStart);
    i.HandleDatagram(responder.ToInitiator(responder.AnswerMm3(TakeOne(i))), kStart);
    engine::Datagram mm5 = TakeOne(i);
    responder.OpenMm5(mm5);
    Bytes notify = encrypted ? responder.EncryptedNotify(NotifyType::kAuthenticationFailed, 77)
                             : responder.ClearNotify(NotifyType::kInvalidIdInformation, true);
    i.HandleDatagram(responder.ToInitiator(notify), kStart);
    ASSERT_TRUE(i.done());
    EXPECT_EQ(i.result().stop, engine::ProbeStop::kAuthenticationFailed);
    EXPECT_EQ(i.result().detail.rfind(kRequiresInitiatorAuth, 0), 0u) << i.result().detail;
  }
}

TEST(Ikev1InitiatorExchangeTest, NoProposalChosenEndsTheProbe) {
  DeterministicRng rng(6);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  auto initiator = Initiator::Start(MainConfig(responder), rng, kStart);
  Initiator& i = **initiator;
  (void)responder.AnswerMm1(TakeOne(i));
  i.HandleDatagram(
      responder.ToInitiator(responder.ClearNotify(NotifyType::kNoProposalChosen, false)), kStart);
  ASSERT_TRUE(i.done());
  EXPECT_EQ(i.result().stop, engine::ProbeStop::kNoProposalChosen);
}

}  // namespace
}  // namespace ikewot::ikev1
