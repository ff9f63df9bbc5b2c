// ESP selectors on receive in the simulation: after a real IKEv2 connect between two simulated
// nodes, traffic inside the CHILD SA's selectors is delivered, while a correctly encrypted and
// authenticated packet whose inner addresses or protocol the SA does not cover is dropped,
// counted and reported in the receiver's "esp" event (RFC 4301 §5.2).
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include <string>
#include <vector>

#include "sim/directory.h"
#include "sim/esp_channels.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/topology.h"

namespace ikewot::sim {
namespace {

std::vector<std::string>* esp_events_sink = nullptr;
void RecordEspEvent(const SimEvent& event) {
  if (event.kind == "esp" && esp_events_sink != nullptr)
    esp_events_sink->push_back(event.fields.Dump());
}

TEST(EspSelectorsTest, PacketsOutsideTheChildSaSelectorsAreDroppedAndCounted) {
  ns3::RngSeedManager::SetSeed(11);
  ns3::RngSeedManager::SetRun(1);
  ns3::NodeContainer nodes;
  nodes.Create(2);
  InstallStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(5));
  Attach(nodes.Get(0), lan, ns3::Ipv4Address("10.9.0.2"), ns3::Ipv4Mask("/24"));
  Attach(nodes.Get(1), lan, ns3::Ipv4Address("10.9.0.3"), ns3::Ipv4Mask("/24"));
  Directory directory;
  IkewotHelper helper(&directory);
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  ns3::ApplicationContainer apps = helper.Install(nodes, 0);
  apps.Start(ns3::Seconds(0));
  auto alice = ns3::DynamicCast<IkewotApplication>(apps.Get(0));
  auto bob = ns3::DynamicCast<IkewotApplication>(apps.Get(1));
  std::vector<std::string> bob_esp_events;
  esp_events_sink = &bob_esp_events;
  bob->TraceConnectWithoutContext("Event", ns3::MakeCallback(&RecordEspEvent));

  const Bytes alice_address = alice->address();
  const Bytes bob_address = bob->address();
  bool connected = false;
  Status good = Status::Ok(), spoofed = Status::Ok(), wrong_destination = Status::Ok();
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    alice->Connect(bob_address, [&](bool ok) {
      connected = ok;
      if (!ok) return;
      // Inside the selectors (10.9.0.2/32 -> 10.9.0.3/32, any protocol).
      good = alice->SendTraffic(bob_address, 3, 100);
      // A source address Alice never negotiated.
      spoofed = alice->SendInnerPacket(bob_address,
                                       MakeInnerUdpPacket(Bytes{10, 9, 0, 77}, bob_address, 40));
      // A destination behind Bob that the CHILD SA does not cover.
      wrong_destination = alice->SendInnerPacket(
          bob_address, MakeInnerUdpPacket(alice_address, Bytes{192, 0, 2, 1}, 40));
    });
  });
  ns3::Simulator::Stop(ns3::Seconds(20));
  ns3::Simulator::Run();

  ASSERT_TRUE(connected);
  EXPECT_TRUE(good.ok()) << good.error().ToString();
  EXPECT_TRUE(spoofed.ok()) << spoofed.error().ToString();
  EXPECT_TRUE(wrong_destination.ok()) << wrong_destination.error().ToString();
  EXPECT_EQ(bob->esp_counters().delivered, 3u);
  EXPECT_EQ(bob->esp_counters().outside_selectors, 2u);
  EXPECT_EQ(bob->esp_counters().dropped, 0u);
  ASSERT_EQ(bob_esp_events.size(), 1u);
  EXPECT_NE(bob_esp_events[0].find("\"packets\":3"), std::string::npos) << bob_esp_events[0];
  EXPECT_NE(bob_esp_events[0].find("\"outside_selectors\":2"), std::string::npos)
      << bob_esp_events[0];
  ns3::Simulator::Destroy();
  esp_events_sink = nullptr;
}

}  // namespace
}  // namespace ikewot::sim
