// PeerCertificateCache (core/engine/peer_certificates.h) on its own, and inside two IkeNodes:
// a second handshake with the same peer parses nothing, yet a wrong key, a rejecting trust
// decision and a damaged certificate still fail exactly as on first contact.
#include <gtest/gtest.h>

#include "core/engine/peer_certificates.h"
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
const TimePoint kNow = TimePoint::FromUnixSeconds(1767225600);

Bytes CertificateDer(const std::string& name, uint64_t seed) {
  DeterministicRng rng(seed);
  return MakeIdentity(KeyType::kEcdsaP256, name, rng, kNow).certificate_chain_der.front();
}

TEST(PeerCertificateCacheTest, SecondParseOfTheSameOctetsIsAHitWithTheSameCertificate) {
  const Bytes der = CertificateDer("alice", 1);
  PeerCertificateCache cache(4);
  Result<crypto::Certificate> first = cache.Parse(der);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  // The key must be the cache's own copy: the caller's buffer may go away.
  Bytes copy = der;
  Result<crypto::Certificate> second = cache.Parse(copy);
  copy.assign(copy.size(), 0);
  Result<crypto::Certificate> third = cache.Parse(der);
  ASSERT_TRUE(second.ok() && third.ok());
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.size(), 1u);
  Result<crypto::Certificate> direct = crypto::Certificate::FromDer(der);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(third->ToDer(), der);
  EXPECT_EQ(third->Sha256Fingerprint(), direct->Sha256Fingerprint());
  EXPECT_EQ(third->SubjectDer(), direct->SubjectDer());
}

TEST(PeerCertificateCacheTest, PublicKeyIsComputedOnceAndMatchesTheCertificate) {
  const Bytes der = CertificateDer("bob", 2);
  PeerCertificateCache cache(4);
  Result<crypto::Certificate> cert = cache.Parse(der);
  ASSERT_TRUE(cert.ok());
  Result<crypto::PublicKey> a = cache.PublicKeyOf(*cert);
  Result<crypto::PublicKey> b = cache.PublicKeyOf(*cert);
  Result<crypto::PublicKey> direct = cert->public_key();
  ASSERT_TRUE(a.ok() && b.ok() && direct.ok());
  EXPECT_EQ(a->pkey(), b->pkey());  // the remembered key object, not a second decode
  EXPECT_TRUE(a->Equals(*direct));
  // A certificate that is not in the cache still gets its key (computed, not remembered).
  PeerCertificateCache empty(4);
  Result<crypto::PublicKey> uncached = empty.PublicKeyOf(*cert);
  ASSERT_TRUE(uncached.ok());
  EXPECT_TRUE(uncached->Equals(*direct));
  EXPECT_EQ(empty.size(), 0u);
}

TEST(PeerCertificateCacheTest, BoundEvictsTheLeastRecentlyUsed) {
  const Bytes a = CertificateDer("a", 3), b = CertificateDer("b", 4), c = CertificateDer("c", 5);
  PeerCertificateCache cache(2);
  ASSERT_TRUE(cache.Parse(a).ok());
  ASSERT_TRUE(cache.Parse(b).ok());
  ASSERT_TRUE(cache.Parse(a).ok());  // a is now the most recent
  ASSERT_TRUE(cache.Parse(c).ok());  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.stats().evictions, 1u);
  const uint64_t misses = cache.stats().misses;
  ASSERT_TRUE(cache.Parse(a).ok());
  ASSERT_TRUE(cache.Parse(c).ok());
  EXPECT_EQ(cache.stats().misses, misses);  // both still there
  ASSERT_TRUE(cache.Parse(b).ok());
  EXPECT_EQ(cache.stats().misses, misses + 1);  // b was gone
  EXPECT_EQ(cache.size(), 2u);
}

TEST(PeerCertificateCacheTest, FailuresAreNotRememberedAndGiveTheSameError) {
  Bytes der = CertificateDer("mallory", 6);
  der.push_back(0);  // trailing octet
  PeerCertificateCache cache(4);
  Result<crypto::Certificate> cached = cache.Parse(der);
  Result<crypto::Certificate> again = cache.Parse(der);
  Result<crypto::Certificate> direct = crypto::Certificate::FromDer(der);
  ASSERT_FALSE(cached.ok());
  ASSERT_FALSE(again.ok());
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(cached.error().ToString(), direct.error().ToString());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().misses, 2u);
  // Every prefix fails too, and none of them is kept.
  der.pop_back();
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(cache.Parse(ByteView(der).first(n)).ok()) << n;
  }
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PeerCertificateCacheTest, ZeroEntriesDisablesCaching) {
  const Bytes der = CertificateDer("carol", 7);
  PeerCertificateCache cache(0);
  ASSERT_TRUE(cache.Parse(der).ok());
  ASSERT_TRUE(cache.Parse(der).ok());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().misses, 2u);
}

