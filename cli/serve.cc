// ikewot serve: an IKEv2 responder with the home identity. Answers probes and connections and
// judges initiators' certificates with the home trust store. See docs/cli-probe.md.
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/event_text.h"
#include "cli/net_common.h"
#include "core/crypto/random.h"
#include "core/engine/ike_node.h"
#include "driver/address.h"
#include "driver/event_loop.h"
#include "driver/node_runner.h"
#include "driver/tunnel_host.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot serve --listen ADDR[:PORT] --accept trusted|any [options]\n"
    "\n"
    "An IKEv2 responder with the identity in the home directory. Prints one line (or, with\n"
    "--json, one JSON object) per event; SIGINT/SIGTERM delete the IKE SAs politely and stop.\n"
    "\n"
    "  --listen ADDR[:PORT]  address to listen on (0.0.0.0 or :: for all; port default 500)\n"
    "  --natt-port PORT|none NAT-T socket (default 4500; 'none': no NAT-T socket)\n"
    "  --accept trusted      only initiators whose certificate the home trust store trusts\n"
    "  --accept any          also unknown ones (opportunistic), recorded as unverified\n"
    "  --once                serve one IKE SA: exit when it is deleted or fails\n"
    "  --no-probes           refuse probes without initiator AUTH (AUTHENTICATION_FAILED)\n"
    "  --ikev1               also answer IKEv1 main mode (and, unless --no-probes,\n"
    "                        aggressive mode) with the same identity and trust decision\n"
    "  --ike PROPOSALS       IKE proposals we accept (strongSwan syntax), in preference order\n"
    "  --esp PROPOSALS       ESP proposals we accept\n"
    "  --min-strength N      refuse suites weaker than N bits (default 128)\n"
    "  --tunnel NAME         carry each CHILD SA's traffic through TUN device NAME (root);\n"
    "                        it gets our traffic selector's address, routes to the peer's\n"
    "  --show-keys           include CHILD SA keys in --json output\n"
    "  --json                JSON Lines output\n"
    "  --home DIR            home directory (else $IKEWOT_HOME, else ~/.ikewot)\n"
    "\n"
    "Exit status: 0 stopped by a signal (or --once: the SA was established), 1 failure,\n"
    "2 usage error.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot serve: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "ikewot serve: %s\n", message.c_str());
  return kExitFailure;
}

class Printer {
 public:
  Printer(bool json, bool show_keys) : json_(json), show_keys_(show_keys) {}
  void Event(const engine::Event& e) {
    if (json_) {
      std::printf("%s\n", EventJson(e, show_keys_).Dump().c_str());
    } else {
      std::printf("%s\n", EventLine(e).c_str());
    }
    std::fflush(stdout);
  }
  void Note(const std::string& kind, const std::string& text) {
    if (json_) {
      Json j = Json::MakeObject();
      j.Set("event", kind);
      j.Set("detail", text);
      std::printf("%s\n", j.Dump().c_str());
    } else {
      std::printf("%s %s\n", kind.c_str(), text.c_str());
    }
    std::fflush(stdout);
  }

 private:
  bool json_;
  bool show_keys_;
};

}  // namespace

