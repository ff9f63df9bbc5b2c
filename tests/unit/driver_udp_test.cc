// The UDP driver over real sockets on loopback: address text, sockets that learn and choose the
// local address, and the engine driven by NodeRunner -- probes (IPv4, IPv6, several targets at
// once against a responder bound to the unspecified address), a full connect, and a probe that
// gets no answer.
#include <gtest/gtest.h>

#include <chrono>

#include "core/crypto/identification.h"
#include "driver/address.h"
#include "driver/event_loop.h"
#include "driver/node_runner.h"
#include "driver/prober.h"
#include "driver/udp_socket.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::driver {
namespace {

using namespace std::chrono_literals;
using engine::Endpoint;

const Bytes kLoopback4 = {127, 0, 0, 1};
const Bytes kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

TEST(DriverAddressTest, HostPortText) {
  auto a = SplitHostPort("192.0.2.1:4500");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "192.0.2.1");
  EXPECT_EQ(a->port, 4500);
  auto b = SplitHostPort("[2001:db8::1]:500");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "2001:db8::1");
  EXPECT_EQ(b->port, 500);
  auto c = SplitHostPort("2001:db8::1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 0);
  auto d = SplitHostPort("vpn.example.org");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "vpn.example.org");
  for (const char* bad :
       {"", "host:", "host:0", "host:65536", "host:5x", "[::1", "[::1]x", ":500"}) {
    EXPECT_FALSE(SplitHostPort(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatEndpoint(Endpoint{*ParseIpAddress("2001:db8::1"), 500}), "[2001:db8::1]:500");
  EXPECT_EQ(FormatEndpoint(Endpoint{kLoopback4, 4500}), "127.0.0.1:4500");
  EXPECT_FALSE(ParseIpAddress("300.1.1.1").ok());
  auto resolved = ResolveHost("127.0.0.1", Family::kIpv6);
  EXPECT_FALSE(resolved.ok());  // an IPv4 literal is not an IPv6 address
  auto localhost = ResolveHost("localhost", Family::kIpv4);
  ASSERT_TRUE(localhost.ok()) << localhost.error().ToString();
  EXPECT_EQ(localhost->front().size(), 4u);
  auto source = SourceAddressFor(Endpoint{Bytes{127, 0, 0, 2}, 500});
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(source->size(), 4u);
}

TEST(DriverUdpTest, WildcardSocketLearnsDestinationAndAnswersFromIt) {
  auto server = UdpSocket::Bind(Endpoint{Bytes(4, 0), 0});
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  ASSERT_TRUE(server->wildcard());
  ASSERT_NE(server->bound().port, 0);
  auto client = UdpSocket::Bind(Endpoint{kLoopback4, 0});
  ASSERT_TRUE(client.ok());
  const Bytes second_loopback = {127, 0, 0, 2};
  ASSERT_TRUE(
      client
          ->Send({client->bound(), Endpoint{second_loopback, server->bound().port}, Bytes{1, 2, 3}})
          .ok());
  std::optional<engine::Datagram> got;
  for (int i = 0; i < 200 && !got; ++i) {
    auto r = server->Receive();
    ASSERT_TRUE(r.ok());
    got = *r;
    if (!got) std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, (Bytes{1, 2, 3}));
  EXPECT_EQ(got->local.address, second_loopback);  // from IP_PKTINFO
  EXPECT_EQ(got->remote, client->bound());
  // The answer leaves from the address it was sent to.
  ASSERT_TRUE(server->Send({got->local, got->remote, Bytes{4}}).ok());
  std::optional<engine::Datagram> answer;
  for (int i = 0; i < 200 && !answer; ++i) {
    answer = *client->Receive();
    if (!answer) std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->remote.address, second_loopback);
  // Nothing waiting: nullopt, not an error.
  auto empty = client->Receive();
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
  // A family mismatch is refused.
  EXPECT_FALSE(client->Send({client->bound(), Endpoint{kLoopback6, 500}, Bytes{1}}).ok());
}

// A responder node with an identity, driven by a NodeRunner on `loop`.
struct Responder {
  DeterministicRng rng{7};
  std::unique_ptr<engine::IkeNode> node;
  std::unique_ptr<NodeRunner> runner;
  Endpoint bound;
  std::vector<engine::Event> events;
  Bytes certificate_der;

  Responder(EventLoop& loop, Bytes address) {
    engine::NodeConfig config;
    config.responder_policy = testing::BasicPolicy();
    config.responder_policy.identity =
        testing::MakeIdentity(crypto::KeyType::kEcdsaP256, "responder.test", rng, loop.Now());
    certificate_der = config.responder_policy.identity.certificate_chain_der[0];
    node = std::make_unique<engine::IkeNode>(std::move(config), rng);
    runner = std::make_unique<NodeRunner>(loop, *node);
    runner->SetEventHandler([this](const engine::Event& e) { events.push_back(e); });
    auto b = runner->Listen(ListenSpec{std::move(address), 0, 0});
    EXPECT_TRUE(b.ok()) << b.error().ToString();
    if (b.ok()) bound = *b;
  }
};

std::vector<ProbeOutcome> Probe(EventLoop& loop, std::vector<Endpoint> targets) {
  std::vector<ProbeJob> jobs;
  for (const Endpoint& t : targets) jobs.push_back({t, testing::BasicPolicy()});
  DeterministicRng rng(11);
  auto outcomes = ProbeAll(loop, jobs, ProbeOptions{}, rng);
  EXPECT_TRUE(outcomes.ok()) << outcomes.error().ToString();
  return outcomes.ok() ? *outcomes : std::vector<ProbeOutcome>{};
}

void ExpectCompleted(const ProbeOutcome& o, const Bytes& certificate_der) {
  EXPECT_FALSE(o.local_error) << o.local_error->ToString();
  EXPECT_EQ(o.result.stop, engine::ProbeStop::kCompleted) << o.result.detail;
  EXPECT_EQ(o.result.auth, engine::ResponderAuth::kVerified);
  ASSERT_EQ(o.result.certificates.size(), 1u);
  EXPECT_EQ(o.result.certificates[0].der, certificate_der);
  EXPECT_EQ(o.result.round_trips, 2u);
}

TEST(DriverProbeTest, ProbeOverIpv4Loopback) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Responder responder(**loop, kLoopback4);
  auto outcomes = Probe(**loop, {responder.bound});
  ASSERT_EQ(outcomes.size(), 1u);
  ExpectCompleted(outcomes[0], responder.certificate_der);
  EXPECT_GT(responder.runner->counters().received, 0u);
  // The polite delete reached the responder before ProbeAll returned.
  EXPECT_EQ(responder.node->sa_count(), 0u);
}

