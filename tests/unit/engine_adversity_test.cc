// Exchange tests where the test itself is the network: every datagram is taken from one node and
// handed to the other by hand, so reordering, duplication, staleness, NAT rebinding and forged
// or tampered protected messages happen exactly where the test says. Protected messages the
// real initiator would never send are built with its own keys (IkeSa::keys()), so they pass the
// integrity check and test the exchange logic behind it.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/engine/protection.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids
using crypto::KeyType;
using ikev2::ExchangeType;
using ikev2::NotifyType;
using ikev2::PayloadType;

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);
const Endpoint kResponderAt = Endpoint::V4(198, 51, 100, 20, 500);

size_t CountKind(const std::vector<Event>& events, EventKind kind) {
  return static_cast<size_t>(
      std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; }));
}

// Two nodes and a hand-operated wire.
class Manual {
 public:
  explicit Manual(KeyType key = KeyType::kEcdsaP256, size_t fragment_budget = 1232)
      : ids_(50), rng_i_(51), rng_r_(52) {
    NodeConfig config;
    config.responder_policy = testing::BasicPolicy();
    config.responder_policy.identity = testing::MakeIdentity(key, "responder", ids_, now);
    config.responder_policy.fragment_budget = fragment_budget;
    policy = testing::BasicPolicy();
    policy.identity = testing::MakeIdentity(key, "initiator", ids_, now);
    policy.fragment_budget = fragment_budget;
    initiator = std::make_unique<IkeNode>(NodeConfig{}, rng_i_);
    responder = std::make_unique<IkeNode>(std::move(config), rng_r_);
  }

  SaHandle Connect() {
    Result<SaHandle> h = initiator->Connect(kInitiatorAt, kResponderAt, policy, now);
    EXPECT_TRUE(h.ok()) << h.error().ToString();
    return h.ok() ? *h : 0;
  }
  // What each side sent since the last call.
  std::vector<Datagram> FromInitiator() { return initiator->TakeOutgoing(); }
  std::vector<Datagram> FromResponder() { return responder->TakeOutgoing(); }
  // Delivery. With `nat_public` set the initiator sits behind a NAT: its datagrams leave from
  // nat_public with nat_port (sent from 500) or nat_port_4500 (sent from 4500), and answers to
  // those ports are mapped back to the inside address.
  void ToResponder(const Datagram& sent) {
    Endpoint source = sent.local;
    if (nat_public) {
      source = Endpoint{nat_public->address,
                        sent.local.port == kNatTraversalPort ? nat_port_4500 : nat_port};
    }
    responder->HandleDatagram(Datagram{sent.remote, source, sent.payload}, now);
    Collect();
  }
  void ToInitiator(const Datagram& sent) {
    Datagram received{sent.remote, sent.local, sent.payload};
    if (nat_public) {
      received.local = Endpoint{kInitiatorAt.address,
                                sent.remote.port == nat_port ? kIkePort : kNatTraversalPort};
    }
    initiator->HandleDatagram(received, now);
    Collect();
  }
  void Collect() {
    for (Event& e : initiator->TakeEvents()) initiator_events.push_back(std::move(e));
    for (Event& e : responder->TakeEvents()) responder_events.push_back(std::move(e));
  }
  // Runs IKE_SA_INIT in order and returns the initiator's IKE_AUTH request datagrams (held).
  std::vector<Datagram> RunInit() {
    Connect();
    for (const Datagram& d : FromInitiator()) ToResponder(d);
    for (const Datagram& d : FromResponder()) ToInitiator(d);
    return FromInitiator();
  }
  const IkeSa& InitiatorSa() const { return *initiator->Find(1); }

