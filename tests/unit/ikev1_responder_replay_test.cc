// Real initiators' IKEv1 messages replayed into the responder: strongSwan 5.9.8's MM1/MM3 (the
// strongswan/ikev1-main-cert and libreswan/ikev1-main-rsa captures, both with a strongSwan
// initiator) and AM1 (strongswan/ikev1-aggressive-cert). The responder uses the captured
// responder's own certificate and key, so its answers can be compared with what the real
// daemon sent: same suite, same payloads, well-formed by the codec's validation; AM2's SIG_R
// has the size of the negotiated method. MM3 is replayed with our CKY-R in its header (it is
// not encrypted; the KE value is the real initiator's).
#include <gtest/gtest.h>

#include "tests/unit/ikev1_phase1_test_support.h"
#include "tests/unit/ikev1_responder_test_support.h"

namespace ikewot::ikev1 {
namespace {

using testing::CapturedExchange;
using testing::IkeOf;
using testing::ResponderHarness;

ResponderConfig ConfigFrom(const CapturedExchange& c) {
  ResponderConfig config;
  config.policy.identity.key =
      std::make_shared<const crypto::PrivateKey>(c.PrivateKeyFile("responder-key.pem"));
  config.policy.identity.certificate_chain_der = {c.Cert("responder.der").ToDer()};
  return config;
}

std::vector<PayloadType> Types(const Message& m) {
  std::vector<PayloadType> out;
  for (const Payload& p : m.payloads) {
    if (p.type != PayloadType::kVendorId) out.push_back(p.type);
  }
  return out;
}

Message ParseValid(ByteView raw) {
  Result<Message> m = ParseMessage(raw);
  EXPECT_TRUE(m.ok()) << m.error().ToString();
  if (!m.ok()) return {};
  Status valid = ValidateMessage(*m);
  EXPECT_TRUE(valid.ok()) << valid.error().ToString();
  return *m;
}

const Transform& OnlyTransform(const Message& m) {
  const SaPayload* sa = testing::Find<SaPayload>(m.payloads);
  EXPECT_NE(sa, nullptr);
  EXPECT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms.size(), 1u);
  return sa->proposals[0].transforms[0];
}

void ReplayMainMode(const std::string& name) {
  SCOPED_TRACE(name);
  CapturedExchange c = CapturedExchange::Load(name);
  ResponderHarness h(ConfigFrom(c));
  // MM1 { SA, VID... } -->  <-- MM2 { SA, VID... }
  auto mm2 = h.Deliver(c.raw[0]);
  ASSERT_EQ(mm2.size(), 1u);
  Message ours = ParseValid(IkeOf(mm2[0]));
  Message theirs = c.Parsed(1);
  EXPECT_EQ(ours.header.initiator_cookie, theirs.header.initiator_cookie);
  EXPECT_EQ(Types(ours), Types(theirs));
  Result<Phase1Suite> our_suite = SuiteFromTransform(OnlyTransform(ours));
  Result<Phase1Suite> their_suite = SuiteFromTransform(OnlyTransform(theirs));
  ASSERT_TRUE(our_suite.ok());
  ASSERT_TRUE(their_suite.ok());
  EXPECT_EQ(*our_suite, *their_suite) << our_suite->ToString() << " vs " << their_suite->ToString();
  // MM3 { KE, Ni, NAT-D, NAT-D } --> (with our CKY-R)  <-- MM4 { KE, Nr, CR, NAT-D, NAT-D }
  Message mm3 = c.Parsed(2);
  mm3.header.responder_cookie = ours.header.responder_cookie;
  auto mm4 = h.Deliver(*SerializeMessage(mm3));
  ASSERT_EQ(mm4.size(), 1u);
  Message our_mm4 = ParseValid(IkeOf(mm4[0]));
  Message their_mm4 = c.Parsed(3);
  const KeyExchangePayload* ke = testing::Find<KeyExchangePayload>(our_mm4.payloads);
  const KeyExchangePayload* their_ke = testing::Find<KeyExchangePayload>(their_mm4.payloads);
  ASSERT_NE(ke, nullptr);
  ASSERT_NE(their_ke, nullptr);
  EXPECT_EQ(ke->data.size(), their_ke->data.size());
  size_t natd = 0;
  for (const Payload& p : our_mm4.payloads) natd += p.type == PayloadType::kNatDiscovery;
  EXPECT_EQ(natd, 2u);
  EXPECT_NE(testing::Find<CertificateRequestPayload>(our_mm4.payloads), nullptr);
  EXPECT_EQ(h.counters().dh_computations, 1u);
  EXPECT_EQ(h.responder->sa_count(), 1u);
  // The captured MM5 was encrypted under the real responder's keys: it cannot decrypt here and
  // must be dropped without any signature work.
  Message mm5 = c.Parsed(4);
  mm5.header.responder_cookie = ours.header.responder_cookie;
  EXPECT_TRUE(h.Deliver(*SerializeMessage(mm5)).empty());
  EXPECT_EQ(h.counters().signatures_verified, 0u);
}

TEST(Ikev1ResponderReplayTest, StrongSwanMainModeInitiator) {
  ReplayMainMode("strongswan/ikev1-main-cert");
}

TEST(Ikev1ResponderReplayTest, StrongSwanInitiatorOfTheLibreswanCapture) {
  ReplayMainMode("libreswan/ikev1-main-rsa");
}

TEST(Ikev1ResponderReplayTest, StrongSwanAggressiveModeInitiator) {
  CapturedExchange c = CapturedExchange::Load("strongswan/ikev1-aggressive-cert");
  ResponderHarness h(ConfigFrom(c));
  // AM1 { SA, KE, Ni, IDii, CR, VID... } -->
  //   <-- AM2 { SA, KE, Nr, IDir, CERT, SIG_R, VID..., NAT-D, NAT-D }
  auto am2 = h.Deliver(c.raw[0]);
  ASSERT_EQ(am2.size(), 1u);
  Message ours = ParseValid(IkeOf(am2[0]));
  Message theirs = c.Parsed(1);
  Result<Phase1Suite> suite = SuiteFromTransform(OnlyTransform(ours));
  ASSERT_TRUE(suite.ok());
  EXPECT_EQ(*suite, *SuiteFromTransform(OnlyTransform(theirs)));
  const CertificatePayload* cert = testing::Find<CertificatePayload>(ours.payloads);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(cert->data, c.Cert("responder.der").ToDer());
  const SignaturePayload* sig = testing::Find<SignaturePayload>(ours.payloads);
  const SignaturePayload* their_sig = testing::Find<SignaturePayload>(theirs.payloads);
  ASSERT_NE(sig, nullptr);
  ASSERT_NE(their_sig, nullptr);
  EXPECT_EQ(sig->data.size(), their_sig->data.size());  // ECDSA P-256: r | s, 64 octets
  const KeyExchangePayload* ke = testing::Find<KeyExchangePayload>(ours.payloads);
  ASSERT_NE(ke, nullptr);
  EXPECT_EQ(ke->data.size(), testing::Find<KeyExchangePayload>(theirs.payloads)->data.size());
  const IdentificationPayload* id = testing::Find<IdentificationPayload>(ours.payloads);
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->id_type, IdType::kDerAsn1Dn);
  EXPECT_EQ(id->data, c.Cert("responder.der").SubjectDer());
  size_t natd = 0;
  for (const Payload& p : ours.payloads) natd += p.type == PayloadType::kNatDiscovery;
  EXPECT_EQ(natd, 2u);
  EXPECT_EQ(h.counters().signatures_made, 1u);
  // The captured AM3 belongs to the real responder's keys: dropped, no SA established.
  Message am3 = c.Parsed(2);
  am3.header.responder_cookie = ours.header.responder_cookie;
  EXPECT_TRUE(h.Deliver(*SerializeMessage(am3)).empty());
  EXPECT_EQ(h.counters().established, 0u);
  EXPECT_EQ(h.counters().signatures_verified, 0u);
}

}  // namespace
}  // namespace ikewot::ikev1
