#include "sim/scenarios/nat_and_firewall.h"

#include <ns3/boolean.h>
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
#include "sim/topology.h"

namespace ikewot::sim {

Result<ScenarioOutcome> RunNatAndFirewall(const NatAndFirewallConfig& config,
                                          const RunHooks& hooks) {
  // Below 576 octets IKE_AUTH fragments would not fit the fragment budget; above 65535 the
  // device cannot be configured.
  if (config.small_mtu < 576 || config.small_mtu > 65535) {
    return Error{ErrorCode::kInvalidArgument,
                 "mtu must be 576..65535, got " + std::to_string(config.small_mtu)};
  }
  if (!(config.mapping_timeout_s > 0) || !(config.hold_s >= 0)) {
    return Error{ErrorCode::kInvalidArgument, "mappingTimeout must be > 0 and holdTime >= 0"};
  }
  ScenarioRun run("nat-and-firewall", config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;
  const uint32_t small_mtu = config.small_mtu;

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
  nat_box->SetAttribute("MappingTimeout", ns3::TimeValue(ns3::Seconds(config.mapping_timeout_s)));
  nat_box->EnableNapt(napt_in, napt_out, "198.51.100.1");
  ns3::Ptr<MiddleboxRouting> firewall =
      ns3::DynamicCast<MiddleboxRouting>(router->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
  firewall->SetDropFragments(true);

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
  const std::vector<ns3::Ptr<IkewotApplication>> app = ApplicationsOf(apps);

  std::vector<std::unique_ptr<PcapTap>> taps;
  if (run.options().pcap) {
    taps.push_back(std::make_unique<PcapTap>(alice, run.options().out + "/alice.pcap"));
    taps.push_back(std::make_unique<PcapTap>(bob, run.options().out + "/bob.pcap"));
    taps.push_back(std::make_unique<PcapTap>(carol, run.options().out + "/carol.pcap"));
  }

  int connections_done = 0;
  const double hold_s = config.hold_s;
  // After each connection: application traffic through its CHILD SA (ESP-in-UDP behind the
  // NAT, plain ESP otherwise), then hold everything up for holdTime.
  auto after_connect = [&](uint32_t from) {
    return [&, from](bool ok) {
      if (ok) (void)app[from]->SendTraffic(app[1]->address(), 5, 200);
      if (++connections_done == 2) {
        run.Progress("both connections done; holding them up");
        ns3::Simulator::Stop(ns3::Seconds(hold_s));
      }
    };
  };
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    app[0]->Probe(app[1]->address(), [&](const engine::Event&) {
      app[0]->Connect(app[1]->address(), after_connect(0));
    });
    app[2]->Probe(app[1]->address(), [&](const engine::Event&) {
      app[2]->Connect(app[1]->address(), after_connect(2));
    });
    // From outside, to Alice's public address: the NAPT has no mapping for it.
    app[1]->Probe(ikewot::Bytes{198, 51, 100, 1}, nullptr);
  });
  RunSimulation(run, 3600);

  Json parameters = OwnParametersJson(config);
  parameters.Set("nodes", 3);
  Json figures = Json::MakeObject();
  Json nat = Json::MakeObject();
  nat.Set("translated_packets", nat_box->translated());
  nat.Set("mappings", static_cast<uint64_t>(nat_box->mapping_count()));
  nat.Set("dropped_after_timeout", nat_box->expired_drops());
  figures.Set("napt", nat);
  figures.Set("firewall_fragments_dropped", firewall->fragments_dropped());
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
