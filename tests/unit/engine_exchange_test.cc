// Exchange tests: two IkeNodes in one process on a virtual-time network, no sockets. Each step
// is written as a message arrow.
#include <gtest/gtest.h>

#include "core/crypto/identification.h"
#include "core/engine/sa_convert.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids
using crypto::Certificate;
using crypto::KeyType;
using crypto::SpokenIdentification;
using testing::BasicPolicy;
using testing::EngineWorld;
using testing::MakeIdentity;
using testing::Peer;

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);
const Endpoint kResponderAt = Endpoint::V4(198, 51, 100, 20, 500);

struct Pair {
  EngineWorld world;
  Peer* initiator = nullptr;
  Peer* responder = nullptr;
  Policy initiator_policy;

  explicit Pair(KeyType key_type = KeyType::kEcdsaP256, IkeProposalSpec ike = testing::GcmX25519(),
                NodeConfig responder_config = {}, uint64_t seed = 1)
      : world(seed) {
    DeterministicRng ids(seed + 100);
    const TimePoint now = world.net.now();
    if (responder_config.responder_policy.ike_proposals.empty()) {
      responder_config.responder_policy = BasicPolicy(ike);
      responder_config.responder_policy.identity = MakeIdentity(key_type, "responder", ids, now);
    }
    initiator_policy = BasicPolicy(ike);
    initiator_policy.identity = MakeIdentity(key_type, "initiator", ids, now);
    initiator = &world.AddPeer(kInitiatorAt, NodeConfig{}, seed + 1);
    responder = &world.AddPeer(kResponderAt, std::move(responder_config), seed + 2);
  }

  SaHandle Connect() {
    Result<SaHandle> h =
        initiator->node->Connect(kInitiatorAt, kResponderAt, initiator_policy, world.net.now());
    EXPECT_TRUE(h.ok()) << h.error().ToString();
    return h.ok() ? *h : 0;
  }
  SaHandle Probe(Policy policy) {
    Result<SaHandle> h =
        initiator->node->StartProbe(kInitiatorAt, kResponderAt, std::move(policy), world.net.now());
    EXPECT_TRUE(h.ok()) << h.error().ToString();
    return h.ok() ? *h : 0;
  }
  void Run() { world.net.Run(std::chrono::minutes(2)); }
};

void ExpectMatchingChild(const Peer& a, const Peer& b) {
  const Event* ca = a.Last(EventKind::kChildSaEstablished);
  const Event* cb = b.Last(EventKind::kChildSaEstablished);
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cb, nullptr);
  EXPECT_EQ(ca->child.spi_initiator, cb->child.spi_initiator);
  EXPECT_EQ(ca->child.spi_responder, cb->child.spi_responder);
  EXPECT_EQ(ca->child.encr_key_i_to_r, cb->child.encr_key_i_to_r);
  EXPECT_EQ(ca->child.encr_key_r_to_i, cb->child.encr_key_r_to_i);
  EXPECT_EQ(ca->child.integ_key_i_to_r, cb->child.integ_key_i_to_r);
  EXPECT_NE(ca->child.encr_key_i_to_r, ca->child.encr_key_r_to_i);
  EXPECT_EQ(ca->child.suite, cb->child.suite);
  EXPECT_EQ(ca->child.ts_initiator, cb->child.ts_initiator);
}