  // An SK-protected message from the initiator with its real keys: `inner` as given.
  Bytes ForgeFromInitiator(ExchangeType exchange, uint32_t message_id,
                           const std::vector<ikev2::Payload>& inner) {
    const IkeSa& sa = InitiatorSa();
    Result<crypto::SkCipher> cipher =
        crypto::SkCipher::Create(sa.suite()->encr.id, sa.suite()->encr.key_bits, sa.suite()->integ,
                                 sa.keys().sk_ei, sa.keys().sk_ai);
    EXPECT_TRUE(cipher.ok());
    ikev2::Header h;
    h.spi_i = sa.spi_i();
    h.spi_r = sa.spi_r();
    h.exchange_type = exchange;
    h.initiator = true;
    h.message_id = message_id;
    Result<std::vector<Bytes>> sealed = ProtectMessage(h, inner, *cipher, forge_rng_, std::nullopt);
    EXPECT_TRUE(sealed.ok()) << sealed.error().ToString();
    return sealed.ok() ? sealed->front() : Bytes{};
  }
  // The inner payloads of a protected message the responder sent (decrypted with SK_er/SK_ar).
  std::vector<ikev2::Payload> OpenFromResponder(const Datagram& d) {
    const IkeSa& sa = InitiatorSa();
    Result<crypto::SkCipher> cipher =
        crypto::SkCipher::Create(sa.suite()->encr.id, sa.suite()->encr.key_bits, sa.suite()->integ,
                                 sa.keys().sk_er, sa.keys().sk_ar);
    EXPECT_TRUE(cipher.ok());
    Result<ikev2::Message> m = ikev2::ParseMessage(d.payload);
    EXPECT_TRUE(m.ok());
    Result<std::vector<ikev2::Payload>> inner = UnprotectSk(d.payload, *m, *cipher);
    EXPECT_TRUE(inner.ok()) << inner.error().ToString();
    return inner.ok() ? *inner : std::vector<ikev2::Payload>{};
  }

  TimePoint now = TimePoint::FromUnixSeconds(1700000000);
  Policy policy;
  std::unique_ptr<IkeNode> initiator;
  std::unique_ptr<IkeNode> responder;
  std::vector<Event> initiator_events;
  std::vector<Event> responder_events;
  std::optional<Endpoint> nat_public;  // set: the initiator sits behind a NAT
  uint16_t nat_port = 40000;
  uint16_t nat_port_4500 = 40001;

 private:
  DeterministicRng ids_;
  DeterministicRng rng_i_;
  DeterministicRng rng_r_;
  DeterministicRng forge_rng_{53};
};

bool IsFragment(const Datagram& d) {
  Result<ikev2::Message> m = ikev2::ParseMessage(d.payload);
  return m.ok() && m->header.next_payload == PayloadType::kEncryptedFragment;
}

TEST(EngineAdversityTest, FragmentsReassembleReversedShuffledAndDuplicated) {
  Manual s(KeyType::kRsa3072, 576);  // RSA-3072 certificates: IKE_AUTH far over 576 octets
  std::vector<Datagram> auth = s.RunInit();
  // IKE_AUTH { SKF(1/n) } ... { SKF(n/n) } -->   delivered n..1, with fragment 2 twice
  ASSERT_GE(auth.size(), 3u);
  for (const Datagram& d : auth) {
    EXPECT_TRUE(IsFragment(d));
    EXPECT_LE(d.payload.size(), 576u);
  }
  std::reverse(auth.begin(), auth.end());
  const Datagram second = auth[auth.size() - 2];
  auth.insert(auth.begin() + 1, second);
  for (const Datagram& d : auth) s.ToResponder(d);
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kIkeSaEstablished), 1u);
  // <-- IKE_AUTH { SKF(1/m) } ... { SKF(m/m) }   delivered last first, then the rest in order
  std::vector<Datagram> answer = s.FromResponder();
  ASSERT_GE(answer.size(), 3u);
  for (const Datagram& d : answer) EXPECT_TRUE(IsFragment(d));
  std::rotate(answer.begin(), answer.end() - 1, answer.end());
  for (const Datagram& d : answer) s.ToInitiator(d);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kIkeSaEstablished), 1u);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kChildSaEstablished), 1u);
  EXPECT_EQ(s.responder->counters().dropped_malformed, 0u);
  EXPECT_EQ(s.responder->counters().dropped_integrity, 0u);
}

TEST(EngineAdversityTest, DuplicatedAndStaleMessagesChangeNothing) {
  Manual s;
  s.Connect();
  std::vector<Datagram> init = s.FromInitiator();
  // IKE_SA_INIT -->  twice: the second copy is answered from the cache, no second SA.
  s.ToResponder(init[0]);
  s.ToResponder(init[0]);
  std::vector<Datagram> init_answers = s.FromResponder();
  ASSERT_EQ(init_answers.size(), 2u);
  EXPECT_EQ(init_answers[0].payload, init_answers[1].payload);
  EXPECT_EQ(s.responder->sa_count(), 1u);
  EXPECT_EQ(s.responder->counters().responses_resent, 1u);
  // <-- IKE_SA_INIT twice: the stale copy after the first is ignored (no second IKE_AUTH).
  s.ToInitiator(init_answers[0]);
  s.ToInitiator(init_answers[1]);
  std::vector<Datagram> auth = s.FromInitiator();
  ASSERT_EQ(auth.size(), 1u);
  EXPECT_EQ(s.initiator->counters().dropped_unexpected, 1u);
  // IKE_AUTH --> twice: one establishment, the duplicate answered from the cache.
  s.ToResponder(auth[0]);
  s.ToResponder(auth[0]);
  std::vector<Datagram> auth_answers = s.FromResponder();
  ASSERT_EQ(auth_answers.size(), 2u);
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kIkeSaEstablished), 1u);
  EXPECT_EQ(s.responder->counters().responses_resent, 2u);
  // <-- IKE_AUTH twice, and the old IKE_SA_INIT answer once more, after establishment.
  s.ToInitiator(auth_answers[0]);
  s.ToInitiator(auth_answers[1]);
  s.ToInitiator(init_answers[0]);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kIkeSaEstablished), 1u);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kFailed), 0u);
  EXPECT_EQ(s.initiator->counters().dropped_unexpected, 3u);
  EXPECT_TRUE(s.FromInitiator().empty());
}

