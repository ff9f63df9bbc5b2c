// Exchange tests: two IkeNodes in one process on a virtual-time network, no sockets. Each step
// is written as a message arrow.
#include <gtest/gtest.h>

#include "core/crypto/identification.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids
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

}  // namespace
}  // namespace ikewot::engine