TEST(EngineExchangeTest, ConnectEcdsaAesGcmX25519) {
  Pair s;
  s.Connect();
  // IKE_SA_INIT { SA, KE, Ni, N(NAT_DETECTION_*), N(FRAG_SUP), N(SIG_HASH) } -->
  // <-- { SA, KE, Nr, N(NAT_DETECTION_*), N(FRAG_SUP), N(SIG_HASH), CERTREQ }
  // IKE_AUTH { IDi, CERT, CERTREQ, AUTH, SA, TSi, TSr } -->
  // <-- { IDr, CERT, AUTH, SA, TSi, TSr }
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  ASSERT_NE(s.responder->Last(EventKind::kIkeSaEstablished), nullptr);
  ExpectMatchingChild(*s.initiator, *s.responder);
  EXPECT_EQ(s.initiator->Last(EventKind::kChildSaEstablished)->child.encr_key_i_to_r.size(), 36u);
  EXPECT_EQ(s.world.net.sent(), 4u);
  EXPECT_EQ(s.responder->node->half_open_count(), 0u);
  EXPECT_EQ(s.initiator->node->counters().dropped_integrity, 0u);
}

struct SuiteCase {
  const char* name;
  KeyType key;
  IkeProposalSpec ike;
  EspProposalSpec esp;
};

TEST(EngineExchangeTest, ConnectAcrossSuitesGroupsAndKeyTypes) {
  const SuiteCase cases[] = {
      {"aescbc-hmac-modp2048-rsa",
       KeyType::kRsa2048,
       {{{kEncrAesCbc, 128}}, {kPrfHmacSha2_256}, {kIntegHmacSha2_256_128}, {kDhModp2048}},
       {{{kEncrAesCbc, 128}}, {kIntegHmacSha2_256_128}, false}},
      {"chacha-ecp384-ed25519",
       KeyType::kEd25519,
       {{{kEncrChaCha20Poly1305, 0}}, {kPrfHmacSha2_384}, {}, {kDhEcp384}},
       {{{kEncrChaCha20Poly1305, 0}}, {}, false}},
      {"gcm128-ecp256-ecdsa",
       KeyType::kEcdsaP256,
       {{{kEncrAesGcm16, 128}}, {kPrfHmacSha2_256}, {}, {kDhEcp256}},
       {{{kEncrAesGcm16, 128}}, {}, false}},
      {"gcm256-x25519-ecdsa384",
       KeyType::kEcdsaP384,
       {{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_512}, {}, {kDhCurve25519}},
       {{{kEncrAesGcm16, 256}}, {}, false}},
  };
  for (const SuiteCase& c : cases) {
    SCOPED_TRACE(c.name);
    NodeConfig config;
    config.responder_policy = BasicPolicy(c.ike);
    config.responder_policy.esp_proposals = {c.esp};
    DeterministicRng ids(9);
    config.responder_policy.identity =
        MakeIdentity(c.key, "responder", ids, TimePoint::FromUnixSeconds(1700000000));
    Pair s(c.key, c.ike, std::move(config));
    s.initiator_policy.esp_proposals = {c.esp};
    s.initiator_policy.minimum_strength_bits =
        112;  // MODP-2048 is 112-bit (the default refuses it)
    s.Connect();
    s.Run();
    const Event* failed = s.initiator->Last(EventKind::kFailed);
    ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr)
        << (failed ? failed->reason : std::string("no failure event"));
    ASSERT_NE(s.responder->Last(EventKind::kIkeSaEstablished), nullptr);
    ExpectMatchingChild(*s.initiator, *s.responder);
    EXPECT_EQ(s.initiator->Last(EventKind::kChildSaEstablished)->child.suite.encr, c.esp.encr[0]);
  }
}

