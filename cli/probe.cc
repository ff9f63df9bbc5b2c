// ikewot probe: the ssh-keyscan / ike-scan of IKEv2. Fetches each target's certificate by a
// partial IKE negotiation (IKE_SA_INIT, an IKE_AUTH request, a polite delete) and reports what
// it learned. See docs/cli-probe.md.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/home.h"
#include "cli/net_common.h"
#include "cli/probe_ikev1.h"
#include "core/crypto/random.h"
#include "driver/address.h"
#include "driver/event_loop.h"
#include "driver/prober.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot probe HOST[:PORT]... [--targets FILE] [options]\n"
    "\n"
    "Fetches each target's certificate by a partial IKE negotiation and shows its identity,\n"
    "subject, alt names, SHA-256 fingerprint, identification string, whether its AUTH proves\n"
    "the key, vendor and behaviour fingerprint, NAT, chosen proposal, fragmentation, timing.\n"
    "\n"
    "  --targets FILE     more targets, one HOST[:PORT] per line ('#' starts a comment)\n"
    "  --port PORT        remote port when a target names none (default 500)\n"
    "  -4 | -6            resolve names to IPv4 / IPv6 only\n"
    "  --source ADDR      send from this local address (default: the route's)\n"
    "  --local-port PORT  local IKE port (default: any free port)\n"
    "  --natt-port PORT   local port used after a NAT forces port 4500 (default: any)\n"
    "  --timeout SECONDS  first retransmission timeout (default 0.5; doubles each time)\n"
    "  --retransmits N    retransmissions before giving up (default 3)\n"
    "  --ike 1|2|auto     IKE version: 2 (default), 1 (IKEv1 phase 1, see --mode), or auto:\n"
    "                     IKEv2 first, IKEv1 after silence or INVALID_MAJOR_VERSION\n"
    "  --mode aggressive|main  IKEv1 exchange (default aggressive: the certificate without\n"
    "                     credentials; main needs our identity: home, else an ephemeral one)\n"
    "  --ike PROPOSALS    IKE proposals, strongSwan syntax: aes256gcm16-prfsha256-x25519,...\n"
    "  --proposal P       same as --ike\n"
    "  --fallback P|none  restricted list tried when the first gets no answer (default: a\n"
    "                     small list with the default proposals, none with --ike)\n"
    "  --ke GROUP         KE group of the first KE payload (x25519, ecp256, modp3072, ...)\n"
    "  --min-strength N   refuse suites weaker than N bits (default 128)\n"
    "  --with-auth        send our own AUTH (the home identity, else an ephemeral one)\n"
    "  --null-auth        RFC 7619 NULL authentication (opportunistic responders)\n"
    "  --parallel N       probes in flight at once (default 16; one per address at a time)\n"
    "  --json             one JSON object per target and line (JSON Lines), in target order\n"
    "  --home DIR         home directory (else $IKEWOT_HOME, else ~/.ikewot); its identity\n"
    "                     is used when present\n"
    "\n"
    "Exit status (the first failing target's): 0 certificate fetched and AUTH verified (or\n"
    "NULL auth), 1 local error, 2 usage, 3 no answer, 4 NO_PROPOSAL_CHOSEN / INVALID_KE,\n"
    "5 AUTHENTICATION_FAILED (the responder demands or refused initiator authentication),\n"
    "6 the responder's AUTH did not verify or it sent no certificate.\n";

constexpr size_t kMaxTargetsFile = 1024 * 1024;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot probe: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

