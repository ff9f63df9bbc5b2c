// four-friends: the seed's example. Alice checks Bob, Carol and Dave (a probe fetches each
// certificate, then a phone call compares the identification strings both ways); Alice shares a
// signed collection of the three; Bob, Carol and Dave import and enable it and connect to each
// other without checking each other. The summary states verifications done vs needed without
// sharing.
//
//   four-friends [--seed=N] [--out=DIR] [--pcap] [--callMin=S] [--callMax=S] ...
#include <ns3/command-line.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/pcap_tap.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/topology.h"

using namespace ikewot;
using namespace ikewot::sim;

namespace {

struct FourFriends {
  ScenarioRun& run;
  Directory& directory;
  PersonModel& people;
  std::vector<ns3::Ptr<IkewotApplication>> apps;  // 0 = alice
  double delivery_s = 30;
  double connect_gap_s = 5;

  int calls_finished = 0;
  int imports_finished = 0;
  int connects_started = 0;
  int connects_finished = 0;
  bool friends_connecting = false;
  bool shared_failed = false;

  void Start() {
    for (uint32_t f = 1; f <= 3; ++f) {
      people.MeetAndVerify(apps[0], apps[f], directory, [this, f](bool alice_ok, bool friend_ok) {
        CallFinished(f, alice_ok, friend_ok);
      });
    }
  }

  void CallFinished(uint32_t f, bool alice_ok, bool friend_ok) {
    run.Progress("call alice-" + apps[f]->name() +
                 (alice_ok && friend_ok ? " matched" : " failed"));
    if (alice_ok && friend_ok) StartConnect(0, f);
    if (++calls_finished == 3) Share();
  }

  void Share() {
    Result<IkewotApplication::Shared> shared = apps[0]->Share(1, "all");
    if (!shared.ok()) {
      run.Progress("alice could not share: " + shared.error().message);
      shared_failed = true;
      MaybeStop();
      return;
    }
    // Delivered out of band (e-mail, a file share): a delay, not packets.
    for (uint32_t f = 1; f <= 3; ++f) {
      ns3::Simulator::Schedule(
          ns3::Seconds(delivery_s), [this, f, file = shared->file, id = shared->id] {
            (void)apps[f]->Import(file, 0, id, trust::Condition{});
            if (++imports_finished == 3) {
              ns3::Simulator::Schedule(ns3::Seconds(connect_gap_s), [this] { ConnectFriends(); });
            }
          });
    }
  }

  void ConnectFriends() {
    run.Progress("collection imported; friends connect to each other");
    friends_connecting = true;
    StartConnect(1, 2);
    StartConnect(1, 3);
    StartConnect(2, 3);
  }

  void StartConnect(uint32_t from, uint32_t to) {
    ++connects_started;
    apps[from]->Connect(apps[to]->address(), [this, from, to](bool ok) {
      // Application traffic through the new CHILD SA: 5 packets, 200 octets each.
      if (ok) (void)apps[from]->SendTraffic(apps[to]->address(), 5, 200);
      ++connects_finished;
      MaybeStop();
    });
  }

  void MaybeStop() {
    if (calls_finished == 3 && connects_started == connects_finished &&
        (friends_connecting || shared_failed)) {
      ns3::Simulator::Stop(ns3::Seconds(3));  // the traffic arrives and is counted
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  ScenarioRun run("four-friends", "runs/four-friends");
  PersonParams person;
  double link_delay_ms = 20;
  double delivery_s = 30;
  double max_sim_s = 7200;
  ns3::CommandLine cmd("four-friends");
  cmd.Usage(
      "four-friends: Alice checks Bob, Carol and Dave by phone and shares a signed collection; "
      "Bob, Carol and Dave import it and connect to each other without checking each other.");
  run.AddOptions(cmd);
  cmd.AddValue("callMin", "Earliest phone call after both probes, seconds",
               person.min_call_delay_s);
  cmd.AddValue("callMax", "Latest phone call after both probes, seconds", person.max_call_delay_s);
  cmd.AddValue("callProbability", "Chance a call happens at all", person.call_probability);
  cmd.AddValue("delay", "One-way LAN delay, milliseconds", link_delay_ms);
  cmd.AddValue("delivery", "Seconds until a shared collection reaches its recipients", delivery_s);
  cmd.AddValue("maxTime", "Stop after this many simulated seconds at the latest", max_sim_s);
  cmd.Parse(argc, argv);
  run.Begin();

  ns3::NodeContainer nodes;
  nodes.Create(4);
  InstallStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(link_delay_ms));
  for (uint32_t i = 0; i < 4; ++i) {
    Attach(nodes.Get(i), lan, ns3::Ipv4Address((10u << 24) | (i + 1)), ns3::Ipv4Mask("/24"));
  }

  Directory directory;
  IkewotHelper helper(&directory);
  helper.SetAttribute("KeyType", ns3::StringValue("ecdsa-p256"));  // Alice shares: CMS needs ECDSA
  ns3::ApplicationContainer apps = helper.Install(ns3::NodeContainer(nodes.Get(0)), 0, {"alice"});
  helper.SetAttribute("KeyType", ns3::StringValue("ed25519"));
  ns3::NodeContainer friends(nodes.Get(1), nodes.Get(2), nodes.Get(3));
  apps.Add(helper.Install(friends, 1, {"bob", "carol", "dave"}));
  apps.Start(ns3::Seconds(0));
  run.Record(apps);

  std::vector<std::unique_ptr<PcapTap>> taps;
  if (run.options().pcap) {
    taps.push_back(std::make_unique<PcapTap>(nodes.Get(0), run.options().out + "/alice.pcap"));
    taps.push_back(std::make_unique<PcapTap>(nodes.Get(1), run.options().out + "/bob.pcap"));
  }

  PersonModel people(person, run.options().seed, run.options().run);
  FourFriends scenario{run, directory, people, {}};
  scenario.delivery_s = delivery_s;
  for (uint32_t i = 0; i < apps.GetN(); ++i) {
    scenario.apps.push_back(ns3::DynamicCast<IkewotApplication>(apps.Get(i)));
  }
  ns3::Simulator::Schedule(ns3::Seconds(1), [&scenario] { scenario.Start(); });
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(max_sim_s));
  ns3::Simulator::Run();

  Json parameters = Json::MakeObject();
  parameters.Set("nodes", 4);
  parameters.Set("callMin", person.min_call_delay_s);
  parameters.Set("callMax", person.max_call_delay_s);
  parameters.Set("callProbability", person.call_probability);
  parameters.Set("delay", link_delay_ms);
  parameters.Set("delivery", delivery_s);
  parameters.Set("maxTime", max_sim_s);
  Json figures = Json::MakeObject();
  figures.Set("phone_calls", scenario.calls_finished);
  figures.Set("collection_imports", scenario.imports_finished);
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  taps.clear();
  ns3::Simulator::Destroy();
  return status;
}
