// attack: how far a false certificate spreads, and how many nodes' conflict detection catches
// it. Mallory is a real member of the group (people know and verify her), and she shares a
// collection that slips in a false certificate for Bob (her own key under Bob's name). Alice
// shares a collection with Bob's genuine certificate. People who import only Mallory's trust
// the false Bob; people who import both see a conflict (the store reports it and trusts
// neither for that name). A man in the middle also answers Dave's probe of Bob with a forged
// certificate: the phone call catches it (the identification strings differ).
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"

namespace ikewot::sim {

struct AttackConfig {
  static constexpr const char* kProgram = "attack";
  ScenarioOptions common = ScenarioDefaults("runs/attack");
  uint32_t nodes = 16;
  double both_fraction = 0.5;
  PersonParams person{30, 300, 1.0};

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("nodes", "Number of nodes (at least 7)", nodes);
    visit("bothFraction", "Fraction of members who import Alice's collection as well as Mallory's",
          both_fraction);
  }
};

inline constexpr const char* kAttackUsage =
    "attack: a sharer slips a false certificate for Bob into her collection; a man in the "
    "middle answers a probe for Bob. Measures spread (exposure) and conflict detection.";

// Figures: members, trusting_false_certificate, mitm_detected_by_phone_call.
Result<ScenarioOutcome> RunAttack(const AttackConfig& config, const RunHooks& hooks);

}  // namespace ikewot::sim
