// Exchange tests: the IKEv1 initiator (core/ikev1/initiator.h) against an IkeNode whose policy
// enables the IKEv1 responder, in one process, no sockets; each step as a message arrow.
#include <gtest/gtest.h>

#include "core/crypto/random.h"
#include "core/engine/ike_node.h"
#include "core/ikev1/initiator.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::ikev1 {
namespace {

using engine::CertificateDecision;
using engine::Datagram;
using engine::Endpoint;
using engine::EventKind;

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);
const Endpoint kResponderAt = Endpoint::V4(198, 51, 100, 20, 500);

engine::LocalIdentity Identity(crypto::KeyType type, const std::string& name, uint64_t seed) {
  DeterministicRng rng(seed);
  return ikewot::testing::MakeIdentity(type, name, rng, TimePoint{});
}

// A masquerading NAT in front of the initiator: 10.0.0.5:p <-> 203.0.113.7:(40000 | p==4500).
struct Nat {
  Endpoint inside = Endpoint::V4(10, 0, 0, 5, 500);
  Bytes outside = {203, 0, 113, 7};
  void Out(Datagram& d) const {
    if (d.local.address != inside.address) return;
    d.local = Endpoint{outside, static_cast<uint16_t>(d.local.port == 4500 ? 40001 : 40000)};
  }
  void In(Datagram& d) const {
    if (d.remote.address != outside) return;
    d.remote = Endpoint{inside.address, static_cast<uint16_t>(d.remote.port == 40001 ? 4500 : 500)};
  }
};

struct Exchange {
  DeterministicRng responder_rng{21};
  DeterministicRng initiator_rng{22};
  std::unique_ptr<engine::IkeNode> responder;
  std::unique_ptr<Initiator> initiator;
  std::vector<engine::Event> responder_events;
  std::vector<engine::Event> initiator_events;
  std::vector<Datagram> initiator_sent;  // as they left the initiator
  TimePoint now{};
  std::optional<Nat> nat;

  Exchange(Phase1Mode mode, CertificateDecision decision, engine::LocalIdentity responder_id,
           engine::LocalIdentity initiator_id, std::optional<Nat> with_nat = std::nullopt,
           size_t fragment_budget = 1232)
      : nat(with_nat) {
    engine::NodeConfig config;
    config.responder_policy.identity = std::move(responder_id);
    config.responder_policy.accept_ikev1 = true;
    config.responder_policy.fragment_budget = fragment_budget;
    config.responder_policy.accept_peer = [decision](const engine::PeerCertificateView&) {
      return decision;
    };
    responder = std::make_unique<engine::IkeNode>(std::move(config), responder_rng);
    InitiatorConfig ic;
    ic.mode = mode;
    ic.local = nat ? nat->inside : kInitiatorAt;
    ic.remote = kResponderAt;
    ic.identity = std::move(initiator_id);
    auto started = Initiator::Start(std::move(ic), initiator_rng, now);
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    if (started.ok()) initiator = std::move(*started);
  }

  // Carries datagrams both ways until neither side has anything to say and no timer is due
  // within the horizon.
  void Run() {
    for (int step = 0; step < 200 && initiator; ++step) {
      std::vector<Datagram> out = initiator->TakeOutgoing();
      for (Datagram d : out) {
        initiator_sent.push_back(d);
        if (nat) nat->Out(d);
        responder->HandleDatagram(Datagram{d.remote, d.local, d.payload}, now);
      }
      std::vector<Datagram> back = responder->TakeOutgoing();
      for (Datagram d : back) {
        if (nat) nat->In(d);
        initiator->HandleDatagram(Datagram{d.remote, d.local, d.payload}, now);
      }
      for (engine::Event& e : responder->TakeEvents()) responder_events.push_back(std::move(e));
      for (engine::Event& e : initiator->TakeEvents()) initiator_events.push_back(std::move(e));
      if (!out.empty() || !back.empty()) continue;
      TimePoint next = std::min(initiator->NextDeadline(), responder->NextDeadline());
      if (next == kNever || next - TimePoint{} > std::chrono::minutes(10)) return;
      now = next;
      initiator->HandleTimeout(now);
      if (responder->NextDeadline() <= now) responder->HandleTimeout(now);
    }
  }

  const engine::ProbeResult* Probe() const {
    for (const engine::Event& e : initiator_events) {
      if (e.kind == EventKind::kProbeCompleted) return &e.probe;
    }
    return nullptr;
  }
};

// The probe completed, verified the responder's SIG_R, and its first certificate is `expected`.
::testing::AssertionResult VerifiedWithCertificate(const engine::ProbeResult* probe,
                                                   const Bytes& expected) {
  if (probe == nullptr) return ::testing::AssertionFailure() << "no kProbeCompleted event";
  if (probe->stop != engine::ProbeStop::kCompleted) {
    return ::testing::AssertionFailure()
           << "stopped: " << engine::ProbeStopName(probe->stop) << " " << probe->detail;
  }
  if (probe->auth != engine::ResponderAuth::kVerified) {
    return ::testing::AssertionFailure() << "the responder's signature was not verified";
  }
  if (probe->certificates.empty()) return ::testing::AssertionFailure() << "no certificate";
  if (probe->certificates[0].der != expected) {
    return ::testing::AssertionFailure() << "the first certificate is not the responder's";
  }
  return ::testing::AssertionSuccess();
}

