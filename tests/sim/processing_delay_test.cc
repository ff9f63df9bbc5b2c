// The node's processing time (IkewotApplication ProcessingDelay d) and the parallel engine
// executor. Three nodes on a LAN with a 5 ms one-way delay; every IPv4 packet a node sends or
// receives is written down with its ns-3 time. With d = 100 ms:
//
//   t = 1.000  alice.Connect(bob)       alice busy until 1.100
//   t = 1.050  bob.Connect(carol)       bob busy until 1.150
//   t = 1.100  alice IKE_SA_INIT request  -->  bob (arrives ~1.11: bob is busy, it waits)
//   t = 1.150  bob IKE_SA_INIT request    -->  carol        (bob's own call ends)
//              bob starts alice's request (now = 1.150)    bob busy until 1.250
//   t = 1.250  bob IKE_SA_INIT response   -->  alice
// and every packet a node sends in answer leaves exactly d after the call that made it started.
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/directory.h"
#include "sim/engine_executor.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/scenarios/large_group.h"
#include "sim/topology.h"
#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim {
namespace {

// One IPv4 packet seen by a node's stack: when, which way, the other end (last octet).
struct Seen {
  int64_t t_ns;
  uint32_t node;
  bool sent;
  uint8_t other;
};
std::vector<Seen>* seen = nullptr;

uint8_t LastOctet(const Bytes& ip, size_t offset) { return ip.size() > offset ? ip[offset] : 0; }

void Record(uint32_t node, bool sent, ns3::Ptr<const ns3::Packet> packet) {
  Bytes ip(packet->GetSize());
  packet->CopyData(ip.data(), ip.size());
  if (seen == nullptr || ip.size() < 20 || ip[9] != 17) return;  // UDP only
  seen->push_back(
      Seen{ns3::Simulator::Now().GetNanoSeconds(), node, sent, LastOctet(ip, sent ? 19 : 15)});
}

constexpr uint8_t kAlice = 2, kBob = 3, kCarol = 4;  // 10.7.0.x

class ProcessingDelayTest : public ::testing::Test {
 protected:
  void SetUp() override { seen = &seen_; }
  void TearDown() override {
    ns3::Simulator::Destroy();
    seen = nullptr;
  }

  // Alice connects to Bob at 1.000 s, Bob to Carol at 1.050 s.
  void Run(ns3::Time delay, unsigned threads) {
    ns3::RngSeedManager::SetSeed(5);
    ns3::RngSeedManager::SetRun(1);
    ns3::NodeContainer nodes;
    nodes.Create(3);
    InstallStack(nodes);
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(5));
    for (uint32_t i = 0; i < 3; ++i) {
      Attach(nodes.Get(i), lan, ns3::Ipv4Address((10u << 24) | (7u << 16) | (kAlice + i)),
             ns3::Ipv4Mask("/24"));
      ns3::Ptr<ns3::Ipv4L3Protocol> ipv4 = nodes.Get(i)->GetObject<ns3::Ipv4L3Protocol>();
      ipv4->TraceConnectWithoutContext(
          "Tx", ns3::MakeBoundCallback(
                    +[](uint32_t node, ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>,
                        uint32_t) { Record(node, true, p); },
                    i));
      ipv4->TraceConnectWithoutContext(
          "Rx", ns3::MakeBoundCallback(
                    +[](uint32_t node, ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>,
                        uint32_t) { Record(node, false, p); },
                    i));
    }
    IkewotHelper helper(&directory_);
    helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
    helper.SetAttribute("ProcessingDelay", ns3::TimeValue(delay));
    helper.SetEngineExecutor(std::make_shared<EngineExecutor>(threads));
    ns3::ApplicationContainer apps = helper.Install(nodes, 0, {"alice", "bob", "carol"});
    apps.Start(ns3::Seconds(0));
    for (uint32_t i = 0; i < 3; ++i)
      apps_.push_back(ns3::DynamicCast<IkewotApplication>(apps.Get(i)));
    ns3::Simulator::Schedule(ns3::Seconds(1), [this] {
      apps_[0]->Connect(apps_[1]->address(), [this](bool ok) { outcomes_["alice"] = ok; });
    });
    ns3::Simulator::Schedule(ns3::MilliSeconds(1050), [this] {
      apps_[1]->Connect(apps_[2]->address(), [this](bool ok) { outcomes_["bob"] = ok; });
    });
    ns3::Simulator::Stop(ns3::Seconds(10));
    ns3::Simulator::Run();
  }

  // The time of the first packet `node` sent to / received from `other`; -1 if none.
  int64_t First(uint32_t node, bool sent, uint8_t other) const {
    for (const Seen& s : seen_) {
      if (s.node == node && s.sent == sent && s.other == other) return s.t_ns;
    }
    return -1;
  }
  std::string All() const {
    std::string all;
    for (const Seen& s : seen_) {
      all += std::to_string(s.t_ns) + " node " + std::to_string(s.node) +
             (s.sent ? " sent to ." : " got from .") + std::to_string(s.other) + "\n";
    }
    return all;
  }

