// ikewot trust accept HOST[:PORT]: probe the peer, show its fingerprint and identification
// string, ask y/N (or --yes), and store the certificate as checked by this user.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/accept_flow.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/net_common.h"
#include "core/trust/report.h"

namespace ikewot::cli {

int RunTrustAccept(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  const driver::Family family = TakeFamilyFlags(&argv);
  std::set<std::string> bools = InitiatorBoolFlags();
  bools.insert("yes");
  std::string error;
  auto args = Args::Parse(argv, InitiatorValueFlags(), bools, &error);
  auto usage = [](const std::string& message) {
    std::fprintf(stderr,
                 "ikewot trust accept: %s\n\nusage: ikewot trust accept HOST[:PORT] [--yes] "
                 "[--json] [probe options]\n",
                 message.c_str());
    return kExitUsage;
  };
  if (!args) return usage(error);
  if (args->positionals().size() != 1) return usage("accept needs exactly one HOST[:PORT]");
  auto port = RemotePortFromArgs(*args);
  if (!port.ok()) return usage(port.error().message);
  auto source = SourceFromArgs(*args, family);
  if (!source.ok()) return usage(source.error().message);
  auto policy = PolicyFromArgs(*args, {});
  if (!policy.ok()) return usage(policy.error().message);
  auto target = ResolveTarget(args->positionals()[0], *port, family);
  if (!target.ok()) {
    std::fprintf(stderr, "ikewot trust accept: %s\n", target.error().message.c_str());
    return kExitFailure;
  }
  auto store = OpenTrustStore(ResolveHome(*args));
  if (!store.ok()) {
    std::fprintf(stderr, "ikewot trust accept: %s\n", store.error().message.c_str());
    return kExitFailure;
  }
  driver::ProbeOptions options;
  options.source = *source;
  AcceptResult result =
      ProbeAndAccept((*store)->store(), *target, *policy, options, args->Has("yes"));
  if (result.exit_code != kExitOk) {
    std::fprintf(stderr, "ikewot trust accept: %s\n", result.message.c_str());
    return result.exit_code;
  }
  if (args->Has("json")) {
    std::printf("%s\n", trust::LocalEntryJson(*result.entry).Dump(2).c_str());
  } else {
    std::printf("%s %s (%s)\n  sha256 %s\n  policy: %s\n",
                std::string(trust::LocalVerdictName(result.entry->verdict)).c_str(),
                trust::Printable(result.entry->cert.subject).c_str(),
                trust::ShortFingerprintText(result.entry->fingerprint()).c_str(),
                trust::FingerprintText(result.entry->fingerprint()).c_str(),
                result.entry->policy.Describe().c_str());
  }
  return kExitOk;
}

}  // namespace ikewot::cli