TEST(EngineAdversityTest, TamperedResponseIsDroppedAndTheRetransmissionRecovers) {
  Manual s;
  std::vector<Datagram> auth = s.RunInit();
  s.ToResponder(auth[0]);
  std::vector<Datagram> answer = s.FromResponder();
  ASSERT_EQ(answer.size(), 1u);
  // <-- IKE_AUTH with one ciphertext bit flipped: dropped silently, counted, nothing sent.
  Datagram tampered = answer[0];
  tampered.payload[tampered.payload.size() - 30] ^= 0x04;
  s.ToInitiator(tampered);
  EXPECT_EQ(s.initiator->counters().dropped_integrity, 1u);
  EXPECT_TRUE(s.FromInitiator().empty());
  EXPECT_TRUE(s.initiator_events.empty());
  // The initiator's timer resends IKE_AUTH; the responder answers from its cache.
  s.now = s.initiator->NextDeadline();
  s.initiator->HandleTimeout(s.now);
  std::vector<Datagram> resent = s.FromInitiator();
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].payload, auth[0].payload);
  s.ToResponder(resent[0]);
  for (const Datagram& d : s.FromResponder()) s.ToInitiator(d);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kIkeSaEstablished), 1u);
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kIkeSaEstablished), 1u);
}

TEST(EngineAdversityTest, UnknownCriticalPayloadInsideIkeAuthIsRefused) {
  Manual s;
  (void)s.RunInit();  // the genuine IKE_AUTH is held back
  // IKE_AUTH { IDi, <type 200, critical> } -->   (valid ICV)
  ikev2::Payload odd =
      ikev2::MakePayload(static_cast<PayloadType>(200), ikev2::UnknownPayload{Bytes{1, 2, 3, 4}});
  odd.critical = true;
  const Bytes forged = s.ForgeFromInitiator(
      ExchangeType::kIkeAuth, 1,
      {ikev2::MakePayload(PayloadType::kIdInitiator,
                          ikev2::IdPayload{ikev2::IdType::kFqdn, Bytes{'x', '.', 'e', 'x'}, 0}),
       odd});
  s.ToResponder(Datagram{kInitiatorAt, kResponderAt, forged});
  // <-- IKE_AUTH { N(UNSUPPORTED_CRITICAL_PAYLOAD(200)) }
  EXPECT_EQ(s.responder->counters().dropped_critical, 1u);
  std::vector<Datagram> answer = s.FromResponder();
  ASSERT_EQ(answer.size(), 1u);
  std::vector<ikev2::Payload> inner = s.OpenFromResponder(answer[0]);
  const ikev2::NotifyPayload* n = ikev2::FindNotify(inner, NotifyType::kUnsupportedCriticalPayload);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, Bytes{200});
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kIkeSaEstablished), 0u);
  EXPECT_EQ(s.responder->sa_count(), 0u);

  // The same payload without the critical bit is skipped (RFC 7296 §2.5) and the rest works.
  Manual t;
  (void)t.RunInit();
  ikev2::Payload harmless = odd;
  harmless.critical = false;
  ikev2::IdPayload id{ikev2::IdType::kFqdn, Bytes{'x', '.', 'e', 'x'}, 0};
  const Bytes forged2 = t.ForgeFromInitiator(
      ExchangeType::kIkeAuth, 1, {ikev2::MakePayload(PayloadType::kIdInitiator, id), harmless});
  t.ToResponder(Datagram{kInitiatorAt, kResponderAt, forged2});
  EXPECT_EQ(t.responder->counters().dropped_critical, 0u);
  std::vector<Datagram> answer2 = t.FromResponder();
  ASSERT_EQ(answer2.size(), 1u);
  // An AUTH-less request: the responder answers it like a probe (IDr, CERT, AUTH).
  std::vector<ikev2::Payload> inner2 = t.OpenFromResponder(answer2[0]);
  EXPECT_NE(ikev2::FindPayload(inner2, PayloadType::kAuthentication), nullptr);
}

