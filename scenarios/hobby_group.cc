// hobby-group: friends verify each other along a social graph, some share, everyone connects to
// friends of friends. The scenario itself: sim/scenarios/hobby_group.h.
//
//   hobby-group [--seed=N] [--out=DIR] [--nodes=N] [--graph=hk|ba|ws|sbm|FILE] [--m=M] [--p=P]
//               [--sharers=F] [--attempts=K] [--callProbability=P]
#include "sim/scenarios/hobby_group.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kHobbyGroupUsage,
                                   &ikewot::sim::RunHobbyGroup);
}
