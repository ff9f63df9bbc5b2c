// large-group: the scale run, many nodes and many real IKEv2 handshakes between random peers.
// The scenario itself: sim/scenarios/large_group.h.
//
//   large-group [--seed=N] [--out=DIR] [--nodes=N] [--handshakes=K] [--window=S] [--hold=S]
//               [--keyType=ed25519|ecdsa-p256] [--peerCertificateCache=N] [--peerKnowledge=N]
#include "sim/scenarios/large_group.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kLargeGroupUsage,
                                   &ikewot::sim::RunLargeGroup);
}
