// Two (or more) IkeNodes on a VirtualNetwork, with identities and policies for exchange tests.
// Header-only (the unit-test glob compiles only tests/unit/*_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/engine/ike_node.h"
#include "tests/unit/testing/virtual_network.h"

namespace ikewot::testing {

using engine::Event;
using engine::EventKind;
using engine::IkeNode;
using engine::LocalIdentity;
using engine::Policy;

inline LocalIdentity MakeIdentity(crypto::KeyType type, const std::string& name, Rng& rng,
                                  TimePoint now) {
  Result<crypto::PrivateKey> key = crypto::PrivateKey::Generate(type, rng);
  EXPECT_TRUE(key.ok()) << key.error().ToString();
  Result<crypto::Certificate> cert =
      crypto::MakeSelfSigned(*key, crypto::SelfSignedOptions{name, {}, 365}, now, rng);
  EXPECT_TRUE(cert.ok()) << cert.error().ToString();
  LocalIdentity identity;
  identity.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  identity.certificate_chain_der = {cert->ToDer()};
  return identity;
}

inline engine::IkeProposalSpec GcmX25519() {
  return {{{crypto::kEncrAesGcm16, 256}}, {crypto::kPrfHmacSha2_256}, {}, {crypto::kDhCurve25519}};
}
inline engine::EspProposalSpec EspGcm() { return {{{crypto::kEncrAesGcm16, 256}}, {}, false}; }

inline Policy BasicPolicy(engine::IkeProposalSpec ike = GcmX25519()) {
  Policy policy;
  policy.ike_proposals = {std::move(ike)};
  policy.esp_proposals = {EspGcm()};
  return policy;
}

struct Peer {
  Endpoint endpoint;
  std::unique_ptr<DeterministicRng> rng;
  std::unique_ptr<IkeNode> node;
  std::vector<Event> events;

  const Event* Last(EventKind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->kind == kind) return &*it;
    }
    return nullptr;
  }
  size_t Count(EventKind kind) const {
    size_t n = 0;
    for (const Event& e : events) n += e.kind == kind;
    return n;
  }
};

class EngineWorld {
 public:
  explicit EngineWorld(uint64_t seed = 1) : net(seed) {}

  Peer& AddPeer(Endpoint endpoint, engine::NodeConfig config, uint64_t seed) {
    auto peer = std::make_unique<Peer>();
    peer->endpoint = endpoint;
    peer->rng = std::make_unique<DeterministicRng>(seed);
    peer->node = std::make_unique<IkeNode>(std::move(config), *peer->rng);
    Peer* p = peer.get();
    net.AddHost(endpoint.address, VirtualHost{[p](const Datagram& d, TimePoint now) {
                                                p->node->HandleDatagram(d, now);
                                                Collect(*p);
                                              },
                                              [p] { return p->node->NextDeadline(); },
                                              [p](TimePoint now) {
                                                p->node->HandleTimeout(now);
                                                Collect(*p);
                                              },
                                              [p] { return p->node->TakeOutgoing(); }});
    peers_.push_back(std::move(peer));
    return *p;
  }

  static void Collect(Peer& p) {
    for (Event& e : p.node->TakeEvents()) p.events.push_back(std::move(e));
  }

  VirtualNetwork net;

 private:
  std::vector<std::unique_ptr<Peer>> peers_;
};

}  // namespace ikewot::testing