TEST(EngineAdversityTest, ProtectedInformationalBeforeIkeAuthIsDropped) {
  Manual s;
  std::vector<Datagram> auth = s.RunInit();
  // INFORMATIONAL { D(IKE) } --> with message ID 1 and a valid ICV, before IKE_AUTH
  ikev2::DeletePayload del;
  const Bytes forged =
      s.ForgeFromInitiator(ExchangeType::kInformational, 1, {ikev2::MakePayload(del)});
  const uint64_t before = s.responder->counters().dropped_unexpected;
  s.ToResponder(Datagram{kInitiatorAt, kResponderAt, forged});
  EXPECT_EQ(s.responder->counters().dropped_unexpected, before + 1);
  EXPECT_TRUE(s.FromResponder().empty());
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kDeleted), 0u);
  EXPECT_EQ(s.responder->sa_count(), 1u);
  // The genuine IKE_AUTH still completes.
  s.ToResponder(auth[0]);
  for (const Datagram& d : s.FromResponder()) s.ToInitiator(d);
  EXPECT_EQ(CountKind(s.initiator_events, EventKind::kIkeSaEstablished), 1u);
}

TEST(EngineAdversityTest, NatRebindingFollowsThePeerAndKeepalivesFlow) {
  Manual s;
  s.nat_public = Endpoint::V4(203, 0, 113, 7, 0);
  const SaHandle h = s.Connect();
  // IKE_SA_INIT from 192.0.2.10:500 arrives as 203.0.113.7:40000.
  for (const Datagram& d : s.FromInitiator()) s.ToResponder(d);
  for (const Datagram& d : s.FromResponder()) s.ToInitiator(d);
  // IKE_AUTH moves to 4500 (behind a NAT), arriving as 203.0.113.7:40001.
  std::vector<Datagram> auth = s.FromInitiator();
  ASSERT_EQ(auth.size(), 1u);
  EXPECT_EQ(auth[0].local.port, kNatTraversalPort);
  EXPECT_EQ(auth[0].remote.port, kNatTraversalPort);
  s.ToResponder(auth[0]);
  std::vector<Datagram> answer = s.FromResponder();
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].remote, (Endpoint{Bytes{203, 0, 113, 7}, 40001}));
  s.ToInitiator(answer[0]);
  ASSERT_EQ(CountKind(s.initiator_events, EventKind::kIkeSaEstablished), 1u);
  const Event* child = nullptr;
  for (const Event& e : s.responder_events)
    if (e.kind == EventKind::kChildSaEstablished) child = &e;
  ASSERT_NE(child, nullptr);
  EXPECT_TRUE(child->child.udp_encapsulation);

  // 20 s later the initiator (behind the NAT) sends a keepalive: one 0xFF octet on 4500.
  s.now = s.initiator->NextDeadline();
  EXPECT_EQ(s.now, TimePoint::FromUnixSeconds(1700000000) + kNatKeepaliveInterval);
  s.initiator->HandleTimeout(s.now);
  std::vector<Datagram> keepalive = s.FromInitiator();
  ASSERT_EQ(keepalive.size(), 1u);
  EXPECT_EQ(keepalive[0].payload, Bytes{0xFF});
  s.ToResponder(keepalive[0]);
  EXPECT_EQ(s.responder->counters().keepalives_in, 1u);

  // The NAT forgets the mapping and picks a new port; an authenticated liveness check from the
  // new port moves the responder's idea of the peer, and its answer goes there.
  s.nat_port_4500 = 41234;
  ASSERT_TRUE(s.initiator->CheckLiveness(h, s.now).ok());
  for (const Datagram& d : s.FromInitiator()) s.ToResponder(d);
  std::vector<Datagram> alive = s.FromResponder();
  ASSERT_EQ(alive.size(), 1u);
  EXPECT_EQ(alive[0].remote, (Endpoint{Bytes{203, 0, 113, 7}, 41234}));
  // A forged datagram from yet another port without a valid ICV does not move it.
  s.nat_port_4500 = 50000;
  Bytes forged_probe = s.ForgeFromInitiator(ExchangeType::kInformational, 3, {});
  forged_probe[forged_probe.size() - 1] ^= 1;
  s.ToResponder(Datagram{Endpoint{kInitiatorAt.address, 4500}, Endpoint{kResponderAt.address, 4500},
                         FrameIkeMessage(Endpoint{kInitiatorAt.address, 4500},
                                         Endpoint{kResponderAt.address, 4500}, forged_probe)});
  EXPECT_EQ(s.responder->counters().dropped_integrity, 1u);
  const IkeSa* responder_sa = s.responder->Find(1);
  ASSERT_NE(responder_sa, nullptr);
  EXPECT_EQ(responder_sa->remote(), (Endpoint{Bytes{203, 0, 113, 7}, 41234}));
}