TEST(EngineExchangeTest, ProbeAgainstEapStyleResponderVerifiesAuth) {
  Pair s;
  Policy probe = BasicPolicy();  // no identity: AUTH-less, EAP-style request
  const SaHandle h = s.Probe(probe);
  // IKE_SA_INIT { SA, KE, Ni, N(NAT_DETECTION_*), ... } -->   <-- { SA, KE, Nr, ..., CERTREQ }
  // IKE_AUTH { IDi, CERTREQ, SA, TSi, TSr } -->               <-- { IDr, CERT, AUTH }
  // INFORMATIONAL { D(IKE) } -->                              <-- { }
  s.Run();
  const Event* done = s.initiator->Last(EventKind::kProbeCompleted);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->sa, h);
  const ProbeResult& r = done->probe;
  EXPECT_EQ(r.stop, ProbeStop::kCompleted) << r.detail;
  EXPECT_EQ(r.auth, ResponderAuth::kVerified);
  ASSERT_EQ(r.certificates.size(), 1u);
  Result<Certificate> cert = Certificate::FromDer(r.certificates[0].der);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(r.certificates[0].identification, SpokenIdentification(*cert));
  EXPECT_EQ(r.idr_type, "ID_DER_ASN1_DN");
  EXPECT_EQ(r.round_trips, 2u);
  EXPECT_EQ(r.behaviour.chosen_proposal, "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519");
  EXPECT_TRUE(r.fragmentation_supported);
  EXPECT_FALSE(r.nat.detected());
  EXPECT_EQ(s.initiator->Count(EventKind::kIkeSaEstablished), 0u);
  // The polite delete removed the responder's half-open state and our SA.
  EXPECT_EQ(s.responder->node->sa_count(), 0u);
  EXPECT_EQ(s.initiator->node->sa_count(), 0u);
  EXPECT_EQ(s.world.net.sent(), 6u);
  const PeerKnowledge* k = s.initiator->node->KnowledgeOf(kResponderAt.address);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->ke_group, kDhCurve25519);
  EXPECT_NE(r.ToJson().Dump().find("\"auth\":\"verified\""), std::string::npos);
}

TEST(EngineExchangeTest, ProbeAgainstNullAuthResponder) {
  NodeConfig config;
  config.responder_policy = BasicPolicy();
  config.responder_policy.null_auth = true;
  config.responder_policy.vendor_ids = {*FromHex("882fe56d6fd20dbc2251613b2ebe5beb")};
  Pair s(KeyType::kEcdsaP256, testing::GcmX25519(), std::move(config));
  Policy probe = BasicPolicy();
  probe.null_auth = true;
  s.Probe(probe);
  // IKE_AUTH { IDi(ID_NULL), AUTH(NULL), SA, TSi, TSr } -->   <-- { IDr(ID_NULL), AUTH(NULL), ... }
  s.Run();
  const Event* done = s.initiator->Last(EventKind::kProbeCompleted);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->probe.auth, ResponderAuth::kNullAuth);
  EXPECT_EQ(done->probe.stop, ProbeStop::kCompleted);
  EXPECT_TRUE(done->probe.certificates.empty());
  ASSERT_EQ(done->probe.vendor_ids.size(), 1u);
  EXPECT_EQ(done->probe.vendor_ids[0].name, "strongSwan");
}

