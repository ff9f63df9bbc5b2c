// NodeConfig::peer_knowledge_entries: an IkeNode keeps what exchanges taught it about at most
// that many peers, least recently used dropped first, and a kept entry still spares the next
// connection to that peer its INVALID_KE_PAYLOAD round trip.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids
using crypto::KeyType;
using testing::BasicPolicy;
using testing::EngineWorld;
using testing::MakeIdentity;
using testing::Peer;

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);

// One initiator that guesses X25519 first and several responders that accept only P-256, so a
// connection without knowledge costs an INVALID_KE_PAYLOAD round trip (6 datagrams instead of 4).
struct Star {
  EngineWorld world{7};
  Peer* initiator = nullptr;
  std::vector<Endpoint> responders;
  Policy initiator_policy;

  Star(size_t knowledge_entries, int responder_count) {
    DeterministicRng ids(77);
    const TimePoint now = world.net.now();
    const IkeProposalSpec p256_only{{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhEcp256}};
    initiator_policy =
        BasicPolicy({{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}});
    initiator_policy.identity = MakeIdentity(KeyType::kEcdsaP256, "initiator", ids, now);
    NodeConfig initiator_config;
    initiator_config.peer_knowledge_entries = knowledge_entries;
    initiator = &world.AddPeer(kInitiatorAt, std::move(initiator_config), 1);
    for (int i = 0; i < responder_count; ++i) {
      NodeConfig config;
      config.responder_policy = BasicPolicy(p256_only);
      config.responder_policy.identity = MakeIdentity(KeyType::kEcdsaP256, "responder", ids, now);
      const Endpoint at = Endpoint::V4(198, 51, 100, static_cast<uint8_t>(20 + i), 500);
      world.AddPeer(at, std::move(config), 10 + static_cast<uint64_t>(i));
      responders.push_back(at);
    }
  }

  // Connects to responder i and returns the datagrams the connection took (both directions).
  uint64_t ConnectTo(int i) {
    const uint64_t before = world.net.sent();
    const size_t established = initiator->Count(EventKind::kIkeSaEstablished);
    Result<SaHandle> h =
        initiator->node->Connect(kInitiatorAt, responders[i], initiator_policy, world.net.now());
    EXPECT_TRUE(h.ok()) << h.error().ToString();
    world.net.Run(std::chrono::seconds(5));
    EXPECT_EQ(initiator->Count(EventKind::kIkeSaEstablished), established + 1) << "responder " << i;
    return world.net.sent() - before;
  }
  const PeerKnowledge* KnowledgeOf(int i) const {
    return initiator->node->KnowledgeOf(responders[i].address);
  }
};

TEST(EnginePeerKnowledgeBoundTest, KeepsAtMostTheConfiguredNumberOfPeers) {
  Star s(/*knowledge_entries=*/2, /*responder_count=*/5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s.ConnectTo(i), 6u) << "first contact with responder " << i;
    EXPECT_LE(s.initiator->node->known_peer_count(), 2u);
    ASSERT_NE(s.KnowledgeOf(i), nullptr);
    EXPECT_EQ(s.KnowledgeOf(i)->ke_group, kDhEcp256);
  }
  EXPECT_EQ(s.initiator->node->known_peer_count(), 2u);
  // The two most recent peers are kept, the older ones are gone.
  EXPECT_NE(s.KnowledgeOf(4), nullptr);
  EXPECT_NE(s.KnowledgeOf(3), nullptr);
  EXPECT_EQ(s.KnowledgeOf(2), nullptr);
  EXPECT_EQ(s.KnowledgeOf(1), nullptr);
  EXPECT_EQ(s.KnowledgeOf(0), nullptr);
}

TEST(EnginePeerKnowledgeBoundTest, AHitSavesTheInvalidKeRoundTripAndEvictionIsLeastRecentlyUsed) {
  Star s(/*knowledge_entries=*/2, /*responder_count=*/3);
  EXPECT_EQ(s.ConnectTo(0), 6u);  // INIT(KE 31) -> INVALID_KE(19) -> INIT(KE 19) -> ... AUTH
  EXPECT_EQ(s.ConnectTo(1), 6u);
  EXPECT_EQ(s.ConnectTo(0), 4u);  // known: starts with group 19 (and is now the newest entry)
  EXPECT_EQ(s.ConnectTo(2), 6u);  // a third peer: evicts the least recently used, responder 1
  EXPECT_NE(s.KnowledgeOf(0), nullptr);
  EXPECT_EQ(s.KnowledgeOf(1), nullptr);
  EXPECT_EQ(s.ConnectTo(0), 4u);  // still known
  EXPECT_EQ(s.ConnectTo(2), 4u);
  EXPECT_EQ(s.ConnectTo(1), 6u);  // forgotten: pays the round trip again
  EXPECT_EQ(s.initiator->node->known_peer_count(), 2u);
}

TEST(EnginePeerKnowledgeBoundTest, ZeroKeepsNothing) {
  Star s(/*knowledge_entries=*/0, /*responder_count=*/1);
  EXPECT_EQ(s.ConnectTo(0), 6u);
  EXPECT_EQ(s.initiator->node->known_peer_count(), 0u);
  EXPECT_EQ(s.KnowledgeOf(0), nullptr);
  EXPECT_EQ(s.ConnectTo(0), 6u);
}

}  // namespace
}  // namespace ikewot::engine