TEST(Ikev1ExchangeTest, AggressiveModeProbeGetsTheCertificateWithoutCredentials) {
  engine::LocalIdentity responder_id = Identity(crypto::KeyType::kRsa2048, "responder", 1);
  Exchange x(Phase1Mode::kAggressive, CertificateDecision::kReject, responder_id, {});
  ASSERT_NE(x.initiator, nullptr);
  // AM1 { SA, KE, Ni, IDii, VID } -->
  //   <-- AM2 { SA, KE, Nr, IDir, CERT, SIG_R, VID }   (no AM3: the probe stops here)
  x.Run();
  EXPECT_TRUE(VerifiedWithCertificate(x.Probe(), responder_id.certificate_chain_der[0]));
  // The responder's half-open SA expired; it never reported anything.
  EXPECT_EQ(x.responder->ikev1_responder()->sa_count(), 0u);
  EXPECT_EQ(x.responder->ikev1_responder()->counters().half_open_expired, 1u);
  EXPECT_TRUE(x.responder_events.empty());
}

TEST(Ikev1ExchangeTest, MainModeTrustedInitiator) {
  engine::LocalIdentity responder_id = Identity(crypto::KeyType::kEcdsaP256, "responder", 2);
  engine::LocalIdentity initiator_id = Identity(crypto::KeyType::kEcdsaP256, "initiator", 3);
  Exchange x(Phase1Mode::kMain, CertificateDecision::kAcceptTrusted, responder_id, initiator_id);
  ASSERT_NE(x.initiator, nullptr);
  // MM1 { SA } -->  <-- MM2 { SA };  MM3 { KE, Ni, NAT-D } -->  <-- MM4 { KE, Nr, CR, NAT-D }
  // MM5* { IDii, CERT, SIG_I } -->  <-- MM6* { IDir, CERT, SIG_R }
  x.Run();
  EXPECT_TRUE(VerifiedWithCertificate(x.Probe(), responder_id.certificate_chain_der[0]));
  ASSERT_EQ(x.responder_events.size(), 1u);
  EXPECT_EQ(x.responder_events[0].kind, EventKind::kIkeSaEstablished);
  EXPECT_EQ(x.responder_events[0].peer_certificate_der, initiator_id.certificate_chain_der[0]);
}

TEST(Ikev1ExchangeTest, MainModeUntrustedInitiatorIsToldSo) {
  engine::LocalIdentity responder_id = Identity(crypto::KeyType::kEcdsaP256, "responder", 2);
  engine::LocalIdentity initiator_id = Identity(crypto::KeyType::kEcdsaP256, "initiator", 3);
  Exchange x(Phase1Mode::kMain, CertificateDecision::kReject, responder_id, initiator_id);
  ASSERT_NE(x.initiator, nullptr);
  // MM5* { IDii, CERT, SIG_I } -->  <-- Informational* { HASH(1), N(AUTHENTICATION_FAILED) }
  x.Run();
  const engine::ProbeResult* probe = x.Probe();
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->stop, engine::ProbeStop::kAuthenticationFailed);
  EXPECT_NE(probe->detail.find(kRequiresInitiatorAuth), std::string::npos) << probe->detail;
  EXPECT_TRUE(probe->certificates.empty());  // main mode shows nothing to strangers
  ASSERT_EQ(x.responder_events.size(), 1u);
  EXPECT_EQ(x.responder_events[0].kind, EventKind::kFailed);
  EXPECT_EQ(x.responder->ikev1_responder()->counters().authentication_failed, 1u);
}

TEST(Ikev1ExchangeTest, NatMovesMainModeToPort4500) {
  engine::LocalIdentity responder_id = Identity(crypto::KeyType::kEcdsaP256, "responder", 2);
  engine::LocalIdentity initiator_id = Identity(crypto::KeyType::kEcdsaP256, "initiator", 3);
  Exchange x(Phase1Mode::kMain, CertificateDecision::kAcceptTrusted, responder_id, initiator_id,
             Nat{});
  ASSERT_NE(x.initiator, nullptr);
  x.Run();
  const engine::ProbeResult* probe = x.Probe();
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->stop, engine::ProbeStop::kCompleted) << probe->detail;
  EXPECT_TRUE(probe->nat.detected());
  EXPECT_TRUE(probe->nat.local_behind_nat);
  bool floated = false;
  for (const Datagram& d : x.initiator_sent) floated = floated || d.remote.port == 4500;
  EXPECT_TRUE(floated) << "MM5 should go to port 4500";
  ASSERT_EQ(x.responder_events.size(), 1u);
  EXPECT_EQ(x.responder_events[0].peer.port, 40001);  // the NAT's mapping of 4500
}

TEST(Ikev1ExchangeTest, LargeCertificateChainArrivesInFragments) {
  engine::LocalIdentity responder_id = Identity(crypto::KeyType::kRsa2048, "responder", 4);
  // Three copies of the certificate make a chain far larger than one 576-octet datagram.
  responder_id.certificate_chain_der.push_back(responder_id.certificate_chain_der[0]);
  responder_id.certificate_chain_der.push_back(responder_id.certificate_chain_der[0]);
  Exchange x(Phase1Mode::kAggressive, CertificateDecision::kReject, responder_id, {}, std::nullopt,
             576);
  ASSERT_NE(x.initiator, nullptr);
  x.Run();
  ASSERT_TRUE(VerifiedWithCertificate(x.Probe(), responder_id.certificate_chain_der[0]));
  EXPECT_EQ(x.Probe()->certificates.size(), 3u);
}

}  // namespace
}  // namespace ikewot::ikev1
