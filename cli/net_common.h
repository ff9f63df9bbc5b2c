// What the network commands (probe, serve, connect, trust accept) share: target parsing,
// policy options in strongSwan's vocabulary, the home identity for the engine, trust-store
// acceptance hooks, the text form of a ProbeResult and the exit code each outcome maps to.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/args.h"
#include "core/base/status.h"
#include "core/engine/policy.h"
#include "core/engine/probe_result.h"
#include "core/trust/owned_store.h"
#include "driver/address.h"

namespace ikewot::cli {

// Options every initiating command accepts (value flags, bool flags).
std::set<std::string> InitiatorValueFlags();
std::set<std::string> InitiatorBoolFlags();
// Removes "-4" / "-6" (which Args would take as positionals) and returns the family they ask.
driver::Family TakeFamilyFlags(std::vector<std::string>* argv);

struct Target {
  std::string input;  // as the user wrote it
  engine::Endpoint remote;
};
// HOST[:PORT] -> endpoint (the first address of the family), default port from --port or 500.
Result<Target> ResolveTarget(const std::string& text, uint16_t default_port, driver::Family family);

// --port: the remote port (default 500).
Result<uint16_t> RemotePortFromArgs(const Args& args);
// "1.5" seconds -> Duration (0 < s <= 3600).
Result<Duration> ParseSeconds(const std::string& text, const std::string& flag);
// --source ADDR (numeric), or empty.
Result<Bytes> SourceFromArgs(const Args& args, driver::Family family);

// `--ike 1`, `--ike 2`, `--ike auto` name the IKE version (1, 2, 0 for auto) rather than
// proposals; nullopt when --ike is absent or holds proposals.
std::optional<int> IkeVersionFromArgs(const Args& args);

// The policy from --ike/--proposal (proposals unless --ike names a version), --esp, --fallback,
// --ke, --min-strength, --timeout,
// --retransmits, --with-auth, --null-auth. `identity` may be empty (probes).
Result<engine::Policy> PolicyFromArgs(const Args& args, engine::LocalIdentity identity);

// HOME/identity as the engine's LocalIdentity; nullopt when the home has none.
Result<std::optional<engine::LocalIdentity>> LoadHomeIdentity(const std::string& home_root);

// HOME/trust.db, owned by the home identity when there is one (signed mode needs it).
Result<std::unique_ptr<trust::OwnedStore>> OpenTrustStore(const std::string& home_root);

TimePoint WallClockNow();

// The exit code for one probe outcome (docs/cli-probe.md lists them).
int ProbeExitCode(const engine::ProbeResult& result, bool local_error);
// One line saying what went wrong and what to try; empty for a clean success.
std::string ProbeProblem(const engine::ProbeResult& result, const engine::Policy& policy);
// The human-readable report of one probe.
std::string FormatProbeText(const std::string& input, const engine::ProbeResult& result);

// How a responder (serve) or initiator (connect) judges the peer's certificate with the home
// trust store. kTrustedOnly: only certificates the store trusts (directly or via a collection);
// kOpportunistic: also unknown ones, recorded in the store as unverified -- but never one the
// user rejected or one in conflict. `note` hears one line per decision.
enum class AcceptMode { kTrustedOnly, kOpportunistic };
engine::CertificateAcceptance StoreAcceptance(trust::TrustStore* store, AcceptMode mode,
                                              std::function<void(const std::string&)> note);

// y/N on the terminal (stdin); false on EOF.
bool AskYesNo(const std::string& question);

}  // namespace ikewot::cli
