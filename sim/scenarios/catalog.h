// The scenarios that run in-process, by program name, for callers that choose one at run time
// (the Python module): each with its parameter list and a runner taking (name, text) pairs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"
#include "sim/scenarios/parameters.h"

namespace ikewot::sim {

using ParameterValues = std::vector<std::pair<std::string, std::string>>;

struct ScenarioEntry {
  std::string name;   // the program's name, e.g. "four-friends"
  std::string usage;  // one paragraph
  // The parameters with their defaults (common options first).
  std::vector<Parameter> (*parameters)();
  // Sets `values` over the defaults (kInvalidArgument naming the parameter when one is unknown
  // or malformed) and runs the scenario.
  Result<ScenarioOutcome> (*run)(const ParameterValues& values, const RunHooks& hooks);
};

// four-friends, company, hobby-group, nat-and-firewall, attack.
std::vector<ScenarioEntry> ScenarioCatalog();
// The entry named `name`, or kNotFound listing the known names.
Result<ScenarioEntry> FindScenario(const std::string& name);

}  // namespace ikewot::sim
