// The IKEv1 initiator under damaged, forged, fragmented and missing answers: every prefix and
// tampered copy of a real AM2 / MM6 is dropped silently (the probe keeps waiting and then takes
// the genuine answer), retransmissions resend the same bytes on the back-off schedule, and the
// give-up says what was missing.
#include <gtest/gtest.h>

#include "core/crypto/random.h"
#include "core/ikev1/describe_values.h"
#include "core/ikev1/initiator.h"
#include "tests/unit/ikev1_initiator_script.h"

namespace ikewot::ikev1 {
namespace {

using std::chrono::milliseconds;
using testing::kInitiatorEndpoint;
using testing::kResponderEndpoint;
using testing::ScriptedResponder;

const TimePoint kStart = TimePoint::FromUnixSeconds(1'790'000'000);

std::unique_ptr<Initiator> StartAggressive(Rng& rng, engine::RetransmitPolicy retransmit = {}) {
  InitiatorConfig c;
  c.local = kInitiatorEndpoint;
  c.remote = kResponderEndpoint;
  c.aggressive_group = 19;
  c.retransmit = retransmit;
  auto i = Initiator::Start(c, rng, kStart);
  EXPECT_TRUE(i.ok()) << i.error().ToString();
  return std::move(*i);
}

std::unique_ptr<Initiator> StartMain(Rng& rng, const ScriptedResponder& script,
                                     engine::RetransmitPolicy retransmit = {}) {
  InitiatorConfig c;
  c.mode = Phase1Mode::kMain;
  c.local = kInitiatorEndpoint;
  c.remote = kResponderEndpoint;
  c.retransmit = retransmit;
  c.identity.key = std::make_shared<const crypto::PrivateKey>(
      script.capture().PrivateKeyFile("initiator-key.pem"));
  c.identity.certificate_chain_der = {script.capture().Cert("initiator.der").ToDer()};
  auto i = Initiator::Start(c, rng, kStart);
  EXPECT_TRUE(i.ok()) << i.error().ToString();
  return std::move(*i);
}

engine::Datagram TakeOne(Initiator& i) {
  auto out = i.TakeOutgoing();
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? engine::Datagram{} : out.front();
}

uint64_t Drops(const InitiatorCounters& c) {
  return c.not_ours + c.malformed + c.unexpected + c.rejected + c.undecryptable + c.bad_signature;
}

TEST(Ikev1InitiatorAdversityTest, EveryPrefixOfAm2IsDroppedSilently) {
  DeterministicRng rng(11);
  ScriptedResponder responder("strongswan/ikev1-aggressive-cert");
  auto i = StartAggressive(rng);
  Bytes am2 = responder.AnswerAm1(TakeOne(*i));
  for (size_t n = 0; n < am2.size(); ++n) {
    i->HandleDatagram(responder.ToInitiator(Bytes(am2.begin(), am2.begin() + n)), kStart);
    ASSERT_FALSE(i->done()) << n;
    ASSERT_TRUE(i->TakeOutgoing().empty()) << n;
  }
  EXPECT_EQ(Drops(i->counters()), am2.size());
  EXPECT_EQ(i->counters().bad_signature, 0u) << "no prefix got as far as the signature";
  i->HandleDatagram(responder.ToInitiator(am2), kStart + milliseconds(5));
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kVerified);
}

// One flipped bit in every 3rd octet of what SIG_R covers (header, KE, Nr, IDir, SIG): each
// copy is dropped (cookie, parse, proposal, KE or signature) and none ends the probe; the genuine
// AM2 afterwards still completes it. IKEv1 signs neither the CERT payload nor VIDs, NAT-D, CR or
// the responder's SA (HASH_R covers the initiator's SAi_b; a changed life type still matches):
// a certificate altered around the same key would still verify -- which is why the user compares
// the certificate's fingerprint, not just "verified".
TEST(Ikev1InitiatorAdversityTest, TamperedAm2NeverEndsTheProbe) {
  DeterministicRng rng(12);
  ScriptedResponder responder("strongswan/ikev1-aggressive-cert");
  auto i = StartAggressive(rng);
  Bytes am2 = responder.AnswerAm1(TakeOne(*i));
  Message parsed = *ParseMessage(am2);
  std::vector<PayloadSpan> spans = PayloadSpans(parsed);
  auto unsigned_octet = [&](size_t at) {
    for (size_t k = 0; k < spans.size(); ++k) {
      PayloadType t = parsed.payloads[k].type;
      bool covered = t == PayloadType::kKeyExchange || t == PayloadType::kNonce ||
                     t == PayloadType::kIdentification || t == PayloadType::kSignature;
      if (!covered && at >= spans[k].offset && at < spans[k].offset + spans[k].length) return true;
    }
    return false;
  };
  size_t tampered = 0;
  for (size_t at = 0; at < am2.size(); at += 3) {
    if (unsigned_octet(at)) continue;
    Bytes copy = am2;
    copy[at] ^= 0x04;
    i->HandleDatagram(responder.ToInitiator(copy), kStart);
    ASSERT_FALSE(i->done()) << "tampered octet " << at << " ended the probe";
    ++tampered;
  }
  EXPECT_GT(i->counters().bad_signature, 0u);
  EXPECT_GT(i->counters().not_ours, 0u);
  EXPECT_GT(i->counters().malformed + i->counters().rejected, 0u);
  i->HandleDatagram(responder.ToInitiator(am2), kStart);
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kVerified);
  EXPECT_GT(tampered, 50u);
}

TEST(Ikev1InitiatorAdversityTest, DamagedMm6IsDroppedAndTheGenuineOneCompletes) {
  DeterministicRng rng(13);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  auto i = StartMain(rng, responder);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm1(TakeOne(*i))), kStart);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm3(TakeOne(*i))), kStart);
  Bytes mm6 = responder.AnswerMm5(TakeOne(*i));
  for (size_t n = 0; n < mm6.size(); n += 3) {
    i->HandleDatagram(responder.ToInitiator(Bytes(mm6.begin(), mm6.begin() + n)), kStart);
    ASSERT_FALSE(i->done()) << "prefix " << n;
  }
  // Ciphertext octet p garbles plaintext block p/16 and flips one bit of the next; skip the
  // blocks of the (unsigned) CERT payload, as above.
  const std::vector<Payload>& inner = responder.last_mm6();
  size_t cert_from = 0, cert_to = 0, offset = 0;
  for (const Payload& p : inner) {
    size_t length = kGenericHeaderSize + PayloadBodyOctets(p)->size();
    if (p.As<CertificatePayload>()) cert_from = offset, cert_to = offset + length;
    offset += length;
  }
  auto touches_cert = [&](size_t at) {
    size_t block = (at - kHeaderSize) / kPhase1BlockSize;
    size_t from = block * kPhase1BlockSize, to = from + 2 * kPhase1BlockSize;
    return from < cert_to && cert_from < to;
  };
  for (size_t at = kHeaderSize; at < mm6.size(); at += 5) {
    if (touches_cert(at)) continue;
    Bytes copy = mm6;
    copy[at] ^= 0x80;
    i->HandleDatagram(responder.ToInitiator(copy), kStart);
    ASSERT_FALSE(i->done()) << "tampered ciphertext octet " << at;
  }
  EXPECT_GT(i->counters().undecryptable + i->counters().bad_signature, 20u)
      << i->counters().undecryptable << " " << i->counters().bad_signature << " "
      << i->counters().malformed << " " << i->counters().rejected;
  EXPECT_TRUE(i->TakeOutgoing().empty());
  i->HandleDatagram(responder.ToInitiator(mm6), kStart);
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kVerified);
}