// Two nodes; the initiator connects `n` times with `policy`.
struct Nodes {
  EngineWorld world{1};
  Peer* initiator;
  Peer* responder;
  Policy policy;

  Nodes() {
    DeterministicRng ids(101);
    NodeConfig responder_config;
    responder_config.responder_policy = BasicPolicy();
    responder_config.responder_policy.identity =
        MakeIdentity(KeyType::kEcdsaP256, "responder", ids, world.net.now());
    policy = BasicPolicy();
    policy.identity = MakeIdentity(KeyType::kEcdsaP256, "initiator", ids, world.net.now());
    initiator = &world.AddPeer(kInitiatorAt, NodeConfig{}, 2);
    responder = &world.AddPeer(kResponderAt, std::move(responder_config), 3);
  }
  void Connect(const Policy& with) {
    Result<SaHandle> h =
        initiator->node->Connect(kInitiatorAt, kResponderAt, with, world.net.now());
    ASSERT_TRUE(h.ok()) << h.error().ToString();
    world.net.Run(std::chrono::minutes(2));
  }
};

TEST(PeerCertificateCacheTest, RepeatedHandshakesHitTheCacheOnBothSides) {
  Nodes n;
  n.Connect(n.policy);
  n.Connect(n.policy);
  n.Connect(n.policy);
  EXPECT_EQ(n.initiator->Count(EventKind::kChildSaEstablished), 3u);
  EXPECT_EQ(n.responder->Count(EventKind::kChildSaEstablished), 3u);
  for (const Peer* p : {n.initiator, n.responder}) {
    const PeerCertificateCacheStats& stats = p->node->peer_certificates().stats();
    EXPECT_EQ(stats.misses, 1u);
    EXPECT_EQ(stats.hits, 2u);
    EXPECT_EQ(p->node->peer_certificates().size(), 1u);
  }
}

TEST(PeerCertificateCacheTest, CachedCertificateWithTheWrongKeyStillFailsAuthentication) {
  Nodes n;
  n.Connect(n.policy);  // both caches now hold the other's certificate
  ASSERT_EQ(n.responder->Count(EventKind::kIkeSaEstablished), 1u);
  // IKE_AUTH { IDi, CERT (cached), AUTH signed with another key } -->
  //                                           <-- { N(AUTHENTICATION_FAILED) }
  DeterministicRng other(999);
  Policy forged = n.policy;
  forged.identity = MakeIdentity(KeyType::kEcdsaP256, "x", other, n.world.net.now());
  forged.identity.certificate_chain_der = n.policy.identity.certificate_chain_der;
  n.Connect(forged);
  EXPECT_EQ(n.responder->node->peer_certificates().stats().hits, 1u);  // the cert was a hit
  EXPECT_EQ(n.responder->Count(EventKind::kIkeSaEstablished), 1u);     // but no new SA
  ASSERT_NE(n.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_NE(n.initiator->Last(EventKind::kFailed)->reason.find("AUTHENTICATION_FAILED"),
            std::string::npos);
}

TEST(PeerCertificateCacheTest, TrustDecisionRunsOnEveryHandshake) {
  Nodes n;
  int asked = 0;
  bool reject = false;
  n.policy.accept_peer = [&](const PeerCertificateView&) {
    ++asked;
    return reject ? CertificateDecision::kReject : CertificateDecision::kAcceptTrusted;
  };
  n.Connect(n.policy);
  reject = true;  // e.g. the user revoked the peer after the first handshake
  n.Connect(n.policy);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(n.initiator->node->peer_certificates().stats().hits, 1u);
  EXPECT_EQ(n.initiator->Count(EventKind::kChildSaEstablished), 1u);
  ASSERT_NE(n.initiator->Last(EventKind::kFailed), nullptr);
  EXPECT_EQ(n.initiator->Last(EventKind::kFailed)->reason, "peer certificate rejected");
}

TEST(PeerCertificateCacheTest, DisabledCacheStillEstablishes) {
  Nodes n;
  NodeConfig config;
  config.peer_certificate_cache_entries = 0;
  Peer& fresh = n.world.AddPeer(Endpoint::V4(192, 0, 2, 11, 500), config, 4);
  for (int i = 0; i < 2; ++i) {
    Result<SaHandle> h = fresh.node->Connect(Endpoint::V4(192, 0, 2, 11, 500), kResponderAt,
                                             n.policy, n.world.net.now());
    ASSERT_TRUE(h.ok());
    n.world.net.Run(std::chrono::minutes(2));
  }
  EXPECT_EQ(fresh.Count(EventKind::kChildSaEstablished), 2u);
  EXPECT_EQ(fresh.node->peer_certificates().stats().misses, 2u);
  EXPECT_EQ(fresh.node->peer_certificates().size(), 0u);
}

}  // namespace
}  // namespace ikewot::engine
