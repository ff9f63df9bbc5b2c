// nat-and-firewall: paths through a NAPT box and a fragment-dropping firewall.
//
//   alice 10.0.0.2 --[home LAN]-- NAPT 10.0.0.1 | 198.51.100.1 --[WAN]-- router 198.51.100.254
//   router 203.0.113.1 --[server LAN]-- bob 203.0.113.10
//   router 192.0.2.1 --[MTU 576 link]-- carol 192.0.2.2        (the router drops IP fragments)
//
// Alice's probe of Bob detects the NAT and moves to port 4500; Bob's probe of Alice finds no
// way in to her public address (no mapping); Carol offers MODP-4096 first, so her IKE_SA_INIT is
// IP-fragmented on her small-MTU link and dropped by the firewall until the engine falls back to
// its restricted proposal list (X25519), which passes. Then Alice and Carol connect to Bob
// opportunistically (nobody verified anybody here: the scenario is about the paths) and keep the
// SAs up across NAT mapping timeouts with NAT-T keepalives.
//
//   nat-and-firewall [--seed=N] [--out=DIR] [--pcap] [--mappingTimeout=S] [--holdTime=S]
#include <ns3/boolean.h>
#include <ns3/command-line.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <memory>
#include <vector>

#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/middlebox_routing.h"
#include "sim/pcap_tap.h"
#include "sim/scenario.h"
#include "sim/topology.h"

using namespace ikewot;
using namespace ikewot::sim;

