// When a connect is reported: at the CHILD SA, not at the IKE SA. Two simulated nodes on a LAN;
// every IPv4 packet either sends is written down as a message arrow (the IKE exchange and the
// request/response flag, or ESP), so each test states the whole conversation.
//
// CHILD SA refused (no common ESP proposal):
//   alice                                              bob (EspProposals aes128gcm16)
//   IKE_SA_INIT { SA, KE, Ni, N(NAT_D)... }      -->
//                                                <--   IKE_SA_INIT { SA, KE, Nr, ... }
//   IKE_AUTH { IDi, CERT, AUTH, SA(aes256gcm16), TSi, TSr }  -->
//                                                <--   IKE_AUTH { IDr, CERT, AUTH,
//                                                N(NO_PROPOSAL_CHOSEN) }
//   INFORMATIONAL { D(IKE) }                     -->
//                                                <--   INFORMATIONAL { }
// and alice reports the connect failed, once, with the reason; no ESP packet is ever sent.
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/packet.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <map>
#include <string>
#include <vector>

#include "core/ikev2/constants.h"
#include "sim/directory.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/topology.h"

namespace ikewot::sim {
namespace {

// The arrows and events of one simulation (trace sinks are plain functions: ns-3 callbacks).
struct Recorder {
  std::map<uint32_t, std::string> names;  // IPv4 address (host order) -> name
  std::vector<std::string> arrows;
  std::vector<std::string> events;
};
Recorder* recorder = nullptr;

// "alice IKE_AUTH request", "bob ESP", from an IPv4 packet as the stack sends it.
void RecordPacket(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  Bytes ip(packet->GetSize());
  packet->CopyData(ip.data(), ip.size());
  if (recorder == nullptr || ip.size() < 20) return;
  const size_t header = static_cast<size_t>(ip[0] & 0x0f) * 4;
  const uint32_t source = static_cast<uint32_t>(ip[12]) << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
  const std::string from = recorder->names.count(source) ? recorder->names[source] : "?";
  if (ip[9] == 50) {
    recorder->arrows.push_back(from + " ESP");
    return;
  }
  if (ip[9] != 17 || ip.size() < header + 8) {
    recorder->arrows.push_back(from + " IP protocol " + std::to_string(ip[9]));
    return;
  }
  const uint16_t port = static_cast<uint16_t>(ip[header + 2] << 8 | ip[header + 3]);
  size_t ike = header + 8;
  if (port == 4500) {
    const bool marker = ip.size() >= ike + 4 && ip[ike] == 0 && ip[ike + 1] == 0 &&
                        ip[ike + 2] == 0 && ip[ike + 3] == 0;
    if (!marker) {
      recorder->arrows.push_back(from + " ESP");
      return;
    }
    ike += 4;
  }
  if (ip.size() < ike + 28) {
    recorder->arrows.push_back(from + " short UDP " + std::to_string(port));
    return;
  }
  const bool response = (ip[ike + 19] & 0x20) != 0;
  recorder->arrows.push_back(from + " " + std::string(ikev2::ExchangeTypeName(ip[ike + 18])) +
                             (response ? " response" : " request"));
}

void RecordEvent(const SimEvent& event) {
  if (recorder != nullptr) {
    recorder->events.push_back(std::to_string(event.node) + " " + event.kind + " " +
                               event.fields.Dump());
  }
}

uint32_t HostOrder(const Bytes& address) {
  return static_cast<uint32_t>(address[0]) << 24 | address[1] << 16 | address[2] << 8 | address[3];
}

// Alice (node 0) and Bob (node 1), both accepting unverified peers, with their own ESP
// proposals; Alice connects to Bob at t = 1 s and, if told ok, sends two packets through the
// CHILD SA. Runs the simulation to its end.
class ConnectChildSaTest : public ::testing::Test {
 protected:
  void SetUp() override { recorder = &record_; }
  void TearDown() override {
    ns3::Simulator::Destroy();
    recorder = nullptr;
  }

  void Run(const std::string& alice_esp, const std::string& bob_esp) {
    ns3::RngSeedManager::SetSeed(3);
    ns3::RngSeedManager::SetRun(1);
    ns3::NodeContainer nodes;
    nodes.Create(2);
    InstallStack(nodes);
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(5));
    Attach(nodes.Get(0), lan, ns3::Ipv4Address("10.6.0.2"), ns3::Ipv4Mask("/24"));
    Attach(nodes.Get(1), lan, ns3::Ipv4Address("10.6.0.3"), ns3::Ipv4Mask("/24"));
    IkewotHelper helper(&directory_);
    helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
    helper.SetAttribute("EspProposals", ns3::StringValue(alice_esp));
    ns3::ApplicationContainer apps = helper.Install(ns3::NodeContainer(nodes.Get(0)), 0, {"alice"});
    helper.SetAttribute("EspProposals", ns3::StringValue(bob_esp));
    apps.Add(helper.Install(ns3::NodeContainer(nodes.Get(1)), 1, {"bob"}));
    apps.Start(ns3::Seconds(0));
    alice_ = ns3::DynamicCast<IkewotApplication>(apps.Get(0));
    bob_ = ns3::DynamicCast<IkewotApplication>(apps.Get(1));
    record_.names[HostOrder(alice_->address())] = "alice";
    record_.names[HostOrder(bob_->address())] = "bob";
    for (uint32_t i = 0; i < 2; ++i) {
      nodes.Get(i)->GetObject<ns3::Ipv4L3Protocol>()->TraceConnectWithoutContext(
          "Tx", ns3::MakeCallback(&RecordPacket));
    }
    alice_->TraceConnectWithoutContext("Event", ns3::MakeCallback(&RecordEvent));
    bob_->TraceConnectWithoutContext("Event", ns3::MakeCallback(&RecordEvent));

