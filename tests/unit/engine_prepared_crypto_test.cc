// The engine with prepared crypto (NodeConfig::prepared_crypto, crypto/prepared.h): nodes that
// share one PreparedCrypto establish as nodes with their own do, produce the same CHILD SA keys
// on both sides, and the prepared signing and verification contexts never turn a wrong key
// into a success.
#include <gtest/gtest.h>

#include <memory>

#include "core/crypto/prepared.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

using crypto::KeyType;
using testing::BasicPolicy;
using testing::EngineWorld;
using testing::MakeIdentity;
using testing::Peer;

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);
const Endpoint kResponderAt = Endpoint::V4(198, 51, 100, 20, 500);

struct SharedPair {
  EngineWorld world{5};
  std::shared_ptr<crypto::PreparedCrypto> shared = std::make_shared<crypto::PreparedCrypto>();
  Peer* initiator;
  Peer* responder;
  Policy policy;

  explicit SharedPair(KeyType key_type) {
    DeterministicRng ids(77);
    NodeConfig responder_config;
    responder_config.prepared_crypto = shared;
    responder_config.responder_policy = BasicPolicy();
    responder_config.responder_policy.identity =
        MakeIdentity(key_type, "responder", ids, world.net.now());
    NodeConfig initiator_config;
    initiator_config.prepared_crypto = shared;
    policy = BasicPolicy();
    policy.identity = MakeIdentity(key_type, "initiator", ids, world.net.now());
    initiator = &world.AddPeer(kInitiatorAt, initiator_config, 8);
    responder = &world.AddPeer(kResponderAt, std::move(responder_config), 9);
  }
  void Connect(const Policy& with) {
    Result<SaHandle> h =
        initiator->node->Connect(kInitiatorAt, kResponderAt, with, world.net.now());
    ASSERT_TRUE(h.ok()) << h.error().ToString();
    world.net.Run(std::chrono::minutes(2));
  }
};

TEST(EnginePreparedCryptoTest, NodesSharingOnePreparedCryptoEstablishWithEqualKeys) {
  for (KeyType key_type : {KeyType::kEcdsaP256, KeyType::kEd25519}) {
    SharedPair pair(key_type);
    for (int i = 0; i < 3; ++i) pair.Connect(pair.policy);
    ASSERT_EQ(pair.initiator->Count(EventKind::kChildSaEstablished), 3u);
    ASSERT_EQ(pair.responder->Count(EventKind::kChildSaEstablished), 3u);
    const ChildSaInfo& mine = pair.initiator->Last(EventKind::kChildSaEstablished)->child;
    const ChildSaInfo& theirs = pair.responder->Last(EventKind::kChildSaEstablished)->child;
    EXPECT_EQ(mine.encr_key_i_to_r, theirs.encr_key_i_to_r);
    EXPECT_EQ(mine.encr_key_r_to_i, theirs.encr_key_r_to_i);
    // Both nodes' signing keys went through the one object, within its bound.
    EXPECT_EQ(pair.shared->signing().size(), 2u);
  }
}

// The responder has verified the initiator's certificate once (its cache entry now holds a
// prepared verification context); an AUTH made with another key under the same certificate
// must still fail, and the genuine key must still succeed afterwards.
TEST(EnginePreparedCryptoTest, PreparedVerificationStillRefusesTheWrongKey) {
  SharedPair pair(KeyType::kEcdsaP256);
  pair.Connect(pair.policy);
  DeterministicRng other(4242);
  Policy forged = pair.policy;
  forged.identity = MakeIdentity(KeyType::kEcdsaP256, "x", other, pair.world.net.now());
  forged.identity.certificate_chain_der = pair.policy.identity.certificate_chain_der;
  pair.Connect(forged);
  ASSERT_NE(pair.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_NE(pair.initiator->Last(EventKind::kFailed)->reason.find("AUTHENTICATION_FAILED"),
            std::string::npos);
  pair.Connect(pair.policy);
  EXPECT_EQ(pair.responder->Count(EventKind::kChildSaEstablished), 2u);
  EXPECT_EQ(pair.responder->node->peer_certificates().stats().hits, 2u);
}

}  // namespace
}  // namespace ikewot::engine