int main(int argc, char** argv) {
  ScenarioRun run("nat-and-firewall", "runs/nat-and-firewall");
  double mapping_timeout_s = 30;
  double hold_s = 120;
  uint32_t small_mtu = 576;
  ns3::CommandLine cmd("nat-and-firewall");
  cmd.Usage(
      "nat-and-firewall: probes and connections through a NAPT box (NAT detection, port 4500) "
      "and a firewall that drops IP fragments (fallback to the restricted proposal list).");
  run.AddOptions(cmd);
  cmd.AddValue("mappingTimeout", "NAPT idle mapping timeout, seconds", mapping_timeout_s);
  cmd.AddValue("holdTime", "Seconds the connections stay up before the run ends", hold_s);
  cmd.AddValue("mtu", "MTU of Carol's link (fragments are dropped beyond it)", small_mtu);
  cmd.Parse(argc, argv);
  run.Begin();

  ns3::NodeContainer hosts;  // alice, bob, carol
  hosts.Create(3);
  ns3::NodeContainer boxes;  // napt, router
  boxes.Create(2);
  InstallStack(hosts);
  {
    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    MiddleboxRoutingHelper middlebox;
    stack.SetRoutingHelper(middlebox);
    stack.Install(boxes);
  }
  ns3::Ptr<ns3::Node> alice = hosts.Get(0), bob = hosts.Get(1), carol = hosts.Get(2);
  ns3::Ptr<ns3::Node> napt = boxes.Get(0), router = boxes.Get(1);
  const ns3::Ipv4Mask mask24("/24");

  ns3::Ptr<ns3::SimpleChannel> home = MakeLan(ns3::MilliSeconds(2));
  ns3::Ptr<ns3::SimpleChannel> wan = MakeLan(ns3::MilliSeconds(15));
  ns3::Ptr<ns3::SimpleChannel> servers = MakeLan(ns3::MilliSeconds(5));
  ns3::Ptr<ns3::SimpleChannel> tunnel = MakeLan(ns3::MilliSeconds(10));
  const uint32_t alice_if = Attach(alice, home, "10.0.0.2", mask24);
  const uint32_t napt_in = Attach(napt, home, "10.0.0.1", mask24);
  const uint32_t napt_out = Attach(napt, wan, "198.51.100.1", mask24);
  Attach(router, wan, "198.51.100.254", mask24);
  Attach(router, servers, "203.0.113.1", mask24);
  const uint32_t bob_if = Attach(bob, servers, "203.0.113.10", mask24);
  Attach(router, tunnel, "192.0.2.1", mask24, static_cast<uint16_t>(small_mtu));
  const uint32_t carol_if =
      Attach(carol, tunnel, "192.0.2.2", mask24, static_cast<uint16_t>(small_mtu));
  AddDefaultRoute(alice, "10.0.0.1", alice_if);
  AddDefaultRoute(napt, "198.51.100.254", napt_out);
  AddDefaultRoute(bob, "203.0.113.1", bob_if);
  AddDefaultRoute(carol, "192.0.2.1", carol_if);

  ns3::Ptr<MiddleboxRouting> nat_box =
      ns3::DynamicCast<MiddleboxRouting>(napt->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
  nat_box->SetAttribute("MappingTimeout", ns3::TimeValue(ns3::Seconds(mapping_timeout_s)));
  nat_box->EnableNapt(napt_in, napt_out, "198.51.100.1");
  ns3::Ptr<MiddleboxRouting> firewall =
      ns3::DynamicCast<MiddleboxRouting>(router->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
  firewall->SetDropFragments(true);

  Directory directory;
  IkewotHelper helper(&directory);
  // Nobody verified anybody here: connections are opportunistic.
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  // IKE_AUTH above this goes as RFC 7383 fragments, which the firewall lets through.
  helper.SetAttribute("FragmentBudget", ns3::UintegerValue(small_mtu - 28 - 48));
  ns3::ApplicationContainer apps =
      helper.Install(ns3::NodeContainer(alice, bob), 0, {"alice", "bob"});
  helper.SetAttribute("LargeFirstMessage", ns3::BooleanValue(true));
  apps.Add(helper.Install(ns3::NodeContainer(carol), 2, {"carol"}));
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  auto app = [&](uint32_t i) { return ns3::DynamicCast<IkewotApplication>(apps.Get(i)); };

  std::vector<std::unique_ptr<PcapTap>> taps;
  if (run.options().pcap) {
    taps.push_back(std::make_unique<PcapTap>(alice, run.options().out + "/alice.pcap"));
    taps.push_back(std::make_unique<PcapTap>(bob, run.options().out + "/bob.pcap"));
    taps.push_back(std::make_unique<PcapTap>(carol, run.options().out + "/carol.pcap"));
  }

  int connections_done = 0;
  // After each connection: application traffic through its CHILD SA (ESP-in-UDP behind the
  // NAT, plain ESP otherwise), then hold everything up for holdTime.
  auto after_connect = [&](uint32_t from) {
    return [&, from](bool ok) {
      if (ok) (void)app(from)->SendTraffic(app(1)->address(), 5, 200);
      if (++connections_done == 2) {
        run.Progress("both connections done; holding them up");
        ns3::Simulator::Stop(ns3::Seconds(hold_s));
      }
    };
  };
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    app(0)->Probe(app(1)->address(), [&](const engine::Event&) {
      app(0)->Connect(app(1)->address(), after_connect(0));
    });
    app(2)->Probe(app(1)->address(), [&](const engine::Event&) {
      app(2)->Connect(app(1)->address(), after_connect(2));
    });
    // From outside, to Alice's public address: the NAPT has no mapping for it.
    app(1)->Probe(ikewot::Bytes{198, 51, 100, 1}, nullptr);
  });
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(3600));
  ns3::Simulator::Run();

  Json parameters = Json::MakeObject();
  parameters.Set("nodes", 3);
  parameters.Set("mappingTimeout", mapping_timeout_s);
  parameters.Set("holdTime", hold_s);
  parameters.Set("mtu", small_mtu);
  Json figures = Json::MakeObject();
  Json nat = Json::MakeObject();
  nat.Set("translated_packets", nat_box->translated());
  nat.Set("mappings", static_cast<uint64_t>(nat_box->mapping_count()));
  nat.Set("dropped_after_timeout", nat_box->expired_drops());
  figures.Set("napt", nat);
  figures.Set("firewall_fragments_dropped", firewall->fragments_dropped());
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  taps.clear();
  ns3::Simulator::Destroy();
  return status;
}