Result<std::vector<std::string>> ReadTargetsFile(const std::string& path) {
  auto text = ReadFileLimited(path, kMaxTargetsFile);
  if (!text.ok()) return text.error();
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    size_t b = line.find_first_not_of(" \t\r");
    size_t e = line.find_last_not_of(" \t\r");
    if (b != std::string::npos) out.push_back(line.substr(b, e - b + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace

int RunProbe(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  const driver::Family family = TakeFamilyFlags(&argv);
  std::set<std::string> values = InitiatorValueFlags();
  values.insert({"targets", "parallel", "mode"});
  std::string error;
  auto args = Args::Parse(argv, values, InitiatorBoolFlags(), &error);
  if (!args) return UsageError(error);
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  std::vector<std::string> inputs = args->positionals();
  // A malformed target on the command line is a usage error; in --targets FILE it fails alone.
  for (const std::string& input : inputs) {
    if (auto hp = driver::SplitHostPort(input); !hp.ok()) return UsageError(hp.error().message);
  }
  if (auto file = args->Value("targets")) {
    auto listed = ReadTargetsFile(*file);
    if (!listed.ok()) {
      std::fprintf(stderr, "ikewot probe: %s\n", listed.error().message.c_str());
      return kExitFailure;
    }
    inputs.insert(inputs.end(), listed->begin(), listed->end());
  }
  if (inputs.empty()) return UsageError("no target (HOST[:PORT] or --targets FILE)");
  auto port = RemotePortFromArgs(*args);
  if (!port.ok()) return UsageError(port.error().message);
  auto source = SourceFromArgs(*args, family);
  if (!source.ok()) return UsageError(source.error().message);
  driver::ProbeOptions options;
  options.source = *source;
  for (const char* flag : {"local-port", "natt-port"}) {
    if (auto text = args->Value(flag)) {
      auto p = driver::SplitHostPort("x:" + *text);
      if (!p.ok()) return UsageError(std::string("--") + flag + " must be 1..65535");
      (std::string(flag) == "local-port" ? options.local_port : options.local_natt_port) = p->port;
    }
  }
  if (auto parallel = args->Value("parallel")) {
    if (parallel->empty() || parallel->size() > 4 ||
        parallel->find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(*parallel) < 1) {
      return UsageError("--parallel must be 1..9999");
    }
    options.max_in_flight = static_cast<size_t>(std::stoi(*parallel));
  }
  auto identity = LoadHomeIdentity(ResolveHome(*args));
  if (!identity.ok()) {
    std::fprintf(stderr, "ikewot probe: %s\n", identity.error().message.c_str());
    return kExitFailure;
  }
  auto policy = PolicyFromArgs(*args, identity->value_or(engine::LocalIdentity{}));
  if (!policy.ok()) return UsageError(policy.error().message);

  // Resolve every target first; one that does not resolve fails alone.
  std::vector<driver::ProbeJob> jobs;
  std::vector<int> job_of_input(inputs.size(), -1);
  std::vector<std::string> resolve_errors(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto target = ResolveTarget(inputs[i], *port, family);
    if (!target.ok()) {
      resolve_errors[i] = target.error().message;
      continue;
    }
    job_of_input[i] = static_cast<int>(jobs.size());
    jobs.push_back(driver::ProbeJob{target->remote, *policy});
  }
  auto loop = driver::EventLoop::Create();
  if (!loop.ok()) {
    std::fprintf(stderr, "ikewot probe: %s\n", loop.error().message.c_str());
    return kExitFailure;
  }
  if (Status s = (*loop)->StopOnSignals({SIGINT, SIGTERM}); !s.ok()) {
    std::fprintf(stderr, "ikewot probe: %s\n", s.error().message.c_str());
    return kExitFailure;
  }
  OpenSslRng rng;
  const int version = IkeVersionFromArgs(*args).value_or(2);
  if (version == 2 && args->Has("mode")) return UsageError("--mode is for --ike 1 or auto");
  auto v1_options = Ikev1OptionsFromArgs(*args, *policy);
  if (!v1_options.ok()) return UsageError(v1_options.error().message);
  v1_options->source = options.source;
  v1_options->local_port = options.local_port;
  v1_options->local_natt_port = options.local_natt_port;
  auto outcomes = version == 1 ? Result<std::vector<driver::ProbeOutcome>>(
                                     std::vector<driver::ProbeOutcome>(jobs.size()))
                               : driver::ProbeAll(**loop, jobs, options, rng);
  if (!outcomes.ok()) {
    std::fprintf(stderr, "ikewot probe: %s\n", outcomes.error().message.c_str());
    return kExitFailure;
  }
  // IKEv1: every target with --ike 1; with auto those that did not speak IKEv2.
  for (size_t j = 0; j < jobs.size() && version != 2; ++j) {
    driver::ProbeOutcome& o = (*outcomes)[j];
    std::string reason = version == 1 ? "" : Ikev1FallbackReason(o.result);
    if (version == 0 && (reason.empty() || o.local_error)) continue;
    auto v1 = RunIkev1Probe(**loop, jobs[j].remote, *v1_options, rng);
    o = driver::ProbeOutcome{};
    if (!v1.ok()) {
      o.result.target = jobs[j].remote.ToString();
      o.local_error = v1.error();
      continue;
    }
    o.result = std::move(*v1);
    o.result.version_fallback = reason;
  }

  int exit_code = kExitOk;
  for (size_t i = 0; i < inputs.size(); ++i) {
    engine::ProbeResult result;
    std::string local_error = resolve_errors[i];
    if (job_of_input[i] >= 0) {
      const driver::ProbeOutcome& o = (*outcomes)[static_cast<size_t>(job_of_input[i])];
      result = o.result;
      if (o.local_error) local_error = o.local_error->message;
    }
    const int code = ProbeExitCode(result, !local_error.empty());
    if (exit_code == kExitOk) exit_code = code;
    const std::string problem = local_error.empty() ? ProbeProblem(result, *policy) : local_error;
    if (args->Has("json")) {
      Json j = local_error.empty() ? result.ToJson() : Json::MakeObject();
      j.Set("input", inputs[i]);
      j.Set("exit_code", code);
      j.Set("problem", problem.empty() ? Json() : Json(problem));
      std::printf("%s\n", j.Dump().c_str());
    } else {
      if (i > 0) std::printf("\n");
      if (job_of_input[i] >= 0 && local_error.empty()) {
        std::printf("%s", FormatProbeText(inputs[i], result).c_str());
      } else {
        std::printf("target          %s\n", inputs[i].c_str());
      }
      if (!problem.empty())
        std::fprintf(stderr, "ikewot probe: %s: %s\n", inputs[i].c_str(), problem.c_str());
    }
    std::fflush(stdout);
  }
  return exit_code;
}

}  // namespace ikewot::cli
