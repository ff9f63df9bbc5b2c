// Each ikewot subcommand is one function in its own file; main.cc dispatches by name.
// argv excludes the program and subcommand names. Returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace ikewot::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the operation ran and failed (malformed input, refused)
inline constexpr int kExitUsage = 2;    // wrong arguments
// Network commands (probe, connect, trust accept; docs/cli-probe.md).
inline constexpr int kExitNoAnswer = 3;              // no answer after every retransmission
inline constexpr int kExitNoProposal = 4;            // NO_PROPOSAL_CHOSEN / INVALID_KE exhausted
inline constexpr int kExitAuthenticationFailed = 5;  // the peer refused our (missing) auth
inline constexpr int kExitPeerUnproven = 6;  // peer AUTH invalid, no certificate, or cert refused
inline constexpr int kExitNotTrusted = 7;    // the peer is not trusted and was not accepted

int RunDecode(const std::vector<std::string>& argv);       // cli/decode.cc
int RunId(const std::vector<std::string>& argv);           // cli/id.cc
int RunTrust(const std::vector<std::string>& argv);        // cli/trust.cc
int RunShare(const std::vector<std::string>& argv);        // cli/collections.cc
int RunImport(const std::vector<std::string>& argv);       // cli/collections.cc
int RunCollections(const std::vector<std::string>& argv);  // cli/collections.cc
int RunProbe(const std::vector<std::string>& argv);        // cli/probe.cc
int RunServe(const std::vector<std::string>& argv);        // cli/serve.cc
int RunConnect(const std::vector<std::string>& argv);      // cli/connect.cc
int RunTrustAccept(const std::vector<std::string>& argv);  // cli/trust_accept.cc (trust accept)

}  // namespace ikewot::cli
