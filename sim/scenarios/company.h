// company: a conditional collection. An admin who knows everyone (she checked every colleague
// and the company server by phone) shares a collection; colleagues import it on the condition
// "only while connected to the company server". While they are connected, colleagues connect to
// each other without checking each other; once they disconnect from the server, the collection
// stops counting and new connections between them are refused.
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"

namespace ikewot::sim {

struct CompanyConfig {
  static constexpr const char* kProgram = "company";
  ScenarioOptions common = ScenarioDefaults("runs/company");
  uint32_t nodes = 30;
  PersonParams person{60, 1800, 1.0};
  double phase_s = 120;
  bool ipv6 = false;

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("nodes", "People including the server and the admin (at least 4)", nodes);
    visit("callMax", "Latest onboarding phone call, seconds", person.max_call_delay_s);
    visit("phase", "Seconds between the phases", phase_s);
    visit("ipv6", "Run over IPv6 (unique local addresses) instead of IPv4", ipv6);
  }
};

inline constexpr const char* kCompanyUsage =
    "company: an admin's collection enabled only while connected to the company server "
    "(conditional collection); colleagues connect to each other while it holds, and are "
    "refused after they disconnect from the server.";

// Figures: colleague_pairs, connected_while_server_up, refused_after_disconnect.
Result<ScenarioOutcome> RunCompany(const CompanyConfig& config, const RunHooks& hooks);

}  // namespace ikewot::sim
