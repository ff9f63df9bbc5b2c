// IPv6 in the simulation: two IkewotApplications with UseIpv6 on an IPv6 LAN probe and connect
// to each other over ns-3's IPv6 (Inet6SocketAddress on 500/4500), the CHILD SA gets IPv6 traffic
// selectors, and application traffic crosses it as ESP over IPv6 (raw IP protocol 50) and passes
// the receiver's ICV, replay and selector checks.
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include <string>
#include <vector>

#include "sim/directory.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/topology.h"

namespace ikewot::sim {
namespace {

std::vector<std::string>* events_sink = nullptr;
void RecordEvent(const SimEvent& event) {
  if (events_sink != nullptr) events_sink->push_back(event.kind + " " + event.fields.Dump());
}

TEST(Ipv6Test, TwoNodesProbeConnectAndExchangeEspOverIpv6) {
  ns3::RngSeedManager::SetSeed(5);
  ns3::RngSeedManager::SetRun(1);
  ns3::NodeContainer nodes;
  nodes.Create(2);
  InstallDualStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(5));
  const ns3::Ipv6Prefix prefix(64);
  AttachIpv6(nodes.Get(0), lan, ns3::Ipv6Address("2001:db8:1::2"), prefix);
  AttachIpv6(nodes.Get(1), lan, ns3::Ipv6Address("2001:db8:1::3"), prefix);
  Directory directory;
  IkewotHelper helper(&directory);
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  helper.SetAttribute("UseIpv6", ns3::BooleanValue(true));
  ns3::ApplicationContainer apps = helper.Install(nodes, 0);
  apps.Start(ns3::Seconds(0));
  auto alice = ns3::DynamicCast<IkewotApplication>(apps.Get(0));
  auto bob = ns3::DynamicCast<IkewotApplication>(apps.Get(1));
  ASSERT_EQ(alice->address().size(), 16u);
  std::vector<std::string> events;
  events_sink = &events;
  alice->TraceConnectWithoutContext("Event", ns3::MakeCallback(&RecordEvent));
  bob->TraceConnectWithoutContext("Event", ns3::MakeCallback(&RecordEvent));

  const Bytes bob_address = bob->address();
  bool probed = false, connected = false;
  Status sent = MakeError(ErrorCode::kState, "not sent");
  // After duplicate address detection (about a second) the addresses are usable.
  ns3::Simulator::Schedule(ns3::Seconds(3), [&] {
    alice->Probe(bob_address, [&](const engine::Event& probe) {
      probed = probe.probe.stop == engine::ProbeStop::kCompleted &&
               probe.probe.auth == engine::ResponderAuth::kVerified;
      alice->Connect(bob_address, [&](bool ok) {
        connected = ok;
        if (ok) sent = alice->SendTraffic(bob_address, 4, 200);
      });
    });
  });
  ns3::Simulator::Stop(ns3::Seconds(20));
  ns3::Simulator::Run();

  std::string all;
  for (const std::string& e : events) all += e + "\n";
  EXPECT_TRUE(probed) << all;
  EXPECT_TRUE(connected) << all;
  EXPECT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_TRUE(bob->HasChildSa(alice->address()));
  EXPECT_EQ(bob->esp_counters().delivered, 4u) << all;
  EXPECT_EQ(bob->esp_counters().outside_selectors, 0u);
  EXPECT_EQ(bob->esp_counters().dropped, 0u);
  ns3::Simulator::Destroy();
  events_sink = nullptr;
}

TEST(Ikev1AttributeTest, AnswerIkev1TurnsOnTheEnginesIkev1Responder) {
  ns3::RngSeedManager::SetSeed(5);
  ns3::NodeContainer nodes;
  nodes.Create(2);
  InstallStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(5));
  Attach(nodes.Get(0), lan, ns3::Ipv4Address("10.7.0.2"), ns3::Ipv4Mask("/24"));
  Attach(nodes.Get(1), lan, ns3::Ipv4Address("10.7.0.3"), ns3::Ipv4Mask("/24"));
  Directory directory;
  IkewotHelper plain(&directory);
  ns3::NodeContainer first(nodes.Get(0)), second(nodes.Get(1));
  auto off = ns3::DynamicCast<IkewotApplication>(plain.Install(first, 0).Get(0));
  IkewotHelper ikev1(&directory);
  ikev1.SetAttribute("AnswerIkev1", ns3::BooleanValue(true));
  auto on = ns3::DynamicCast<IkewotApplication>(ikev1.Install(second, 1).Get(0));
  EXPECT_FALSE(off->answers_ikev1());
  EXPECT_TRUE(on->answers_ikev1());
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ikewot::sim