TEST(EngineExchangeTest, InvalidKeRetriesWithTheAskedGroupOnly) {
  NodeConfig config;
  config.responder_policy =
      BasicPolicy({{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhEcp256}});
  DeterministicRng ids(5);
  config.responder_policy.identity =
      MakeIdentity(KeyType::kEcdsaP256, "r", ids, TimePoint::FromUnixSeconds(1700000000));
  Pair s(KeyType::kEcdsaP256,
         {{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}},
         std::move(config));
  s.Connect();
  // IKE_SA_INIT { SA, KE(31), Ni, ... } -->
  // <-- { N(INVALID_KE_PAYLOAD(19)) }
  // IKE_SA_INIT { SA, KE(19), Ni, ... } -->   <-- { SA, KE(19), Nr, ... }
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  EXPECT_EQ(s.world.net.sent(), 6u);

  // Every datagram arrives twice: the duplicate INVALID_KE_PAYLOAD(19) reaches an initiator that
  // already uses group 19. It is stale and ignored, not a reason to give up (seen against both
  // real daemons when retransmissions queue up behind IPv6 neighbour discovery).
  NodeConfig twice_config;
  twice_config.responder_policy =
      BasicPolicy({{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhEcp256}});
  twice_config.responder_policy.identity =
      MakeIdentity(KeyType::kEcdsaP256, "r", ids, TimePoint::FromUnixSeconds(1700000000));
  Pair twice(KeyType::kEcdsaP256,
             {{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}},
             std::move(twice_config));
  twice.world.net.impairment().duplicate = 1.0;
  twice.Connect();
  twice.Run();
  EXPECT_EQ(twice.initiator->Last(EventKind::kFailed), nullptr);
  ASSERT_NE(twice.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  EXPECT_GE(twice.initiator->node->counters().dropped_unexpected, 1u);

  // A group we never offered ends the attempt instead of being obeyed (a forged answer).
  Pair t;
  t.world.net.impairment().drop_if = [](const Datagram&, uint64_t) { return true; };
  t.Probe(BasicPolicy());
  t.world.net.Run(std::chrono::milliseconds(100));
  Result<ikev2::Message> request = ikev2::ParseMessage(t.world.net.log()[0].payload);
  ASSERT_TRUE(request.ok());
  ikev2::Message forged;
  forged.header.spi_i = request->header.spi_i;
  forged.header.response = true;
  forged.payloads.push_back(ikev2::MakePayload(
      ikev2::MakeNotify(ikev2::NotifyType::kInvalidKePayload, Bytes{0x00, 0x15})));
  Result<Bytes> raw = ikev2::SerializeMessage(forged);
  ASSERT_TRUE(raw.ok());
  t.initiator->node->HandleDatagram(Datagram{kInitiatorAt, kResponderAt, *raw}, t.world.net.now());
  testing::EngineWorld::Collect(*t.initiator);
  const Event* done = t.initiator->Last(EventKind::kProbeCompleted);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->probe.stop, ProbeStop::kInvalidKeExhausted);
  EXPECT_EQ(done->probe.behaviour.invalid_ke_group, kDhEcp521);
}

TEST(EngineExchangeTest, CookieRoundTripKeepsSpiAndNonce) {
  NodeConfig config;
  config.cookies.global_threshold = 0;  // demand cookies from everyone
  Pair s(KeyType::kEcdsaP256, testing::GcmX25519(), std::move(config));
  // Pair only fills the responder policy when empty; give it one.
  s.Connect();
  // IKE_SA_INIT { SA, KE, Ni, ... } -->   <-- { N(COOKIE) }
  // IKE_SA_INIT { N(COOKIE), SA, KE, Ni, ... } -->   <-- { SA, KE, Nr, ... }
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  EXPECT_EQ(s.responder->node->counters().cookies_sent, 1u);
  const std::vector<Datagram>& log = s.world.net.log();
  ASSERT_GE(log.size(), 3u);
  Result<ikev2::Message> first = ikev2::ParseMessage(log[0].payload);
  Result<ikev2::Message> second = ikev2::ParseMessage(log[2].payload);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->header.spi_i, second->header.spi_i);
  ASSERT_EQ(second->payloads.size(), first->payloads.size() + 1);
  EXPECT_EQ(second->payloads[0].As<ikev2::NotifyPayload>()->type, ikev2::NotifyType::kCookie);
  for (size_t i = 0; i < first->payloads.size(); ++i)
    EXPECT_EQ(first->payloads[i], second->payloads[i + 1]);
}

TEST(EngineExchangeTest, SurvivesLossDuplicationAndReordering) {
  for (uint64_t seed : {3u, 4u, 5u, 6u}) {
    SCOPED_TRACE(seed);
    Pair s(KeyType::kEcdsaP256, testing::GcmX25519(), {}, seed);
    s.world.net.impairment().loss = 0.25;
    s.world.net.impairment().duplicate = 0.3;
    s.world.net.impairment().jitter = std::chrono::milliseconds(40);
    s.Connect();
    s.Run();
    ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
    ASSERT_NE(s.responder->Last(EventKind::kIkeSaEstablished), nullptr);
    ExpectMatchingChild(*s.initiator, *s.responder);
    EXPECT_EQ(s.responder->Count(EventKind::kIkeSaEstablished), 1u);
  }
}

