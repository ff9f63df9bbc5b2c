#include "sim/scenarios/attack.h"

#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <string>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"

namespace ikewot::sim {
namespace {

// Node ids.
constexpr uint32_t kAlice = 0;
constexpr uint32_t kBob = 1;
constexpr uint32_t kMallory = 2;
constexpr uint32_t kMitm = 3;  // answers probes meant for Bob
constexpr uint32_t kDave = 4;

}  // namespace

Result<ScenarioOutcome> RunAttack(const AttackConfig& config, const RunHooks& hooks) {
  const uint32_t nodes = config.nodes;
  if (nodes < 7) {
    return Error{ErrorCode::kInvalidArgument,
                 "nodes must be at least 7, got " + std::to_string(nodes)};
  }
  if (!(config.both_fraction >= 0 && config.both_fraction <= 1)) {
    return Error{ErrorCode::kInvalidArgument,
                 "bothFraction must be within [0, 1], got " + std::to_string(config.both_fraction)};
  }
  ScenarioRun run("attack", config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;

  ns3::NodeContainer hosts = BuildLan(nodes, ns3::MilliSeconds(10), ns3::Ipv4Mask("/8"));
  IkewotHelper helper(&directory);
  helper.SetAttribute("KeyType", ns3::StringValue("ecdsa-p256"));
  ns3::ApplicationContainer apps = helper.Install(
      ns3::NodeContainer(hosts.Get(kAlice), hosts.Get(kBob)), kAlice, {"alice", "bob"});
  apps.Add(helper.Install(ns3::NodeContainer(hosts.Get(kMallory), hosts.Get(kMitm)), kMallory,
                          {"mallory", "mitm"}, "attacker"));
  helper.SetAttribute("KeyType", ns3::StringValue("ed25519"));
  std::vector<std::string> names = {"dave"};
  ns3::NodeContainer members;
  for (uint32_t i = kDave; i < nodes; ++i) {
    members.Add(hosts.Get(i));
    if (i > kDave) names.push_back("m" + std::to_string(i));
  }
  apps.Add(helper.Install(members, kDave, names));
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  const std::vector<ns3::Ptr<IkewotApplication>> app = ApplicationsOf(apps);

  // The forged certificate for Bob: Mallory's key, Bob's name. The MITM node presents it.
  DeterministicRng forge_rng(run.options().seed, AsBytes("ikewot-sim attack forgery"));
  crypto::SelfSignedOptions forged_options;
  forged_options.common_name = "bob";
  Result<crypto::Certificate> forged = crypto::MakeSelfSigned(
      *app[kMallory]->key(), forged_options, TimePoint::FromUnixSeconds(1767225600), forge_rng);
  if (!forged.ok()) return forged.status();
  Status presented = app[kMitm]->SetPresentedIdentity(app[kMallory]->key(), *forged);
  if (!presented.ok()) return presented;

  PersonModel people(config.person, run.options().seed, run.options().run);
  DeterministicRng choices(run.options().seed, AsBytes("ikewot-sim attack choices"));
  int meetings = 0;
  bool shared = false;
  auto share_and_import = [&] {
    if (shared) return;
    shared = true;
    // Mallory "verified" the forged Bob herself, so it goes out in her collection.
    (void)app[kMallory]->AcceptVerified(forged->ToDer());
    Result<IkewotApplication::Shared> alice_col = app[kAlice]->Share(1, "all");
    Result<IkewotApplication::Shared> mallory_col = app[kMallory]->Share(1, "all");
    if (!alice_col.ok() || !mallory_col.ok()) {
      run.Progress("sharing failed");
      ns3::Simulator::Stop();
      return;
    }
    for (uint32_t i = kDave; i < nodes; ++i) {
      const bool both = i == kDave || static_cast<double>(choices.NextU32()) / 4294967296.0 <
                                          config.both_fraction;
      const double at = 10 + (i - kDave);
      ns3::Simulator::Schedule(ns3::Seconds(at), [&, i, both, a = *alice_col, m = *mallory_col] {
        (void)app[i]->Import(m.file, kMallory, m.id, trust::Condition{});
        if (both) (void)app[i]->Import(a.file, kAlice, a.id, trust::Condition{});
      });
    }
    ns3::Simulator::Schedule(ns3::Seconds(30 + nodes), [] { ns3::Simulator::Stop(); });
  };
  auto met = [&](bool, bool) {
    if (--meetings == 0) share_and_import();
  };
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    // Alice knows Bob and every member; every member knows Mallory. Counted first: a meeting
    // whose probes fail may finish at once.
    meetings = 2 + 2 * static_cast<int>(nodes - kDave);
    people.MeetAndVerify(app[kAlice], app[kBob], directory, met);
    for (uint32_t i = kDave; i < nodes; ++i) {
      people.MeetAndVerify(app[kAlice], app[i], directory, met);
      people.MeetAndVerify(app[i], app[kMallory], directory, met);
    }
    // Dave looks for Bob and reaches the man in the middle.
    people.MeetAndVerify(app[kDave], app[kBob], directory, met, app[kMitm]->address());
  });
  RunSimulation(run, 36000);

  // Who ends up trusting the false Bob, and who was warned.
  uint64_t fooled = 0;
  for (uint32_t i = kDave; i < nodes; ++i) {
    for (const auto& [fp, edge] : app[i]->trust_edges())
      fooled += edge.peer == kBob && !edge.genuine;
  }
  Json parameters = OwnParametersJson(config);
  Json figures = Json::MakeObject();
  figures.Set("members", nodes - kDave);
  figures.Set("trusting_false_certificate", fooled);
  figures.Set("mitm_detected_by_phone_call", run.writer().counts().verifications_failed > 0);
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