TEST(Ikev1InitiatorAdversityTest, RetransmitsTheSameBytesThenGivesUp) {
  DeterministicRng rng(14);
  engine::RetransmitPolicy policy;
  policy.initial_timeout = milliseconds(500);
  policy.max_tries = 3;
  auto i = StartAggressive(rng, policy);
  engine::Datagram am1 = TakeOne(*i);
  EXPECT_EQ(i->NextDeadline(), kStart + milliseconds(500));
  i->HandleTimeout(kStart + milliseconds(499));
  EXPECT_TRUE(i->TakeOutgoing().empty());
  i->HandleTimeout(kStart + milliseconds(500));
  EXPECT_EQ(TakeOne(*i).payload, am1.payload);
  EXPECT_EQ(i->NextDeadline(), kStart + milliseconds(1500));
  i->HandleTimeout(kStart + milliseconds(1500));
  EXPECT_EQ(TakeOne(*i).payload, am1.payload);
  i->HandleTimeout(kStart + milliseconds(3500));
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->NextDeadline(), kNever);
  EXPECT_EQ(i->result().stop, engine::ProbeStop::kTimeout);
  EXPECT_EQ(i->result().retransmissions, 2u);
  EXPECT_EQ(i->result().detail, "no IKEv1 answer to AM1 after 3 tries");
  // Late answers change nothing.
  i->HandleDatagram(engine::Datagram{kInitiatorEndpoint, kResponderEndpoint, am1.payload},
                    kStart + milliseconds(4000));
  EXPECT_EQ(i->result().stop, engine::ProbeStop::kTimeout);
}

