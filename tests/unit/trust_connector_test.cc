// The node's connect(peer) (trust/connector.h) over two real IkeNodes on the virtual network
// and an in-memory trust store: trusted peers are connected without asking, unknown ones are
// probed and the user is asked once, conflicts are refused, and the peer never sees our
// identity (or an authentication attempt) unless the decision was to trust it.
#include <gtest/gtest.h>

#include "core/crypto/identification.h"
#include "core/trust/connector.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::trust {
namespace {

using engine::EventKind;
using engine::NodeConfig;

const engine::Endpoint kClientAt = engine::Endpoint::V4(192, 0, 2, 10, 500);
const engine::Endpoint kGatewayAt = engine::Endpoint::V4(198, 51, 100, 20, 500);

engine::LocalIdentity Identity(const std::string& cn, const std::string& san, uint64_t seed,
                               TimePoint now) {
  DeterministicRng rng(seed);
  Result<crypto::PrivateKey> key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256, rng);
  EXPECT_TRUE(key.ok());
  crypto::SelfSignedOptions options{cn, {}, 365};
  if (!san.empty()) options.sans.push_back(*crypto::ParseSubjectAltName(san));
  Result<crypto::Certificate> cert = crypto::MakeSelfSigned(*key, options, now, rng);
  EXPECT_TRUE(cert.ok()) << cert.error().ToString();
  engine::LocalIdentity identity;
  identity.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  identity.certificate_chain_der = {cert->ToDer()};
  return identity;
}

struct ConnectWorld {
  ikewot::testing::EngineWorld world{3};
  ikewot::testing::Peer* client = nullptr;
  ikewot::testing::Peer* gateway = nullptr;
  engine::LocalIdentity gateway_identity;
  std::unique_ptr<TrustStore> store;
  std::vector<PeerQuestion> questions;
  bool answer = true;
  std::unique_ptr<Connector> connector;
  size_t events_seen = 0;

  ConnectWorld() {
    const TimePoint now = world.net.now();
    gateway_identity = Identity("gw.example.org", "dns:gw.example.org", 71, now);
    NodeConfig gateway_config;
    gateway_config.responder_policy = ikewot::testing::BasicPolicy();
    gateway_config.responder_policy.identity = gateway_identity;
    client = &world.AddPeer(kClientAt, NodeConfig{}, 72);
    gateway = &world.AddPeer(kGatewayAt, std::move(gateway_config), 73);
    Result<std::unique_ptr<TrustStore>> opened = TrustStore::InMemory({});
    EXPECT_TRUE(opened.ok());
    store = std::move(*opened);
    connector = std::make_unique<Connector>(*client->node, *store, [this](const PeerQuestion& q) {
      questions.push_back(q);
      return answer;
    });
  }

  ConnectTarget Target() {
    ConnectTarget target{kClientAt, kGatewayAt, "dns:gw.example.org",
                         ikewot::testing::BasicPolicy()};
    target.policy.identity = Identity("client", "", 74, world.net.now());
    return target;
  }

  // Runs the network and feeds the client's events to the connector until both are quiet.
  std::vector<ConnectReport> Drive() {
    std::vector<ConnectReport> reports;
    for (int round = 0; round < 10; ++round) {
      world.net.Run(std::chrono::minutes(2));
      if (events_seen == client->events.size()) break;
      for (; events_seen < client->events.size(); ++events_seen)
        connector->OnEvent(client->events[events_seen], world.net.now());
      for (ConnectReport& r : connector->TakeReports()) reports.push_back(std::move(r));
    }
    return reports;
  }
};

