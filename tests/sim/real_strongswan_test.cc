// A real strongSwan charon on the simulated network: tests/sim/real_strongswan.py puts charon in
// a network namespace behind a TAP that is the simulated NAPT box's outside interface, and runs
// the real-strongswan scenario in real time. Passes when the simulated node's probe and connect
// succeed through the NAT (NAT detected on both sides, IKE on 4500), charon reports the IKE and
// CHILD SA, and charon's libipsec decrypts the node's 5 ESP-in-UDP packets. Skips only when
// charon, /dev/net/tun or root is missing (the launcher exits 77 with the reason).
#include <gtest/gtest.h>

#include <string>

#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim::testing {
namespace {

TEST(RealStrongSwanTest, SimulatedNodeProbesAndConnectsToRealCharonThroughSimulatedNapt) {
  const std::string dir = FreshDir("real-strongswan");
  const std::string log = dir + ".log";
  const std::string command = std::string("/usr/bin/python3 ") + IKEWOT_SOURCE_DIR +
                              "/tests/sim/real_strongswan.py --program " + IKEWOT_SCENARIO_DIR +
                              "/real-strongswan --out " + dir + " >" + log + " 2>&1";
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 77) GTEST_SKIP() << ReadFile(log);
  EXPECT_EQ(code, 0) << ReadFile(log);
}

}  // namespace
}  // namespace ikewot::sim::testing
