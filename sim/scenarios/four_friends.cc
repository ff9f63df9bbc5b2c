#include "sim/scenarios/four_friends.h"

#include <ns3/boolean.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <memory>
#include <vector>

#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/pcap_tap.h"
#include "sim/scenarios/ipv6_network.h"
#include "sim/topology.h"

namespace ikewot::sim {
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

Result<ScenarioOutcome> RunFourFriends(const FourFriendsConfig& config, const RunHooks& hooks) {
  if (Status ok = CheckPersonParams(config.person); !ok.ok()) return ok;
  if (config.link_delay_ms < 0 || config.delivery_s < 0 || config.max_sim_s <= 0) {
    return Error{ErrorCode::kInvalidArgument, "delay and delivery must be >= 0, maxTime > 0"};
  }
  ScenarioRun run("four-friends", config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;

  const ns3::Time delay = ns3::MilliSeconds(config.link_delay_ms);
  ns3::NodeContainer nodes =
      config.ipv6 ? BuildLanIpv6(4, delay) : BuildLan(4, delay, ns3::Ipv4Mask("/24"));
  IkewotHelper helper(&directory);
  helper.SetAttribute("UseIpv6", ns3::BooleanValue(config.ipv6));
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

  PersonModel people(config.person, run.options().seed, run.options().run);
  FourFriends scenario{run, directory, people, ApplicationsOf(apps)};
  scenario.delivery_s = config.delivery_s;
  ns3::Simulator::Schedule(ns3::Seconds(1), [&scenario] { scenario.Start(); });
  RunSimulation(run, config.max_sim_s);

  Json parameters = OwnParametersJson(config);
  parameters.Set("nodes", 4);
  Json figures = Json::MakeObject();
  figures.Set("phone_calls", scenario.calls_finished);
  figures.Set("collection_imports", scenario.imports_finished);
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