TEST(EngineExchangeTest, FirstRequestLostIsRetransmitted) {
  Pair s;
  s.world.net.impairment().drop_if = [](const Datagram&, uint64_t n) { return n == 0 || n == 2; };
  s.Connect();
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  EXPECT_EQ(s.initiator->node->counters().retransmissions_sent, 2u);
}

TEST(EngineExchangeTest, FragmentationBothWays) {
  Pair s(KeyType::kRsa3072);  // RSA-3072 certificates make IKE_AUTH large
  s.initiator_policy.fragment_budget = 576;
  s.world.net.impairment().max_size = 600;  // a path that drops anything bigger
  // Responder's budget too: rebuild its config through the harness is heavy; use a probe-free
  // connect where both sides fragment because both announced support.
  s.Connect();
  s.Run();
  // The responder's IKE_AUTH answer exceeds 600 with its default budget of 1232: it is dropped,
  // so the exchange fails unless the responder fragments too. Checked in the next test.
  EXPECT_GE(s.world.net.dropped(), 1u);
}

TEST(EngineExchangeTest, FragmentedAuthInBothDirections) {
  NodeConfig config;
  DeterministicRng ids(77);
  config.responder_policy = BasicPolicy();
  config.responder_policy.identity =
      MakeIdentity(KeyType::kRsa3072, "responder", ids, TimePoint::FromUnixSeconds(1700000000));
  config.responder_policy.fragment_budget = 576;
  Pair s(KeyType::kRsa3072, testing::GcmX25519(), std::move(config));
  s.initiator_policy.fragment_budget = 576;
  s.world.net.impairment().max_size = 576;
  s.Connect();
  // IKE_AUTH { SKF(1/n) } ... { SKF(n/n) } -->   <-- { SKF(1/m) } ... { SKF(m/m) }
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  ASSERT_NE(s.responder->Last(EventKind::kIkeSaEstablished), nullptr);
  EXPECT_EQ(s.world.net.dropped(), 0u);
  EXPECT_GT(s.world.net.sent(), 6u);
  ExpectMatchingChild(*s.initiator, *s.responder);
}

