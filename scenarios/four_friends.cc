// four-friends: Alice checks three friends by phone and shares a signed collection; the friends
// connect to each other through it. The scenario itself: sim/scenarios/four_friends.h.
//
//   four-friends [--seed=N] [--out=DIR] [--pcap] [--callMin=S] [--callMax=S] ...
#include "sim/scenarios/four_friends.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kFourFriendsUsage,
                                   &ikewot::sim::RunFourFriends);
}