TEST(DriverProbeTest, ProbeOverIpv6Loopback) {
  if (!UdpSocket::Bind(Endpoint{kLoopback6, 0}).ok()) GTEST_SKIP() << "no IPv6 loopback here";
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Responder responder(**loop, kLoopback6);
  auto outcomes = Probe(**loop, {responder.bound});
  ASSERT_EQ(outcomes.size(), 1u);
  ExpectCompleted(outcomes[0], responder.certificate_der);
  EXPECT_EQ(outcomes[0].result.target, responder.bound.ToString());
}

TEST(DriverProbeTest, ManyTargetsConcurrentlyOnOneSocketPair) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Responder responder(**loop, Bytes(4, 0));  // 0.0.0.0: answers on every loopback address
  std::vector<Endpoint> targets;
  for (uint8_t host = 1; host <= 6; ++host) {
    targets.push_back(Endpoint{Bytes{127, 0, 0, host}, responder.bound.port});
  }
  targets.push_back(targets[0]);  // the same target twice: probed one after the other
  auto outcomes = Probe(**loop, targets);
  ASSERT_EQ(outcomes.size(), targets.size());
  for (const ProbeOutcome& o : outcomes) {
    SCOPED_TRACE(o.result.target);
    ExpectCompleted(o, responder.certificate_der);
  }
}

