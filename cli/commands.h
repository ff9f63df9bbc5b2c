// Each ikewot subcommand is one function in its own file; main.cc dispatches by name.
// argv excludes the program and subcommand names. Returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace ikewot::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the operation ran and failed (malformed input, refused)
inline constexpr int kExitUsage = 2;     // wrong arguments

int RunDecode(const std::vector<std::string>& argv);  // cli/decode.cc
int RunId(const std::vector<std::string>& argv);      // cli/id.cc
int RunTrust(const std::vector<std::string>& argv);        // cli/trust.cc
int RunShare(const std::vector<std::string>& argv);        // cli/collections.cc
int RunImport(const std::vector<std::string>& argv);       // cli/collections.cc
int RunCollections(const std::vector<std::string>& argv);  // cli/collections.cc

}  // namespace ikewot::cli