// The IKE SA stands but the responder refuses the CHILD SA (RFC 7296 §1.2): the initiator of a
// connect must hear why instead of waiting forever (libreswan answers TS_UNACCEPTABLE this way).
TEST(EngineExchangeTest, RefusedChildSaFailsTheConnectWithTheReason) {
  Pair s;
  s.initiator_policy.esp_proposals = {
      EspProposalSpec{{{kEncrAesCbc, 128}}, {kIntegHmacSha1_96}, true}};
  s.Connect();
  // IKE_SA_INIT -->  <-- IKE_SA_INIT
  // IKE_AUTH { IDi, CERT, AUTH, SA(ESP: CBC+SHA1, ESN), TSi, TSr } -->
  //   <-- IKE_AUTH { IDr, CERT, AUTH, N(NO_PROPOSAL_CHOSEN) }
  // INFORMATIONAL { D } -->  <-- INFORMATIONAL { }
  s.Run();
  EXPECT_EQ(s.initiator->Last(EventKind::kChildSaEstablished), nullptr);
  const Event* failed = s.initiator->Last(EventKind::kFailed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->reason, "CHILD SA refused by the responder: NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(s.initiator->node->sa_count(), 0u);
}

TEST(EngineExchangeTest, NatRewritingMovesTo4500) {
  Pair s;
  s.world.net.AddNat({kInitiatorAt.address, Bytes{203, 0, 113, 7}, 40000});
  s.Connect();
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  const Event* child = s.responder->Last(EventKind::kChildSaEstablished);
  ASSERT_NE(child, nullptr);
  EXPECT_TRUE(child->child.udp_encapsulation);
  // IKE_AUTH went over 4500 with the non-ESP marker.
  const std::vector<Datagram>& log = s.world.net.log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(log[2].remote.port, kNatTraversalPort);
  EXPECT_EQ(ToHex(ByteView(log[2].payload).first(4)), "00000000");
  const IkeSa* sa = s.initiator->node->Find(s.initiator->Last(EventKind::kIkeSaEstablished)->sa);
  ASSERT_NE(sa, nullptr);
  EXPECT_TRUE(sa->probe_result().nat.local_behind_nat);
  EXPECT_FALSE(sa->probe_result().nat.peer_behind_nat);
}

TEST(EngineExchangeTest, WrongKeyGivesAuthenticationFailed) {
  Pair s;
  DeterministicRng other(999);
  // Our certificate, but signed with a different key.
  LocalIdentity mismatched = MakeIdentity(KeyType::kEcdsaP256, "x", other, s.world.net.now());
  mismatched.certificate_chain_der = s.initiator_policy.identity.certificate_chain_der;
  s.initiator_policy.identity = mismatched;
  s.Connect();
  // IKE_AUTH { IDi, CERT, AUTH(bad) ... } -->   <-- { N(AUTHENTICATION_FAILED) }
  s.Run();
  EXPECT_EQ(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  ASSERT_NE(s.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_NE(s.initiator->Last(EventKind::kFailed)->reason.find("AUTHENTICATION_FAILED"),
            std::string::npos);
  EXPECT_EQ(s.responder->Count(EventKind::kIkeSaEstablished), 0u);
}

TEST(EngineExchangeTest, AcceptanceHookRejects) {
  Pair s;
  s.initiator_policy.accept_peer = [](const PeerCertificateView& v) {
    EXPECT_EQ(v.chain_der->size(), 1u);
    return CertificateDecision::kReject;
  };
  s.Connect();
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_EQ(s.initiator->Last(EventKind::kFailed)->reason, "peer certificate rejected");
}

TEST(EngineExchangeTest, TamperedSkIsDroppedSilentlyAndCounted) {
  Pair s;
  s.world.net.impairment().drop_if = [](const Datagram& d, uint64_t n) { return false; };
  s.Connect();
  // Deliver IKE_SA_INIT both ways, then flip a ciphertext bit of IKE_AUTH before it arrives.
  bool tampered = false;
  for (int i = 0; i < 100 && !tampered; ++i) {
    s.world.net.Flush();
    for (Datagram& d : s.world.net.log()) (void)d;
    if (s.world.net.log().size() == 3) {
      Datagram copy = s.world.net.log()[2];
      copy.payload[copy.payload.size() - 20] ^= 1;
      Datagram received{copy.remote, copy.local, copy.payload};
      s.responder->node->HandleDatagram(received, s.world.net.now());
      tampered = true;
      break;
    }
    if (!s.world.net.Step(s.world.net.now() + std::chrono::seconds(1))) break;
  }
  ASSERT_TRUE(tampered);
  EXPECT_EQ(s.responder->node->counters().dropped_integrity, 1u);
  EXPECT_TRUE(s.responder->node->TakeOutgoing().empty());  // nothing said to the sender
  s.Run();  // the genuine copy still completes the exchange
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
}

TEST(EngineExchangeTest, UnknownCriticalPayloadIsRefused) {
  Pair s;
  DeterministicRng rng(4);
  ikev2::Message m;
  m.header.spi_i = 0x1122334455667788;
  m.header.initiator = true;
  ikev2::Payload odd =
      ikev2::MakePayload(static_cast<ikev2::PayloadType>(200), ikev2::UnknownPayload{{1, 2, 3}});
  odd.critical = true;
  m.payloads.push_back(odd);
  Result<Bytes> raw = ikev2::SerializeMessage(m);
  ASSERT_TRUE(raw.ok()) << raw.error().ToString();
  s.responder->node->HandleDatagram(Datagram{kResponderAt, kInitiatorAt, *raw}, s.world.net.now());
  EXPECT_EQ(s.responder->node->counters().dropped_critical, 1u);
  std::vector<Datagram> out = s.responder->node->TakeOutgoing();
  ASSERT_EQ(out.size(), 1u);
  Result<ikev2::Message> answer = ikev2::ParseMessage(out[0].payload);
  ASSERT_TRUE(answer.ok());
  ASSERT_NE(ikev2::FindNotify(answer->payloads, ikev2::NotifyType::kUnsupportedCriticalPayload),
            nullptr);
  EXPECT_EQ(s.responder->node->sa_count(), 0u);
}

TEST(EngineExchangeTest, InformationalBeforeIkeAuthIsDropped) {
  Pair s;
  // Let IKE_SA_INIT complete, hold IKE_AUTH back.
  s.world.net.impairment().drop_if = [](const Datagram&, uint64_t n) { return n >= 2; };
  s.Connect();
  s.world.net.Run(std::chrono::milliseconds(100));
  const std::vector<Datagram>& log = s.world.net.log();
  ASSERT_GE(log.size(), 3u);
  // Re-label the captured IKE_AUTH request as INFORMATIONAL: its SK no longer verifies either,
  // but the exchange type alone must already get it dropped.
  Bytes forged = log[2].payload;
  forged[18] = static_cast<uint8_t>(ikev2::ExchangeType::kInformational);
  const uint64_t before = s.responder->node->counters().dropped_unexpected;
  s.responder->node->HandleDatagram(Datagram{kResponderAt, kInitiatorAt, forged},
                                    s.world.net.now());
  EXPECT_EQ(s.responder->node->counters().dropped_unexpected, before + 1);
  EXPECT_TRUE(s.responder->node->TakeOutgoing().empty());
}

TEST(EngineExchangeTest, DeleteAndLiveness) {
  Pair s;
  const SaHandle h = s.Connect();
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  ASSERT_TRUE(s.initiator->node->CheckLiveness(h, s.world.net.now()).ok());
  // INFORMATIONAL { } -->   <-- { }
  s.Run();
  EXPECT_EQ(s.initiator->Count(EventKind::kFailed), 0u);
  ASSERT_TRUE(s.initiator->node->Delete(h, s.world.net.now()).ok());
  // INFORMATIONAL { D(IKE) } -->   <-- { }
  s.Run();
  EXPECT_NE(s.initiator->Last(EventKind::kDeleted), nullptr);
  EXPECT_NE(s.responder->Last(EventKind::kDeleted), nullptr);
  EXPECT_EQ(s.initiator->node->sa_count(), 0u);
  EXPECT_EQ(s.responder->node->sa_count(), 0u);
}

TEST(EngineExchangeTest, FallbackAfterLargeFirstMessageIsDroppedButNeverBelowMinimum) {
  // A path that drops datagrams over 400 octets: an IKE_SA_INIT with a MODP-4096 KE (512
  // octets) never arrives; the restricted list with X25519 does.
  IkeProposalSpec big{{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhModp4096, kDhCurve25519}};
  NodeConfig config;
  config.responder_policy = BasicPolicy(big);
  DeterministicRng ids(8);
  config.responder_policy.identity =
      MakeIdentity(KeyType::kEcdsaP256, "r", ids, TimePoint::FromUnixSeconds(1700000000));
  config.responder_policy.fragment_budget = 400;
  Pair s(KeyType::kEcdsaP256, big, std::move(config));
  s.world.net.impairment().max_size = 400;
  s.initiator_policy.fragment_budget = 400;
  s.initiator_policy.ke_guess = kDhModp4096;
  s.initiator_policy.fallback_proposals = {
      {{{kEncrAesCbc, 128}}, {kPrfHmacSha1}, {kIntegHmacSha1_96}, {kDhModp2048}},  // weak: filtered
      testing::GcmX25519()};
  s.Connect();
  s.Run();
  ASSERT_NE(s.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  const IkeSa* sa = s.initiator->node->Find(s.initiator->Last(EventKind::kIkeSaEstablished)->sa);
  ASSERT_NE(sa, nullptr);
  EXPECT_TRUE(sa->used_fallback());
  EXPECT_GE(SuiteStrengthBits(*sa->suite()), 128);

  // Downgrade protection: if the only fallback is weak, the attempt fails instead.
  Pair t(KeyType::kEcdsaP256, big);
  t.world.net.impairment().max_size = 400;
  t.initiator_policy.ke_guess = kDhModp4096;
  t.initiator_policy.fallback_proposals = {
      {{{kEncrAesCbc, 128}}, {kPrfHmacSha1}, {kIntegHmacSha1_96}, {kDhModp2048}}};
  t.Connect();
  t.Run();
  EXPECT_EQ(t.initiator->Last(EventKind::kIkeSaEstablished), nullptr);
  ASSERT_NE(t.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_NE(t.initiator->Last(EventKind::kFailed)->reason.find("minimum strength"),
            std::string::npos);
  // And nothing weak was ever put on the wire.
  for (const Datagram& d : t.world.net.log()) {
    Result<ikev2::Message> m = ikev2::ParseMessage(d.payload);
    ASSERT_TRUE(m.ok());
    const ikev2::Payload* sa_payload =
        ikev2::FindPayload(m->payloads, ikev2::PayloadType::kSecurityAssociation);
    if (sa_payload == nullptr) continue;
    EXPECT_GE(WeakestStrengthBits(IkeOfferFromSa(*sa_payload->As<ikev2::SaPayload>())), 128);
  }
}

TEST(EngineExchangeTest, CookiesUnderLoadAndBlockingPerSource) {
  NodeConfig config;
  config.cookies.per_source_cookie_after = 2;
  config.cookies.per_source_block_after = 3;
  Pair s(KeyType::kEcdsaP256, testing::GcmX25519(), std::move(config));
  // Three probes that leave half-open SAs (their IKE_AUTH never arrives).
  s.world.net.impairment().drop_if = [](const Datagram& d, uint64_t) {
    Result<ikev2::Message> m = ikev2::ParseMessage(d.payload);
    return m.ok() && m->header.exchange_type == ikev2::ExchangeType::kIkeAuth;
  };
  for (int i = 0; i < 4; ++i) {
    Result<SaHandle> h = s.initiator->node->Connect(kInitiatorAt, kResponderAt, s.initiator_policy,
                                                    s.world.net.now());
    ASSERT_TRUE(h.ok());
    s.world.net.Run(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(s.responder->node->half_open_count(), 3u);
  EXPECT_GE(s.responder->node->counters().cookies_sent, 1u);
  EXPECT_GE(s.responder->node->counters().dropped_blocked, 1u);
  // Half-open SAs expire.
  s.world.net.Run(std::chrono::minutes(2));
  EXPECT_EQ(s.responder->node->half_open_count(), 0u);
  EXPECT_GE(s.responder->node->counters().half_open_expired, 3u);
}

TEST(EngineExchangeTest, ProbeRateLimitPerTarget) {
  Pair s;
  Policy probe = BasicPolicy();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(
        s.initiator->node->StartProbe(kInitiatorAt, kResponderAt, probe, s.world.net.now()).ok());
  }
  Result<SaHandle> third =
      s.initiator->node->StartProbe(kInitiatorAt, kResponderAt, probe, s.world.net.now());
  EXPECT_EQ(third.code(), ErrorCode::kLimitExceeded);
  s.Run();
  EXPECT_EQ(s.initiator->Count(EventKind::kProbeCompleted), 2u);
}

}  // namespace
}  // namespace ikewot::engine