TEST(DriverProbeTest, NoAnswerTimesOutWithRetransmissions) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  // A bound socket that never answers.
  auto silent = UdpSocket::Bind(Endpoint{kLoopback4, 0});
  ASSERT_TRUE(silent.ok());
  engine::Policy policy = testing::BasicPolicy();
  policy.retransmit.initial_timeout = 50ms;
  policy.retransmit.max_tries = 3;
  DeterministicRng rng(3);
  const TimePoint start = (*loop)->Now();
  auto outcomes = ProbeAll(**loop, {{silent->bound(), policy}}, ProbeOptions{}, rng);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_EQ((*outcomes)[0].result.stop, engine::ProbeStop::kTimeout);
  EXPECT_EQ((*outcomes)[0].result.retransmissions, 2u);
  EXPECT_GE((*loop)->Now() - start, 350ms);  // 50 + 100 + 200 ms
  EXPECT_LT((*loop)->Now() - start, 5s);
  // Every transmission really reached the socket.
  int seen = 0;
  while (true) {
    auto r = silent->Receive();
    ASSERT_TRUE(r.ok());
    if (!*r) break;
    ++seen;
  }
  EXPECT_EQ(seen, 3);
}

TEST(DriverProbeTest, WrongFamilyFailsAloneWithAClearError) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Responder responder(**loop, kLoopback4);
  DeterministicRng rng(5);
  ProbeOptions options;
  options.source = kLoopback4;  // IPv4 only: the IPv6 target cannot be reached
  auto outcomes = ProbeAll(**loop,
                           {{Endpoint{kLoopback6, 500}, testing::BasicPolicy()},
                            {responder.bound, testing::BasicPolicy()}},
                           options, rng);
  ASSERT_TRUE(outcomes.ok());
  ASSERT_TRUE((*outcomes)[0].local_error);
  EXPECT_NE((*outcomes)[0].local_error->message.find("IPv6"), std::string::npos);
  ExpectCompleted((*outcomes)[1], responder.certificate_der);
}

TEST(DriverRunnerTest, ConnectEstablishesChildSaOverUdp) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Responder responder(**loop, kLoopback4);
  DeterministicRng rng(21);
  engine::IkeNode initiator({}, rng);
  NodeRunner runner(**loop, initiator);
  ASSERT_TRUE(runner.Listen(ListenSpec{kLoopback4, 0, 0}).ok());
  std::vector<engine::Event> events;
  runner.SetEventHandler([&](const engine::Event& e) {
    events.push_back(e);
    if (e.kind == engine::EventKind::kChildSaEstablished) (*loop)->Stop();
  });
  engine::Policy policy = testing::BasicPolicy();
  policy.identity =
      testing::MakeIdentity(crypto::KeyType::kEd25519, "initiator.test", rng, (*loop)->Now());
  auto local = runner.LocalEndpointFor(responder.bound);
  ASSERT_TRUE(local.ok());
  auto handle = initiator.Connect(*local, responder.bound, policy, (*loop)->Now());
  ASSERT_TRUE(handle.ok()) << handle.error().ToString();
  runner.Pump();
  auto exit = (*loop)->Run((*loop)->Now() + 10s);
  ASSERT_TRUE(exit.ok());
  ASSERT_EQ(*exit, EventLoop::Exit::kStopped);
  const engine::Event& mine = events.back();
  ASSERT_EQ(mine.kind, engine::EventKind::kChildSaEstablished);
  // The responder's CHILD SA matches ours (it was delivered in the same loop turn or earlier).
  const engine::Event* theirs = nullptr;
  for (const auto& e : responder.events) {
    if (e.kind == engine::EventKind::kChildSaEstablished) theirs = &e;
  }
  ASSERT_NE(theirs, nullptr);
  EXPECT_EQ(mine.child.spi_initiator, theirs->child.spi_initiator);
  EXPECT_EQ(mine.child.encr_key_i_to_r, theirs->child.encr_key_i_to_r);
  // Delete politely: both sides see kDeleted.
  ASSERT_TRUE(initiator.Delete(*handle, (*loop)->Now()).ok());
  runner.SetEventHandler([&](const engine::Event& e) {
    if (e.kind == engine::EventKind::kDeleted) (*loop)->Stop();
  });
  runner.Pump();
  exit = (*loop)->Run((*loop)->Now() + 10s);
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, EventLoop::Exit::kStopped);
  EXPECT_EQ(initiator.sa_count(), 0u);
  EXPECT_EQ(responder.events.back().kind, engine::EventKind::kDeleted);
}

}  // namespace
}  // namespace ikewot::driver
