// real-strongswan: a simulated ikewot node behind the simulated NAPT box probes and connects to a
// REAL strongSwan charon. The NAPT box's outside interface is a Linux TAP (sim/real_host.h) in
// the network namespace where charon runs; ns-3 runs in real time with real checksums, so charon
// sees ordinary IKE packets from the NAT's public address, detects the NAT and both sides float
// to UDP 4500. tests/sim/real_strongswan.py sets up the namespace, the TAP, charon and runs this.
//
//   simulated                                  |  real (network namespace)
//   alice 10.0.0.2 --- NAPT 10.0.0.1 | 203.0.113.1 --- TAP 203.0.113.2 (charon)
//
// After the probe, alice connects (IKE_AUTH + CHILD SA; reported ok only once the CHILD SA is
// up), sends 5 packets through the CHILD SA (ESP in UDP 4500), holds the connection 2 s and
// deletes it.
//   real-strongswan [--seed=N] [--out=DIR] [--tap=NAME] [--peer=ADDR] [--start=UNIX]
//                   [--duration=S] [--exportCertificate=PATH]
// --exportCertificate writes alice's certificate (PEM; it follows from --seed and --start) and
// exits without running, so that charon can be configured to trust it first.
#include <ns3/boolean.h>
#include <ns3/command-line.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/directory.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/middlebox_routing.h"
#include "sim/pcap_tap.h"
#include "sim/real_host.h"
#include "sim/scenario.h"
#include "sim/topology.h"

using namespace ikewot;
using namespace ikewot::sim;