// Silence after MM5 (a responder that drops initiators it does not know).
TEST(Ikev1InitiatorAdversityTest, SilenceAfterMm5MeansTheResponderWantsToKnowUs) {
  DeterministicRng rng(15);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  engine::RetransmitPolicy policy;
  policy.max_tries = 2;
  auto i = StartMain(rng, responder, policy);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm1(TakeOne(*i))), kStart);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm3(TakeOne(*i))), kStart);
  engine::Datagram mm5 = TakeOne(*i);
  i->HandleTimeout(kStart + milliseconds(500));
  EXPECT_EQ(TakeOne(*i).payload, mm5.payload) << "MM5 is resent byte for byte";
  i->HandleTimeout(kStart + milliseconds(1500));
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().stop, engine::ProbeStop::kAuthenticationFailed);
  EXPECT_EQ(i->result().detail.rfind(kRequiresInitiatorAuth, 0), 0u) << i->result().detail;
}

// A signature that does not verify is not believed at once (it may be forged); when nothing
// better comes it is reported with the certificate and auth "invalid".
TEST(Ikev1InitiatorAdversityTest, OnlyABadSignatureIsReportedAsInvalidAtTheEnd) {
  DeterministicRng rng(16);
  ScriptedResponder responder("strongswan/ikev1-aggressive-cert");
  engine::RetransmitPolicy policy;
  policy.max_tries = 1;
  auto i = StartAggressive(rng, policy);
  Bytes am2 = responder.AnswerAm1(TakeOne(*i));
  am2[am2.size() - 10] ^= 0x01;  // inside SIG_R, the last payload
  i->HandleDatagram(responder.ToInitiator(am2), kStart + milliseconds(10));
  EXPECT_FALSE(i->done());
  EXPECT_EQ(i->counters().bad_signature, 1u);
  i->HandleTimeout(kStart + milliseconds(500));
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kInvalid);
  EXPECT_EQ(i->result().certificates.size(), 1u);
}

