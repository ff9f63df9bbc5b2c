#include "sim/scenarios/catalog.h"

#include "sim/scenarios/attack.h"
#include "sim/scenarios/company.h"
#include "sim/scenarios/four_friends.h"
#include "sim/scenarios/hobby_group.h"
#include "sim/scenarios/nat_and_firewall.h"

namespace ikewot::sim {
namespace {

template <typename Config>
std::vector<Parameter> DefaultParameters() {
  Config config;
  std::vector<Parameter> parameters = ParametersOf(config);
  for (Parameter& p : parameters) p.set = nullptr;  // they would point into `config`
  return parameters;
}

template <typename Config, Result<ScenarioOutcome> (*kRun)(const Config&, const RunHooks&)>
Result<ScenarioOutcome> RunWithValues(const ParameterValues& values, const RunHooks& hooks) {
  Config config;
  if (Status set = SetParameters(config, Config::kProgram, values); !set.ok()) return set;
  return kRun(config, hooks);
}

template <typename Config, Result<ScenarioOutcome> (*kRun)(const Config&, const RunHooks&)>
ScenarioEntry Entry(const char* usage) {
  return ScenarioEntry{Config::kProgram, usage, &DefaultParameters<Config>,
                       &RunWithValues<Config, kRun>};
}

}  // namespace

std::vector<ScenarioEntry> ScenarioCatalog() {
  return {
      Entry<FourFriendsConfig, &RunFourFriends>(kFourFriendsUsage),
      Entry<CompanyConfig, &RunCompany>(kCompanyUsage),
      Entry<HobbyGroupConfig, &RunHobbyGroup>(kHobbyGroupUsage),
      Entry<NatAndFirewallConfig, &RunNatAndFirewall>(kNatAndFirewallUsage),
      Entry<AttackConfig, &RunAttack>(kAttackUsage),
  };
}

Result<ScenarioEntry> FindScenario(const std::string& name) {
  std::string known;
  for (ScenarioEntry& entry : ScenarioCatalog()) {
    if (entry.name == name) return entry;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  return Error{ErrorCode::kNotFound,
               "no in-process scenario \"" + name + "\" (known: " + known + ")"};
}

}  // namespace ikewot::sim
