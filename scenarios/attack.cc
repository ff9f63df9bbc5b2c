// attack: a false certificate spread by a sharer and a man in the middle caught by a phone call.
// The scenario itself: sim/scenarios/attack.h.
//
//   attack [--seed=N] [--out=DIR] [--nodes=N] [--bothFraction=F]
#include "sim/scenarios/attack.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kAttackUsage, &ikewot::sim::RunAttack);
}
