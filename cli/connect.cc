// ikewot connect: a full IKE SA with a CHILD SA to a peer. A peer nobody vouches for is probed
// first, its identification string shown and the user asked (or --yes); then the connection
// insists on a certificate the trust store trusts. See docs/cli-probe.md.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/accept_flow.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/event_text.h"
#include "cli/net_common.h"
#include "core/crypto/identification.h"
#include "core/crypto/random.h"
#include "core/engine/ike_node.h"
#include "driver/address.h"
#include "driver/event_loop.h"
#include "driver/node_runner.h"
#include "driver/tunnel_host.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot connect HOST[:PORT] [--yes] [--json] [--local-ts CIDR] [--remote-ts CIDR]\n"
    "                      [--tunnel NAME] [--hold SECONDS] [--show-keys] [options]\n"
    "\n"
    "Full IKE SA + CHILD SA with the home identity. A peer the trust store does not trust is\n"
    "probed first; its identification string is shown and you are asked (--yes accepts and\n"
    "stores it). Then the connection proceeds only with a trusted certificate.\n"
    "\n"
    "  --yes              accept an unknown peer without asking (scripts)\n"
    "  --local-ts CIDR    our traffic selector (default: our address)\n"
    "  --remote-ts CIDR   the peer's traffic selector (default: its address)\n"
    "  --tunnel NAME      carry the CHILD SA's traffic through TUN device NAME (root): it gets\n"
    "                     our traffic selector's address (give --local-ts a host address)\n"
    "                     and routes to --remote-ts; runs until --hold ends or a signal\n"
    "  --hold SECONDS     keep the SAs up this long (default: delete at once); SIGINT/SIGTERM\n"
    "                     end the hold early; the IKE SA is always deleted politely\n"
    "  --show-keys        include the CHILD SA keys in --json output\n"
    "  --json             one JSON object per event and line (JSON Lines)\n"
    "  plus probe's --port, -4/-6, --source, --local-port, --natt-port, --timeout,\n"
    "  --retransmits, --ike, --esp, --ke, --min-strength, --home\n"
    "\n"
    "Exit status: 0 connected, 1 failure, 2 usage, 3 no answer, 4 NO_PROPOSAL_CHOSEN,\n"
    "5 AUTHENTICATION_FAILED (the peer refused us), 6 the peer's AUTH or certificate was\n"
    "refused, 7 the peer is not trusted (declined or refused by the trust store).\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot connect: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "ikewot connect: %s\n", message.c_str());
  return code;
}

int FailureExitCode(const std::string& reason) {
  auto has = [&](const char* s) { return reason.find(s) != std::string::npos; };
  if (has("no answer")) return kExitNoAnswer;
  if (has("none of our proposals") || has("wants KE group") || has("NO_PROPOSAL_CHOSEN")) {
    return kExitNoProposal;
  }
  if (has("AUTHENTICATION_FAILED")) return kExitAuthenticationFailed;
  if (has("peer certificate rejected")) return kExitNotTrusted;
  if (has("responder authentication failed")) return kExitPeerUnproven;
  return kExitFailure;
}

}  // namespace