  std::vector<Seen> seen_;
  Directory directory_;
  std::vector<ns3::Ptr<IkewotApplication>> apps_;
  std::map<std::string, bool> outcomes_;
};

constexpr int64_t kMs = 1000000;

TEST_F(ProcessingDelayTest, DatagramArrivingWhileBusyIsHandledAtTheEndOfTheBusyPeriod) {
  Run(ns3::MilliSeconds(100), 2);
  // alice.Connect at 1.000 -> IKE_SA_INIT request out at 1.100.
  EXPECT_EQ(First(0, true, kBob), 1100 * kMs) << All();
  // bob.Connect at 1.050 -> its request to carol at 1.150.
  EXPECT_EQ(First(1, true, kCarol), 1150 * kMs) << All();
  // alice's request reached bob while he was busy (1.050-1.150) ...
  const int64_t arrived = First(1, false, kAlice);
  EXPECT_GT(arrived, 1100 * kMs) << All();
  EXPECT_LT(arrived, 1150 * kMs) << All();
  // ... so he started it at 1.150 and answered at 1.250.
  EXPECT_EQ(First(1, true, kAlice), 1250 * kMs) << All();
  // carol was idle: she answers exactly d after bob's request reached her.
  EXPECT_EQ(First(2, true, kBob), First(2, false, kBob) + 100 * kMs) << All();
  // Both handshakes complete (IKE_AUTH with the CHILD SA).
  EXPECT_EQ(outcomes_, (std::map<std::string, bool>{{"alice", true}, {"bob", true}})) << All();
}

TEST_F(ProcessingDelayTest, ZeroDelayAnswersAtOnce) {
  Run(ns3::Seconds(0), 2);
  EXPECT_EQ(First(0, true, kBob), 1000 * kMs) << All();
  EXPECT_EQ(First(1, true, kCarol), 1050 * kMs) << All();
  EXPECT_EQ(First(1, true, kAlice), First(1, false, kAlice)) << All();
  EXPECT_EQ(outcomes_, (std::map<std::string, bool>{{"alice", true}, {"bob", true}})) << All();
}

TEST(EngineExecutorTest, EveryPieceOfWorkRunsOnceOnItsThreadsPreparedCrypto) {
  for (unsigned threads : {1u, 2u, 3u}) {
    SCOPED_TRACE(threads);
    EngineExecutor executor(threads);
    EXPECT_EQ(executor.threads(), threads);
    std::vector<int> result(200, 0);
    std::vector<std::shared_ptr<EngineExecutor::Ticket>> tickets;
    std::atomic<int> on_main_prepared{0};
    for (int i = 0; i < 200; ++i) {
      tickets.push_back(
          executor.Submit([&, i](const std::shared_ptr<crypto::PreparedCrypto>& prepared) {
            result[static_cast<size_t>(i)] += i * i;
            if (prepared == executor.main_prepared()) ++on_main_prepared;
          }));
    }
    for (const auto& ticket : tickets) executor.Wait(ticket);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(result[static_cast<size_t>(i)], i * i);
    EXPECT_EQ(executor.run_on_main() + executor.run_on_workers(), 200u);
    // The main thread's PreparedCrypto is used exactly for the work the main thread ran.
    EXPECT_EQ(static_cast<uint64_t>(on_main_prepared.load()), executor.run_on_main());
    if (threads == 1) {
      EXPECT_EQ(executor.run_on_workers(), 0u);
    }
  }
}

// large-group with processing time: the event log and the nodes (keys and certificates made
// on two threads at set-up) are the same with 1 and 2 threads, every handshake completes, and
// another seed gives another log.
TEST(LargeGroupThreadsTest, EventLogDoesNotDependOnTheThreadCount) {
  auto run = [](const std::string& name, uint32_t seed, uint32_t threads) {
    LargeGroupConfig config;
    config.common.out = testing::FreshDir(name);
    config.common.seed = seed;
    config.common.quiet = true;
    config.nodes = 40;
    config.group_size = 10;
    config.handshakes = 3;
    config.window_s = 3;
    config.hold_s = 1;
    config.processing_delay_ms = 2;
    config.threads = threads;
    Result<ScenarioOutcome> outcome = RunLargeGroup(config, RunHooks{});
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    const Json* ok = outcome.ok() ? outcome->figures.Find("handshakes_ok") : nullptr;
    EXPECT_TRUE(ok != nullptr && ok->integer() != nullptr && *ok->integer() == 120);
    return testing::ReadFile(config.common.out + "/events.jsonl") +
           testing::ReadFile(config.common.out + "/nodes.csv");
  };
  const std::string one = run("large-group-threads-1", 11, 1);
  const std::string two = run("large-group-threads-2", 11, 2);
  const std::string other_seed = run("large-group-threads-seed", 12, 2);
  EXPECT_EQ(testing::CountEvents(one, "connect", {"\"ok\":true"}), 120u);
  EXPECT_EQ(one, two);
  EXPECT_NE(one, other_seed);
}

}  // namespace
}  // namespace ikewot::sim