TEST(EngineAdversityTest, ProbeWithOwnAuthAgainstAResponderThatAuthenticatesAnyone) {
  Manual s;
  Policy probe = testing::BasicPolicy();
  probe.probe_with_auth = true;  // no identity: an ephemeral ECDSA key and certificate
  Result<SaHandle> h = s.initiator->StartProbe(kInitiatorAt, kResponderAt, probe, s.now);
  ASSERT_TRUE(h.ok());
  // IKE_SA_INIT -->  <--;  IKE_AUTH { IDi, CERT, CERTREQ, AUTH, SA, TSi, TSr } -->
  // <-- { IDr, CERT, AUTH, SA, TSi, TSr };  INFORMATIONAL { D(IKE) } -->  <-- { }
  for (int round = 0; round < 4; ++round) {
    for (const Datagram& d : s.FromInitiator()) s.ToResponder(d);
    for (const Datagram& d : s.FromResponder()) s.ToInitiator(d);
  }
  const Event* done = nullptr;
  for (const Event& e : s.initiator_events)
    if (e.kind == EventKind::kProbeCompleted) done = &e;
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->probe.auth, ResponderAuth::kVerified);
  EXPECT_EQ(done->probe.stop, ProbeStop::kCompleted);
  // The responder verified the ephemeral AUTH (it established), then honoured the delete.
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kIkeSaEstablished), 1u);
  EXPECT_EQ(CountKind(s.responder_events, EventKind::kDeleted), 1u);
  EXPECT_EQ(s.responder->sa_count(), 0u);
  EXPECT_EQ(s.initiator->sa_count(), 0u);
}

TEST(EngineAdversityTest, WhatAProbeLearnedSavesTheNextConnectItsInvalidKeRoundTrip) {
  // The responder takes only ECP-256; the initiator guesses X25519 first.
  const IkeProposalSpec both{
      {{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}};
  const IkeProposalSpec p256{{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhEcp256}};
  DeterministicRng ids(60), rng_i(61), rng_r(62);
  const TimePoint now = TimePoint::FromUnixSeconds(1700000000);
  NodeConfig config;
  config.responder_policy = testing::BasicPolicy(p256);
  config.responder_policy.identity = testing::MakeIdentity(KeyType::kEcdsaP256, "r", ids, now);
  IkeNode responder(std::move(config), rng_r);
  IkeNode initiator(NodeConfig{}, rng_i);
  Policy policy = testing::BasicPolicy(both);
  policy.identity = testing::MakeIdentity(KeyType::kEcdsaP256, "i", ids, now);
  auto exchange = [&](size_t* datagrams) {
    for (int round = 0; round < 6; ++round) {
      for (Datagram& d : initiator.TakeOutgoing()) {
        ++*datagrams;
        responder.HandleDatagram(Datagram{d.remote, d.local, d.payload}, now);
      }
      for (Datagram& d : responder.TakeOutgoing()) {
        ++*datagrams;
        initiator.HandleDatagram(Datagram{d.remote, d.local, d.payload}, now);
      }
    }
  };
  Policy probe = policy;
  probe.identity = {};
  ASSERT_TRUE(initiator.StartProbe(kInitiatorAt, kResponderAt, probe, now).ok());
  size_t probe_datagrams = 0;
  exchange(&probe_datagrams);
  // INIT(KE 31) -->  <-- INVALID_KE(19);  INIT(KE 19) --> <--;  AUTH --> <--;  INFO --> <--
  EXPECT_EQ(probe_datagrams, 8u);
  const PeerKnowledge* known = initiator.KnowledgeOf(kResponderAt.address);
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->ke_group, kDhEcp256);
  (void)initiator.TakeEvents();
  ASSERT_TRUE(initiator.Connect(kInitiatorAt, kResponderAt, policy, now).ok());
  size_t connect_datagrams = 0;
  exchange(&connect_datagrams);
  // INIT(KE 19) -->  <--;  AUTH -->  <--: no INVALID_KE this time.
  EXPECT_EQ(connect_datagrams, 4u);
  EXPECT_EQ(CountKind(initiator.TakeEvents(), EventKind::kIkeSaEstablished), 1u);
}

}  // namespace
}  // namespace ikewot::engine