int RunConnect(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  const driver::Family family = TakeFamilyFlags(&argv);
  std::set<std::string> values = InitiatorValueFlags();
  values.insert({"local-ts", "remote-ts", "hold", "tunnel"});
  std::set<std::string> bools = InitiatorBoolFlags();
  bools.insert({"yes", "show-keys"});
  std::string error;
  auto args = Args::Parse(argv, values, bools, &error);
  if (!args) return UsageError(error);
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (args->positionals().size() != 1) return UsageError("connect needs exactly one HOST[:PORT]");
  if (args->Has("null-auth") || args->Has("with-auth")) {
    return UsageError("--null-auth / --with-auth are probe options");
  }
  auto port = RemotePortFromArgs(*args);
  if (!port.ok()) return UsageError(port.error().message);
  auto source = SourceFromArgs(*args, family);
  if (!source.ok()) return UsageError(source.error().message);
  std::optional<Duration> hold;
  if (auto h = args->Value("hold")) {
    auto d = ParseSeconds(*h, "hold");
    if (!d.ok()) return UsageError(d.error().message);
    hold = *d;
  }
  const std::string home = ResolveHome(*args);
  auto identity = LoadHomeIdentity(home);
  if (!identity.ok()) return Fail(kExitFailure, identity.error().message);
  if (!*identity)
    return Fail(kExitFailure, "connect needs an identity in " + home + " (run: ikewot id init)");
  auto policy = PolicyFromArgs(*args, **identity);
  if (!policy.ok()) return UsageError(policy.error().message);
  for (const char* flag : {"local-ts", "remote-ts"}) {
    for (const std::string& text : args->Values(flag)) {
      auto ts = ParseSelector(text);
      if (!ts.ok()) return UsageError(std::string("--") + flag + ": " + ts.error().message);
      (std::string(flag) == "local-ts" ? policy->local_selectors : policy->remote_selectors)
          .push_back(*ts);
    }
  }
  auto target = ResolveTarget(args->positionals()[0], *port, family);
  if (!target.ok()) return Fail(kExitFailure, target.error().message);
  auto store = OpenTrustStore(home);
  if (!store.ok()) return Fail(kExitFailure, store.error().message);
  trust::TrustStore& trust_store = (*store)->store();
  const bool json = args->Has("json");

  driver::ProbeOptions probe_options;
  probe_options.source = *source;
  if (!PeerKnownTrusted(trust_store, *target)) {
    engine::Policy probe_policy = *policy;
    probe_policy.identity = {};  // the probe never shows the peer who we are
    AcceptResult accepted =
        ProbeAndAccept(trust_store, *target, probe_policy, probe_options, args->Has("yes"));
    if (accepted.exit_code != kExitOk) return Fail(accepted.exit_code, accepted.message);
    std::fprintf(stderr, "stored as trusted (checked by you): %s\n",
                 crypto::FormatFingerprintHex(accepted.fingerprint).c_str());
  }

  std::string refused;
  policy->accept_peer =
      StoreAcceptance(&trust_store, AcceptMode::kTrustedOnly, [&refused](const std::string& line) {
        if (line.rfind("refused", 0) == 0) refused = line;
      });
  auto loop = driver::EventLoop::Create();
  if (!loop.ok()) return Fail(kExitFailure, loop.error().message);
  if (Status s = (*loop)->StopOnSignals({SIGINT, SIGTERM}); !s.ok()) {
    return Fail(kExitFailure, s.error().message);
  }
  OpenSslRng rng;
  engine::NodeConfig config;
  config.accept_incoming = false;
  engine::IkeNode node(std::move(config), rng);
  driver::NodeRunner runner(**loop, node);
  driver::ListenSpec spec;
  spec.address = source->empty() ? Bytes(target->remote.address.size(), 0) : *source;
  spec.ike_port = 0;
  spec.natt_port = 0;
  if (auto bound = runner.Listen(spec); !bound.ok())
    return Fail(kExitFailure, bound.error().message);
  std::unique_ptr<driver::TunnelHost> tunnels;
  if (auto name = args->Value("tunnel")) {
    tunnels = std::make_unique<driver::TunnelHost>(runner, rng, driver::TunnelOptions{*name});
  }
  auto local = runner.LocalEndpointFor(target->remote);
  if (!local.ok()) return Fail(kExitFailure, local.error().message);
  auto handle = node.Connect(*local, target->remote, *policy, (*loop)->Now());
  if (!handle.ok()) return Fail(kExitFailure, handle.error().message);

  enum class Phase { kConnecting, kUp, kDeleting, kDone } phase = Phase::kConnecting;
  int exit_code = kExitOk;
  std::optional<driver::EventLoop::TimerId> hold_timer;
  auto start_delete = [&] {
    if (phase != Phase::kUp) return;
    phase = Phase::kDeleting;
    if (Status s = node.Delete(*handle, (*loop)->Now()); !s.ok()) {
      phase = Phase::kDone;
      (*loop)->Stop();
      return;
    }
    runner.Pump();
  };
  runner.SetEventHandler([&](const engine::Event& e) {
    if (e.sa != *handle) return;
    if (json) {
      std::printf("%s\n", EventJson(e, args->Has("show-keys")).Dump().c_str());
    } else {
      std::printf("%s\n", EventLine(e).c_str());
    }
    std::fflush(stdout);
    switch (e.kind) {
      case engine::EventKind::kChildSaEstablished:
        phase = Phase::kUp;
        if (tunnels) {
          auto made = tunnels->Add(e);
          std::fprintf(stderr, "ikewot connect: tunnel %s\n",
                       made.ok() ? made->c_str() : ("failed: " + made.error().message).c_str());
          if (!made.ok()) {
            exit_code = kExitFailure;
            start_delete();
            break;
          }
        }
        if (hold) {
          hold_timer = (*loop)->After(*hold, [&] {
            hold_timer.reset();
            start_delete();
          });
        } else if (!tunnels) {
          start_delete();
        }
        break;
      case engine::EventKind::kFailed:
        if (phase == Phase::kConnecting) {
          exit_code = FailureExitCode(e.reason);
          std::fprintf(stderr, "ikewot connect: %s%s\n", e.reason.c_str(),
                       refused.empty() ? "" : ("; " + refused).c_str());
        }
        phase = Phase::kDone;
        (*loop)->Stop();
        break;
      case engine::EventKind::kDeleted:
        phase = Phase::kDone;
        (*loop)->Stop();
        break;
      case engine::EventKind::kIkeSaEstablished:
      case engine::EventKind::kProbeCompleted:
        break;
    }
  });
  runner.Pump();
  while (phase != Phase::kDone) {
    auto exit = (*loop)->Run();
    if (!exit.ok()) return Fail(kExitFailure, exit.error().message);
    if (*exit == driver::EventLoop::Exit::kSignal) {
      if (phase == Phase::kUp) {
        if (hold_timer) (*loop)->Cancel(*hold_timer);
        start_delete();
        continue;
      }
      if (phase == Phase::kConnecting) return Fail(kExitFailure, "interrupted");
      break;  // deleting: leave without waiting longer
    }
  }
  if (hold_timer) (*loop)->Cancel(*hold_timer);
  return exit_code;
}

}  // namespace ikewot::cli