int RunServe(const std::vector<std::string>& argv) {
  std::string error;
  auto args = Args::Parse(
      argv, {"home", "listen", "natt-port", "accept", "ike", "esp", "min-strength", "tunnel"},
      {"once", "json", "no-probes", "show-keys", "ikev1", "help"}, &error);
  if (!args) return UsageError(error);
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (!args->positionals().empty()) {
    return UsageError("unexpected argument '" + args->positionals().front() + "'");
  }
  auto listen_text = args->Value("listen");
  if (!listen_text) return UsageError("--listen ADDR[:PORT] is required");
  auto hp = driver::SplitHostPort(*listen_text);
  if (!hp.ok()) return UsageError("--listen: " + hp.error().message);
  auto address = driver::ParseIpAddress(hp->host);
  if (!address.ok()) return UsageError("--listen: " + address.error().message);
  driver::ListenSpec spec;
  spec.address = *address;
  spec.ike_port = hp->port ? hp->port : engine::kIkePort;
  if (auto natt = args->Value("natt-port")) {
    if (*natt == "none") {
      spec.natt_port.reset();
    } else {
      auto p = driver::SplitHostPort("x:" + *natt);
      if (!p.ok()) return UsageError("--natt-port must be 1..65535 or none");
      spec.natt_port = p->port;
    }
  }
  const std::string accept = args->Value("accept").value_or("");
  if (accept != "trusted" && accept != "any") return UsageError("--accept trusted|any is required");
  const AcceptMode mode =
      accept == "trusted" ? AcceptMode::kTrustedOnly : AcceptMode::kOpportunistic;

  const std::string home = ResolveHome(*args);
  auto identity = LoadHomeIdentity(home);
  if (!identity.ok()) return Fail(identity.error().message);
  if (!*identity) return Fail("serve needs an identity in " + home + " (run: ikewot id init)");
  auto store = OpenTrustStore(home);
  if (!store.ok()) return Fail(store.error().message);

  // The responder policy: proposals as for initiators (defaults or --ike/--esp).
  Args policy_args = *args;
  auto policy = PolicyFromArgs(policy_args, **identity);
  if (!policy.ok()) return UsageError(policy.error().message);
  policy->fallback_proposals.clear();
  policy->allow_probes = !args->Has("no-probes");
  policy->accept_ikev1 = args->Has("ikev1");
  Printer printer(args->Has("json"), args->Has("show-keys"));
  policy->accept_peer =
      StoreAcceptance(&(*store)->store(), mode,
                      [&printer](const std::string& line) { printer.Note("decision", line); });
  engine::NodeConfig config;
  config.responder_policy = std::move(*policy);
  config.accept_incoming = true;

  auto loop = driver::EventLoop::Create();
  if (!loop.ok()) return Fail(loop.error().message);
  if (Status s = (*loop)->StopOnSignals({SIGINT, SIGTERM}); !s.ok()) return Fail(s.error().message);
  OpenSslRng rng;
  engine::IkeNode node(std::move(config), rng);
  driver::NodeRunner runner(**loop, node);
  auto bound = runner.Listen(spec);
  if (!bound.ok()) return Fail(bound.error().message);
  {
    std::string where = driver::FormatEndpoint(*bound);
    if (auto natt = runner.NatTraversalEndpoint(bound->address.size())) {
      where += " (NAT-T " + driver::FormatEndpoint(*natt) + ")";
    }
    printer.Note("listening", where + ", accepting " + accept + " initiators");
  }

  std::unique_ptr<driver::TunnelHost> tunnels;
  if (auto name = args->Value("tunnel")) {
    tunnels = std::make_unique<driver::TunnelHost>(runner, rng, driver::TunnelOptions{*name});
  }
  std::set<engine::SaHandle> established;
  bool once_done = false;
  bool shutting_down = false;
  int once_exit = kExitOk;
  runner.SetEventHandler([&](const engine::Event& e) {
    printer.Event(e);
    switch (e.kind) {
      case engine::EventKind::kIkeSaEstablished:
        established.insert(e.sa);
        break;
      case engine::EventKind::kChildSaEstablished:
        if (tunnels) {
          if (auto made = tunnels->Add(e); made.ok()) {
            printer.Note("tunnel", *made);
          } else {
            printer.Note("tunnel-failed", made.error().message);
          }
        }
        break;
      case engine::EventKind::kDeleted:
      case engine::EventKind::kFailed:
        if (tunnels) tunnels->Remove(e.sa);
        if (args->Has("once") &&
            (established.count(e.sa) || e.kind == engine::EventKind::kFailed)) {
          once_done = true;
          if (e.kind == engine::EventKind::kFailed && !established.count(e.sa)) {
            once_exit = kExitFailure;
          }
          (*loop)->Stop();
        }
        established.erase(e.sa);
        if (shutting_down && established.empty()) (*loop)->Stop();
        break;
      case engine::EventKind::kProbeCompleted:
        break;
    }
  });

  auto exit = (*loop)->Run();
  if (!exit.ok()) return Fail(exit.error().message);
  if (*exit == driver::EventLoop::Exit::kSignal) {
    printer.Note("stopping", std::string("signal ") + std::to_string((*loop)->stop_signal()));
  }
  // Delete what is still up, politely, and give the peers a moment to answer.
  shutting_down = true;
  for (engine::SaHandle sa : std::set<engine::SaHandle>(established)) {
    [[maybe_unused]] Status s = node.Delete(sa, (*loop)->Now());
  }
  runner.Pump();
  const TimePoint give_up = (*loop)->Now() + std::chrono::seconds(2);
  while (!established.empty() && (*loop)->Now() < give_up) {
    auto more = (*loop)->Run(give_up);
    if (!more.ok() || *more != driver::EventLoop::Exit::kStopped) break;
  }
  if (once_done) return once_exit;
  return kExitOk;
}

}  // namespace ikewot::cli