// AM2 in three fragments (payload 132), out of order and with a duplicate.
TEST(Ikev1InitiatorAdversityTest, FragmentedAm2IsReassembled) {
  DeterministicRng rng(17);
  ScriptedResponder responder("strongswan/ikev1-aggressive-cert");
  auto i = StartAggressive(rng);
  Bytes am2 = responder.AnswerAm1(TakeOne(*i));
  Message head = *ParseMessage(am2);
  const size_t third = am2.size() / 3 + 1;
  std::vector<Bytes> fragments;
  for (uint8_t n = 1; n <= 3; ++n) {
    Message f;
    f.header = head.header;
    size_t from = (n - 1) * third, to = std::min(am2.size(), n * third);
    FragmentPayload payload{7, n, static_cast<uint8_t>(n == 3 ? kFragmentFlagLast : 0),
                            Bytes(am2.begin() + from, am2.begin() + to)};
    f.payloads.push_back(MakePayload(payload));
    fragments.push_back(*SerializeMessage(f));
  }
  i->HandleDatagram(responder.ToInitiator(fragments[2]), kStart);
  i->HandleDatagram(responder.ToInitiator(fragments[0]), kStart);
  i->HandleDatagram(responder.ToInitiator(fragments[0]), kStart);
  EXPECT_FALSE(i->done());
  i->HandleDatagram(responder.ToInitiator(fragments[1]), kStart);
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kVerified);
  EXPECT_TRUE(i->result().fragmentation_supported);
  EXPECT_EQ(i->counters().fragments, 4u);
}

// libreswan pads unencrypted messages to 4 octets inside the header length (interop finding):
// up to 3 zero octets after the last payload are taken off; other trailing octets are refused.
TEST(Ikev1InitiatorAdversityTest, LibreswanFourOctetPaddingOfMm4IsAccepted) {
  DeterministicRng rng(18);
  ScriptedResponder responder("strongswan/ikev1-main-cert");
  auto i = StartMain(rng, responder);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm1(TakeOne(*i))), kStart);
  Bytes mm4 = responder.AnswerMm3(TakeOne(*i));
  auto padded = [&](Bytes tail) {
    Bytes m = mm4;
    m.insert(m.end(), tail.begin(), tail.end());
    for (int k = 0; k < 4; ++k) m[24 + k] = static_cast<uint8_t>(m.size() >> (24 - 8 * k));
    return m;
  };
  i->HandleDatagram(responder.ToInitiator(padded({0, 0, 0, 0})), kStart);
  i->HandleDatagram(responder.ToInitiator(padded({0, 1})), kStart);
  EXPECT_TRUE(i->TakeOutgoing().empty());
  EXPECT_EQ(i->counters().malformed, 2u);
  i->HandleDatagram(responder.ToInitiator(padded({0, 0, 0})), kStart);
  engine::Datagram mm5 = TakeOne(*i);
  i->HandleDatagram(responder.ToInitiator(responder.AnswerMm5(mm5)), kStart);
  ASSERT_TRUE(i->done());
  EXPECT_EQ(i->result().auth, engine::ResponderAuth::kVerified);
}

TEST(Ikev1InitiatorAdversityTest, FragmentAssemblyBounds) {
  FragmentAssembly a;
  EXPECT_EQ(a.Add(FragmentPayload{1, 0, 0, {1}}).code(), ErrorCode::kBadValue);
  EXPECT_EQ(a.Add(FragmentPayload{1, 33, 0, {1}}).code(), ErrorCode::kBadValue);
  ASSERT_TRUE(a.Add(FragmentPayload{1, 2, kFragmentFlagLast, {2}}).ok());
  EXPECT_EQ(a.Add(FragmentPayload{1, 3, 0, {3}}).code(), ErrorCode::kBadValue);
  EXPECT_EQ(a.Add(FragmentPayload{1, 3, kFragmentFlagLast, {3}}).code(), ErrorCode::kBadValue);
  auto done = a.Add(FragmentPayload{1, 1, 0, {1}});
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ(**done, (Bytes{1, 2}));
  EXPECT_EQ(a.pending(), 0u);
  Bytes big(FragmentAssembly::kMaxReassembled, 0);
  ASSERT_TRUE(a.Add(FragmentPayload{2, 1, 0, big}).ok());
  EXPECT_EQ(a.Add(FragmentPayload{2, 2, kFragmentFlagLast, {1}}).code(), ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace ikewot::ikev1