TEST(TrustConnectorTest, UnknownPeerIsProbedAskedOnceThenTrustedWithoutAsking) {
  ConnectWorld s;
  // probe: IKE_SA_INIT -->  <--;  IKE_AUTH { IDi, CERTREQ } -->  <-- { IDr, CERT, AUTH };
  //        INFORMATIONAL { D } -->  <--
  // ask the user (unknown), yes: store "accepted"; connect: IKE_SA_INIT, IKE_AUTH with AUTH
  ASSERT_TRUE(s.connector->Connect(s.Target(), s.world.net.now()).ok());
  std::vector<ConnectReport> reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kConnected) << reports[0].reason;
  EXPECT_TRUE(reports[0].asked_user);
  ASSERT_TRUE(reports[0].child.has_value());
  ASSERT_EQ(s.questions.size(), 1u);
  const crypto::Certificate gateway_cert =
      *crypto::Certificate::FromDer(s.gateway_identity.certificate_chain_der[0]);
  EXPECT_EQ(s.questions[0].identification, crypto::SpokenIdentification(gateway_cert));
  EXPECT_EQ(s.questions[0].peer, "dns:gw.example.org");
  ASSERT_TRUE(reports[0].decision.has_value());
  EXPECT_EQ(reports[0].decision->verdict, Verdict::kTrustedDirect);
  Result<std::optional<LocalEntry>> stored = s.store->GetLocal(gateway_cert.Sha256Fingerprint());
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->verdict, LocalVerdict::kAccepted);
  EXPECT_EQ(s.gateway->Count(EventKind::kIkeSaEstablished), 1u);

  // Second time: trusted-direct, no question.
  ASSERT_TRUE(s.connector->Connect(s.Target(), s.world.net.now()).ok());
  reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kConnected) << reports[0].reason;
  EXPECT_FALSE(reports[0].asked_user);
  EXPECT_EQ(s.questions.size(), 1u);
  EXPECT_EQ(s.gateway->Count(EventKind::kIkeSaEstablished), 2u);
}

TEST(TrustConnectorTest, DeclinedPeerIsRecordedAndNeverSeesAnAuthentication) {
  ConnectWorld s;
  s.answer = false;
  ASSERT_TRUE(s.connector->Connect(s.Target(), s.world.net.now()).ok());
  std::vector<ConnectReport> reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kDeclined);
  EXPECT_EQ(s.questions.size(), 1u);
  // The gateway answered a probe and was told to delete it; nobody authenticated to it.
  EXPECT_EQ(s.gateway->Count(EventKind::kIkeSaEstablished), 0u);
  EXPECT_EQ(s.gateway->node->sa_count(), 0u);
  // The answer is stored: next time the verdict is "rejected" and nobody is asked.
  ASSERT_TRUE(s.connector->Connect(s.Target(), s.world.net.now()).ok());
  reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kRefused);
  ASSERT_TRUE(reports[0].decision.has_value());
  EXPECT_EQ(reports[0].decision->verdict, Verdict::kRejected);
  EXPECT_EQ(s.questions.size(), 1u);
}

TEST(TrustConnectorTest, ConflictIsRefusedWithoutAskingOrAuthenticating) {
  ConnectWorld s;
  // The user pinned dns:gw.example.org to another certificate earlier.
  engine::LocalIdentity other =
      Identity("gw.example.org", "dns:gw.example.org", 99, s.world.net.now());
  AcceptOptions pin;
  ASSERT_TRUE(s.store->AddLocal(other.certificate_chain_der[0], pin, s.world.net.now()).ok());
  ASSERT_TRUE(s.connector->Connect(s.Target(), s.world.net.now()).ok());
  std::vector<ConnectReport> reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kRefused);
  ASSERT_TRUE(reports[0].decision.has_value());
  EXPECT_EQ(reports[0].decision->verdict, Verdict::kConflict);
  EXPECT_NE(reports[0].reason.find("conflict"), std::string::npos) << reports[0].reason;
  EXPECT_TRUE(s.questions.empty());
  EXPECT_EQ(s.gateway->Count(EventKind::kIkeSaEstablished), 0u);
}

TEST(TrustConnectorTest, PeerThatCannotBeProbedFails) {
  ConnectWorld s;
  // A gateway that refuses AUTH-less requests shows no certificate: nothing to decide on.
  NodeConfig strict;
  strict.responder_policy = ikewot::testing::BasicPolicy();
  strict.responder_policy.identity = s.gateway_identity;
  strict.responder_policy.allow_probes = false;
  const engine::Endpoint strict_at = engine::Endpoint::V4(198, 51, 100, 30, 500);
  s.world.AddPeer(strict_at, std::move(strict), 75);
  ConnectTarget target = s.Target();
  target.remote = strict_at;
  ASSERT_TRUE(s.connector->Connect(target, s.world.net.now()).ok());
  std::vector<ConnectReport> reports = s.Drive();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, ConnectOutcome::kFailed);
  EXPECT_TRUE(s.questions.empty());
}

}  // namespace
}  // namespace ikewot::trust
