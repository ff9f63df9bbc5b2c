// Runs a scenario program into a fresh folder and reads what it wrote (header-only: the sim
// test glob compiles tests/sim/*_test.cc).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ikewot::sim::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Lines of events.jsonl of one kind that contain every one of `needles`.
inline size_t CountEvents(const std::string& events, const std::string& kind,
                          const std::vector<std::string>& needles = {}) {
  size_t n = 0;
  for (const std::string& line : Lines(events)) {
    if (line.find("\"event\":\"" + kind + "\"") == std::string::npos) continue;
    bool all = true;
    for (const std::string& needle : needles) all = all && line.find(needle) != std::string::npos;
    n += all;
  }
  return n;
}

// A fresh empty folder under the test's temporary directory.
inline std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "ikewot-sim-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Runs scenario `program` with `args` (and --quiet); returns its exit status.
inline int RunScenario(const std::string& program, const std::string& args) {
  const std::string command =
      std::string(IKEWOT_SCENARIO_DIR) + "/" + program + " --quiet " + args + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ikewot::sim::testing