namespace {

Bytes AddressBytes(ns3::Ipv4Address address) {
  const uint32_t v = address.Get();
  return Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
               static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

}  // namespace

int main(int argc, char** argv) {
  ScenarioRun run("real-strongswan", "runs/real-strongswan");
  std::string tap = "ikwtap0";
  std::string peer_text = "203.0.113.2";
  uint64_t start_unix = 0;
  double duration_s = 30;
  std::string export_certificate;
  run.defaults().metrics_interval_s = 0;
  run.defaults().progress_interval_s = 5;
  ns3::CommandLine cmd("real-strongswan");
  cmd.Usage(
      "real-strongswan: a simulated ikewot node behind a simulated NAPT probes and connects to a "
      "real strongSwan charon reached through a TAP device (run it inside the namespace that "
      "holds the TAP; tests/sim/real_strongswan.py does everything).");
  run.AddOptions(cmd);
  cmd.AddValue("tap", "Name of the existing TAP device (the real side of the NAPT's outside)", tap);
  cmd.AddValue("peer", "charon's address on the TAP's subnet 203.0.113.0/24", peer_text);
  cmd.AddValue("start", "Unix time of simulated time 0 (0: now); certificates are made for it",
               start_unix);
  cmd.AddValue("duration", "Real seconds after which the run stops in any case", duration_s);
  cmd.AddValue("exportCertificate", "Write alice's certificate (PEM) here and exit",
               export_certificate);
  cmd.Parse(argc, argv);
  if (start_unix == 0) start_unix = static_cast<uint64_t>(std::time(nullptr));
  const ns3::Ipv4Address peer(peer_text.c_str());
  if (!(duration_s > 0)) {
    std::fprintf(stderr, "real-strongswan: --duration must be > 0\n");
    return 2;
  }
  if (export_certificate.empty()) UseRealTime();  // before the simulator is first used
  run.Begin();

  ns3::NodeContainer hosts;
  hosts.Create(1);
  InstallStack(hosts);
  ns3::NodeContainer boxes;
  boxes.Create(1);
  {
    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    MiddleboxRoutingHelper middlebox;
    stack.SetRoutingHelper(middlebox);
    stack.Install(boxes);
  }
  ns3::Ptr<ns3::Node> alice = hosts.Get(0), napt = boxes.Get(0);
  ns3::Ptr<ns3::SimpleChannel> home = MakeLan(ns3::MilliSeconds(2));
  const ns3::Ipv4Mask mask24("/24");
  const uint32_t alice_if = Attach(alice, home, ns3::Ipv4Address("10.0.0.2"), mask24);
  const uint32_t napt_in = Attach(napt, home, ns3::Ipv4Address("10.0.0.1"), mask24);
  AddDefaultRoute(alice, ns3::Ipv4Address("10.0.0.1"), alice_if);

  Directory directory;
  IkewotHelper helper(&directory);
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  helper.SetAttribute("ProbeWithAuth", ns3::BooleanValue(true));
  helper.SetAttribute("KeyType", ns3::StringValue("ecdsa-p256"));
  helper.SetAttribute("StartUnixSeconds", ns3::UintegerValue(start_unix));
  ns3::ApplicationContainer apps = helper.Install(hosts, 0, {"alice"});
  auto app = ns3::DynamicCast<IkewotApplication>(apps.Get(0));
  if (!export_certificate.empty()) {
    std::ofstream out(export_certificate, std::ios::binary | std::ios::trunc);
    out << app->certificate().ToPem();
    out.close();
    if (!out) {
      std::fprintf(stderr, "real-strongswan: cannot write %s\n", export_certificate.c_str());
      return 1;
    }
    ns3::Simulator::Destroy();
    return 0;
  }

  Result<RealHostLink> link = AttachTap(napt, tap, ns3::Ipv4Address("203.0.113.1"), mask24);
  if (!link.ok()) {
    std::fprintf(stderr, "real-strongswan: %s\n", link.error().message.c_str());
    return 1;
  }
  ns3::DynamicCast<MiddleboxRouting>(napt->GetObject<ns3::Ipv4>()->GetRoutingProtocol())
      ->EnableNapt(napt_in, link->interface, ns3::Ipv4Address("203.0.113.1"));
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  std::vector<std::unique_ptr<PcapTap>> captures;
  if (run.options().pcap) {
    captures.push_back(std::make_unique<PcapTap>(alice, run.options().out + "/alice.pcap"));
    captures.push_back(std::make_unique<PcapTap>(napt, run.options().out + "/napt.pcap"));
  }

  // Probe charon; then connect (full IKE_AUTH + CHILD SA); hold 2 s; delete; stop.
  const Bytes charon = AddressBytes(peer);
  bool probe_ok = false, probe_nat = false, connect_ok = false;
  bool esp_sent = false;
  constexpr uint32_t kEspPackets = 5;
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    app->Probe(charon, [&](const engine::Event& probe) {
      probe_ok = probe.probe.stop == engine::ProbeStop::kCompleted &&
                 probe.probe.auth == engine::ResponderAuth::kVerified;
      probe_nat = probe.probe.nat.detected();
      ns3::Simulator::Schedule(ns3::MilliSeconds(500), [&] {
        app->Connect(charon, [&](bool ok) {
          // ok means the CHILD SA is up (a refused one is reported as a failed connect).
          connect_ok = ok;
          // Application traffic through the CHILD SA: ESP-in-UDP on 4500 through the NAPT;
          // charon's libipsec decrypts it onto its TUN (the launcher reads its counters).
          if (ok) esp_sent = app->SendTraffic(charon, kEspPackets, 100).ok();
          if (!ok) {
            ns3::Simulator::Stop(ns3::Seconds(1));
            return;
          }
          ns3::Simulator::Schedule(ns3::Seconds(2), [&] {
            app->Disconnect(charon);
            ns3::Simulator::Stop(ns3::Seconds(1));
          });
        });
      });
    });
  });
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(duration_s));
  ns3::Simulator::Run();

  Json parameters = Json::MakeObject();
  parameters.Set("tap", tap);
  parameters.Set("peer", peer_text);
  parameters.Set("start", start_unix);
  Json figures = Json::MakeObject();
  figures.Set("probe_ok", probe_ok);
  figures.Set("probe_nat", probe_nat);
  figures.Set("connect_ok", connect_ok);
  figures.Set("esp_packets_sent", esp_sent ? kEspPackets : 0);
  ns3::Ptr<MiddleboxRouting> box =
      ns3::DynamicCast<MiddleboxRouting>(napt->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
  figures.Set("napt_translated", box->translated());
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  ns3::Simulator::Destroy();
  if (status != 0) return status;
  return probe_ok && connect_ok && esp_sent ? 0 : 3;
}
