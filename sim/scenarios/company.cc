#include "sim/scenarios/company.h"

#include <ns3/boolean.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <utility>
#include <vector>

#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/scenarios/ipv6_network.h"

namespace ikewot::sim {
namespace {
constexpr uint32_t kServer = 0;
constexpr uint32_t kAdmin = 1;
constexpr uint32_t kFirstColleague = 2;
}  // namespace

Result<ScenarioOutcome> RunCompany(const CompanyConfig& config, const RunHooks& hooks) {
  const uint32_t nodes = config.nodes;
  if (nodes < 4) {
    return Error{ErrorCode::kInvalidArgument,
                 "nodes must be at least 4, got " + std::to_string(nodes)};
  }
  if (Status ok = CheckPersonParams(config.person); !ok.ok()) return ok;
  if (!(config.phase_s > 0)) return Error{ErrorCode::kInvalidArgument, "phase must be > 0"};
  ScenarioRun run("company", config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;
  const double phase_s = config.phase_s;

  ns3::NodeContainer hosts = config.ipv6
                                 ? BuildLanIpv6(nodes, ns3::MilliSeconds(5))
                                 : BuildLan(nodes, ns3::MilliSeconds(5), ns3::Ipv4Mask("/8"));
  IkewotHelper helper(&directory);
  helper.SetAttribute("UseIpv6", ns3::BooleanValue(config.ipv6));
  helper.SetAttribute("KeyType", ns3::StringValue("ecdsa-p256"));
  ns3::ApplicationContainer apps =
      helper.Install(ns3::NodeContainer(hosts.Get(kServer)), kServer, {"server"}, "server");
  apps.Add(helper.Install(ns3::NodeContainer(hosts.Get(kAdmin)), kAdmin, {"admin"}));
  helper.SetAttribute("KeyType", ns3::StringValue("ed25519"));
  ns3::NodeContainer colleagues;
  for (uint32_t i = kFirstColleague; i < nodes; ++i) colleagues.Add(hosts.Get(i));
  apps.Add(helper.Install(colleagues, kFirstColleague));
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  const std::vector<ns3::Ptr<IkewotApplication>> app = ApplicationsOf(apps);

  PersonModel people(config.person, run.options().seed, run.options().run);
  int meetings = 1 + 2 * static_cast<int>(nodes - kFirstColleague);
  int pending = 0;
  uint64_t while_connected_ok = 0, after_disconnect_refused = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t i = kFirstColleague; i < nodes; ++i) {
    uint32_t j = i + 1 < nodes ? i + 1 : kFirstColleague;
    if (i != j) pairs.emplace_back(i, j);
  }

  auto phase4 = [&] {
    run.Progress("phase 4: colleagues try again without the server connection");
    pending = static_cast<int>(pairs.size());
    for (auto [a, b] : pairs) {
      app[a]->Connect(app[b]->address(), [&](bool ok) {
        after_disconnect_refused += !ok;
        if (--pending == 0) ns3::Simulator::Stop(ns3::Seconds(1));
      });
    }
  };
  auto phase3 = [&] {
    run.Progress("phase 3: colleagues disconnect from the server");
    for (uint32_t i = kFirstColleague; i < nodes; ++i) app[i]->Disconnect(app[kServer]->address());
    ns3::Simulator::Schedule(ns3::Seconds(phase_s), phase4);
  };
  auto phase2 = [&] {
    run.Progress("phase 2: colleagues connect to each other");
    pending = static_cast<int>(pairs.size());
    for (auto [a, b] : pairs) {
      app[a]->Connect(app[b]->address(), [&](bool ok) {
        while_connected_ok += ok;
        if (--pending == 0) ns3::Simulator::Schedule(ns3::Seconds(phase_s), phase3);
      });
    }
  };
  auto phase1 = [&] {
    Result<IkewotApplication::Shared> shared = app[kAdmin]->Share(1, "all");
    if (!shared.ok()) {
      run.Progress("admin could not share: " + shared.error().message);
      ns3::Simulator::Stop();
      return;
    }
    trust::Condition condition;
    condition.kind = trust::Condition::Kind::kWhilePeerUp;
    condition.peer = "server";
    for (uint32_t i = kFirstColleague; i < nodes; ++i) {
      (void)app[i]->Import(shared->file, kAdmin, shared->id, condition);
    }
    run.Progress("phase 1: colleagues connect to the company server");
    pending = static_cast<int>(nodes - kFirstColleague);
    for (uint32_t i = kFirstColleague; i < nodes; ++i) {
      app[i]->Connect(app[kServer]->address(), [&](bool) {
        if (--pending == 0) ns3::Simulator::Schedule(ns3::Seconds(phase_s), phase2);
      });
    }
  };
  auto met = [&](bool, bool) {
    if (--meetings == 0) ns3::Simulator::Schedule(ns3::Seconds(phase_s), phase1);
  };
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    // Onboarding: the admin checks the server and every colleague; every colleague checks the
    // server (the one certificate they must know to connect at all).
    people.MeetAndVerify(app[kAdmin], app[kServer], directory, met);
    for (uint32_t i = kFirstColleague; i < nodes; ++i) {
      people.MeetAndVerify(app[kAdmin], app[i], directory, met);
      people.MeetAndVerify(app[i], app[kServer], directory, met);
    }
  });
  RunSimulation(run, 36000);

  Json parameters = OwnParametersJson(config);
  Json figures = Json::MakeObject();
  figures.Set("colleague_pairs", static_cast<uint64_t>(pairs.size()));
  figures.Set("connected_while_server_up", while_connected_ok);
  figures.Set("refused_after_disconnect", after_disconnect_refused);
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