    const Bytes bob_address = bob_->address();
    ns3::Simulator::Schedule(ns3::Seconds(1), [this, bob_address] {
      alice_->Connect(bob_address, [this, bob_address](bool ok) {
        outcomes_.push_back(ok);
        if (ok) sent_ = alice_->SendTraffic(bob_address, 2, 100);
      });
    });
    ns3::Simulator::Stop(ns3::Seconds(30));
    ns3::Simulator::Run();
  }

  std::vector<std::string> Events(const std::string& node_and_kind) const {
    std::vector<std::string> out;
    for (const std::string& e : record_.events) {
      if (e.rfind(node_and_kind + " ", 0) == 0) out.push_back(e);
    }
    return out;
  }
  std::string All() const {
    std::string all;
    for (const std::string& a : record_.arrows) all += a + "\n";
    for (const std::string& e : record_.events) all += e + "\n";
    return all;
  }

  Recorder record_;
  Directory directory_;
  ns3::Ptr<IkewotApplication> alice_, bob_;
  std::vector<bool> outcomes_;
  Status sent_ = MakeError(ErrorCode::kState, "nothing sent");
};

TEST_F(ConnectChildSaTest, RefusedChildSaIsReportedAsAFailedConnectWithTheReason) {
  Run("aes256gcm16", "aes128gcm16");

  const std::vector<std::string> expected = {
      "alice IKE_SA_INIT request", "bob IKE_SA_INIT response",    "alice IKE_AUTH request",
      "bob IKE_AUTH response",     "alice INFORMATIONAL request", "bob INFORMATIONAL response",
  };
  EXPECT_EQ(record_.arrows, expected) << All();
  ASSERT_EQ(outcomes_, std::vector<bool>{false}) << All();
  const std::vector<std::string> connects = Events("0 connect");
  ASSERT_EQ(connects.size(), 1u) << All();
  EXPECT_NE(connects[0].find("\"ok\":false"), std::string::npos) << connects[0];
  EXPECT_NE(connects[0].find("CHILD SA refused by the responder: NO_PROPOSAL_CHOSEN"),
            std::string::npos)
      << connects[0];
  EXPECT_TRUE(Events("0 esp").empty()) << All();
  EXPECT_TRUE(Events("1 esp").empty()) << All();
  EXPECT_FALSE(alice_->HasChildSa(bob_->address()));
  EXPECT_FALSE(bob_->HasChildSa(alice_->address()));
  EXPECT_EQ(bob_->esp_counters().delivered + bob_->esp_counters().dropped, 0u);
  // Nothing can be sent toward Bob: there is no CHILD SA.
  EXPECT_FALSE(alice_->SendTraffic(bob_->address(), 1, 10).ok());
}

TEST_F(ConnectChildSaTest, AcceptedChildSaIsReportedOnceAndCarriesTraffic) {
  Run("aes256gcm16", "aes128gcm16,aes256gcm16");

  const std::vector<std::string> expected = {
      "alice IKE_SA_INIT request",
      "bob IKE_SA_INIT response",
      "alice IKE_AUTH request",
      "bob IKE_AUTH response",
      "alice ESP",
      "alice ESP",
  };
  EXPECT_EQ(record_.arrows, expected) << All();
  ASSERT_EQ(outcomes_, std::vector<bool>{true}) << All();
  const std::vector<std::string> connects = Events("0 connect");
  ASSERT_EQ(connects.size(), 1u) << All();
  EXPECT_NE(connects[0].find("\"ok\":true"), std::string::npos) << connects[0];
  EXPECT_NE(connects[0].find("\"how\":\"opportunistic\""), std::string::npos) << connects[0];
  EXPECT_TRUE(sent_.ok()) << sent_.error().ToString();
  EXPECT_EQ(bob_->esp_counters().delivered, 2u) << All();
  EXPECT_EQ(bob_->esp_counters().dropped, 0u);
}

TEST_F(ConnectChildSaTest, ConnectWithoutChildSaIsReportedAtTheIkeSa) {
  Run("none", "aes256gcm16");

  const std::vector<std::string> expected = {
      "alice IKE_SA_INIT request",
      "bob IKE_SA_INIT response",
      "alice IKE_AUTH request",
      "bob IKE_AUTH response",
  };
  EXPECT_EQ(record_.arrows, expected) << All();
  ASSERT_EQ(outcomes_, std::vector<bool>{true}) << All();
  ASSERT_EQ(Events("0 connect").size(), 1u) << All();
  EXPECT_NE(Events("0 connect")[0].find("\"ok\":true"), std::string::npos);
  // ok at the IKE SA; there is no CHILD SA to send through.
  EXPECT_FALSE(alice_->HasChildSa(bob_->address()));
  EXPECT_FALSE(bob_->HasChildSa(alice_->address()));
  EXPECT_FALSE(sent_.ok());
  EXPECT_TRUE(Events("0 esp").empty()) << All();
}

TEST(EspProposalsAttributeTest, AnUnknownSuiteIsRefusedWithTheAttributeNamed) {
  ns3::NodeContainer nodes;
  nodes.Create(1);
  InstallStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(1));
  Attach(nodes.Get(0), lan, ns3::Ipv4Address("10.6.1.2"), ns3::Ipv4Mask("/24"));
  for (const char* bad : {"des", "aes256gcm16,", "", "aes256gcm16,none"}) {
    ns3::Ptr<IkewotApplication> app = ns3::CreateObject<IkewotApplication>();
    app->SetAttribute("EspProposals", ns3::StringValue(bad));
    nodes.Get(0)->AddApplication(app);
    Status status = app->Initialize();
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.error().message.find("EspProposals"), std::string::npos)
        << status.error().message;
  }
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ikewot::sim
