// attack: how far a false certificate spreads, and how many nodes' conflict detection catches
// it. Mallory is a real member of the group (people know and verify her), and she shares a
// collection that slips in a false certificate for Bob (her own key under Bob's name). Alice
// shares a collection with Bob's genuine certificate. People who import only Mallory's trust
// the false Bob; people who import both see a conflict (the store reports it and trusts
// neither for that name). A man in the middle also answers Dave's probe of Bob with a forged
// certificate: the phone call catches it (the identification strings differ).
//
//   attack [--seed=N] [--out=DIR] [--nodes=N] [--bothFraction=F]
#include <ns3/boolean.h>
#include <ns3/command-line.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <memory>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/crypto/random.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/topology.h"

using namespace ikewot;
using namespace ikewot::sim;

namespace {

// Node ids.
constexpr uint32_t kAlice = 0;
constexpr uint32_t kBob = 1;
constexpr uint32_t kMallory = 2;
constexpr uint32_t kMitm = 3;  // answers probes meant for Bob
constexpr uint32_t kDave = 4;
constexpr uint32_t kFirstMember = 5;

}  // namespace

int main(int argc, char** argv) {
  ScenarioRun run("attack", "runs/attack");
  uint32_t nodes = 16;
  double both_fraction = 0.5;
  PersonParams person;
  person.min_call_delay_s = 30;
  person.max_call_delay_s = 300;
  ns3::CommandLine cmd("attack");
  cmd.Usage(
      "attack: a sharer slips a false certificate for Bob into her collection; a man in the "
      "middle answers a probe for Bob. Measures spread (exposure) and conflict detection.");
  run.AddOptions(cmd);
  cmd.AddValue("nodes", "Number of nodes (at least 7)", nodes);
  cmd.AddValue("bothFraction",
               "Fraction of members who import Alice's collection as well as Mallory's",
               both_fraction);
  cmd.Parse(argc, argv);
  if (nodes < 7) {
    std::fprintf(stderr, "attack: --nodes must be at least 7\n");
    return 2;
  }
  run.Begin();

  ns3::NodeContainer hosts;
  hosts.Create(nodes);
  InstallStack(hosts);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(ns3::MilliSeconds(10));
  for (uint32_t i = 0; i < nodes; ++i) {
    Attach(hosts.Get(i), lan, Ipv4FromIndex(10, i + 1), ns3::Ipv4Mask("/8"));
  }
  Directory directory;
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
  auto app = [&](uint32_t i) { return ns3::DynamicCast<IkewotApplication>(apps.Get(i)); };

  // The forged certificate for Bob: Mallory's key, Bob's name. The MITM node presents it.
  DeterministicRng forge_rng(run.options().seed, AsBytes("ikewot-sim attack forgery"));
  crypto::SelfSignedOptions forged_options;
  forged_options.common_name = "bob";
  Result<crypto::Certificate> forged = crypto::MakeSelfSigned(
      *app(kMallory)->key(), forged_options, TimePoint::FromUnixSeconds(1767225600), forge_rng);
  if (!forged.ok()) {
    std::fprintf(stderr, "attack: %s\n", forged.error().message.c_str());
    return 1;
  }
  Status presented = app(kMitm)->SetPresentedIdentity(app(kMallory)->key(), *forged);
  if (!presented.ok()) {
    std::fprintf(stderr, "attack: %s\n", presented.error().message.c_str());
    return 1;
  }

  PersonModel people(person, run.options().seed, run.options().run);
  DeterministicRng choices(run.options().seed, AsBytes("ikewot-sim attack choices"));
  int meetings = 0;
  bool shared = false;
  auto share_and_import = [&] {
    if (shared) return;
    shared = true;
    // Mallory "verified" the forged Bob herself, so it goes out in her collection.
    (void)app(kMallory)->AcceptVerified(forged->ToDer());
    Result<IkewotApplication::Shared> alice_col = app(kAlice)->Share(1, "all");
    Result<IkewotApplication::Shared> mallory_col = app(kMallory)->Share(1, "all");
    if (!alice_col.ok() || !mallory_col.ok()) {
      run.Progress("sharing failed");
      ns3::Simulator::Stop();
      return;
    }
    for (uint32_t i = kDave; i < nodes; ++i) {
      const bool both =
          i == kDave || static_cast<double>(choices.NextU32()) / 4294967296.0 < both_fraction;
      const double at = 10 + (i - kDave);
      ns3::Simulator::Schedule(ns3::Seconds(at), [&, i, both, a = *alice_col, m = *mallory_col] {
        (void)app(i)->Import(m.file, kMallory, m.id, trust::Condition{});
        if (both) (void)app(i)->Import(a.file, kAlice, a.id, trust::Condition{});
      });
    }
    ns3::Simulator::Schedule(ns3::Seconds(30 + nodes), [&] { ns3::Simulator::Stop(); });
  };
  auto met = [&](bool, bool) {
    if (--meetings == 0) share_and_import();
  };
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] {
    // Alice knows Bob and every member; every member knows Mallory. Counted first: a meeting
    // whose probes fail may finish at once.
    meetings = 2 + 2 * static_cast<int>(nodes - kDave);
    people.MeetAndVerify(app(kAlice), app(kBob), directory, met);
    for (uint32_t i = kDave; i < nodes; ++i) {
      people.MeetAndVerify(app(kAlice), app(i), directory, met);
      people.MeetAndVerify(app(i), app(kMallory), directory, met);
    }
    // Dave looks for Bob and reaches the man in the middle.
    people.MeetAndVerify(app(kDave), app(kBob), directory, met, app(kMitm)->address());
  });
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(36000));
  ns3::Simulator::Run();

  // Who ends up trusting the false Bob, and who was warned.
  uint64_t fooled = 0;
  for (uint32_t i = kDave; i < nodes; ++i) {
    for (const auto& [fp, edge] : app(i)->trust_edges())
      fooled += edge.peer == kBob && !edge.genuine;
  }
  Json parameters = Json::MakeObject();
  parameters.Set("nodes", nodes);
  parameters.Set("bothFraction", both_fraction);
  Json figures = Json::MakeObject();
  figures.Set("members", nodes - kDave);
  figures.Set("trusting_false_certificate", fooled);
  figures.Set("mitm_detected_by_phone_call", run.writer().counts().verifications_failed > 0);
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  ns3::Simulator::Destroy();
  return status;
}
